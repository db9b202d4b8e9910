/** Where the shared fixture documents live (override with FIXTURES_DIR), and sets made of them. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures/documents");

/** The path of one fixture document. */
export function fixturePath(name: string): string {
  return path.join(FIXTURES_DIR, name);
}

/** `count` distinct upload parts: the fixture documents, then copies made distinct by a trailing line. */
export async function distinctDocuments(count: number): Promise<{ name: string; data: Buffer }[]> {
  const names = (await readdir(FIXTURES_DIR)).filter((name) => !name.startsWith("README")).sort();
  const files: { name: string; data: Buffer }[] = [];
  for (let i = 0; files.length < count; i++) {
    const name = names[i % names.length];
    const bytes = await readFile(path.join(FIXTURES_DIR, name));
    const copy = Math.floor(i / names.length);
    const data = copy === 0 ? bytes : Buffer.concat([bytes, Buffer.from(name.endsWith(".pdf") ? `\n%copy ${copy}\n` : `\nCopy ${copy}.\n`)]);
    files.push({ name: copy === 0 ? name : `copy${copy}-${name}`, data });
  }
  return files;
}
