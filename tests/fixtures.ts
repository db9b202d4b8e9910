/** Where the shared fixture documents live (override with FIXTURES_DIR). */
import path from "node:path";

export const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures/documents");

/** The path of one fixture document. */
export function fixturePath(name: string): string {
  return path.join(FIXTURES_DIR, name);
}
