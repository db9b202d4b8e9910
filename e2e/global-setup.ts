import { startStack } from "../tests/harness";

/** Starts the real web and worker processes for the browser tests; the returned function stops them. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  process.env.E2E_BASE_URL = stack.baseURL;
  return async () => {
    await stack.stop();
  };
}
