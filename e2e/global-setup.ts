import { startStack } from "../tests/harness";

/** Starts the real web and worker processes for the browser tests; the returned function stops them. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // No account yet: the first-run spec creates the admin through the pages.
  const stack = await startStack({}, { admin: false });
  process.env.E2E_BASE_URL = stack.baseURL;
  return async () => {
    await stack.stop();
  };
}
