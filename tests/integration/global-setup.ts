import "vitest";
import type { TestProject } from "vitest/node";
import { startStack } from "../harness";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    storageDir: string;
    stackEnv: Record<string, string>;
    adminToken: string;
  }
}

/** One real stack (web + worker processes) for the integration suite. */
export default async function setup(project: TestProject) {
  const stack = await startStack();
  project.provide("baseURL", stack.baseURL);
  project.provide("storageDir", stack.env.STORAGE_DIR);
  project.provide("stackEnv", stack.env);
  project.provide("adminToken", stack.admin!.token);
  return async () => stack.stop();
}
