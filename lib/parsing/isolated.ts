/**
 * extractText in a child process (./child.ts) with a heap limit and a memory limit: a parser that
 * crashes, runs out of memory or hangs past the time limit fails that document only, and parsing
 * runs off the worker's event loop. The worker reads the file and hands the child its bytes.
 */
import { closeOnExit } from "@/lib/connections";
import { env } from "@/lib/env";
import { ChildCrashError, ChildPool, ChildTaskError } from "@/lib/isolation/child-pool";
import type { ExtractRequest } from "./child";
import { DocumentError } from "./errors";
import { readDocument, type DocumentBytes, type ExtractedText, type ExtractOptions } from "./extract";

export interface IsolatedExtractOptions extends ExtractOptions {
  /** The child's V8 heap limit. */
  memoryMb: number;
  /** What the child may use besides its heap (EXTRACT_OFF_HEAP_MB unless given). */
  offHeapMb?: number;
  /** The file's bytes when already read (readDocument), so reading again after OCR does not load them twice. */
  file?: DocumentBytes;
}

const pools = new Map<string, ChildPool<ExtractRequest, ExtractedText>>();

function pool(memoryMb: number, offHeapMb: number): ChildPool<ExtractRequest, ExtractedText> {
  const key = `${memoryMb}+${offHeapMb}`;
  let found = pools.get(key);
  if (!found) {
    found = new ChildPool(new URL("./child.ts", import.meta.url), { memoryMb, offHeapMb, user: env.EXTRACT_USER });
    pools.set(key, found);
    closeOnExit("parser processes", closeParsers);
  }
  return found;
}

/** The messages a document's owner sees when the parser process died on their file. */
export const CRASH_MESSAGES: Record<ChildCrashError["kind"], string> = {
  "out-of-memory": "The file could not be read: the parser ran out of memory.",
  killed: "The file could not be read: the parser was stopped by the system, probably for using too much memory.",
  crashed: "The file could not be read: the parser crashed on it.",
  "memory-limit": "This file needs more memory than allowed.",
};

/**
 * Reads a stored document's text in a child process. A crash of the child is a DocumentError:
 * the same bytes crash the same parser again, so retrying would only repeat it.
 */
export async function extractTextIsolated(filePath: string, mimeType: string, opts: IsolatedExtractOptions): Promise<ExtractedText> {
  const { signal, onProgress, maxPages, maxChars, zipLimits, findScans, ocrText, memoryMb, offHeapMb = env.EXTRACT_OFF_HEAP_MB } = opts;
  const file = opts.file ?? (await readDocument(filePath, mimeType, maxChars));
  try {
    return await pool(memoryMb, offHeapMb).run({ file, mimeType, maxPages, maxChars, zipLimits, findScans, ocrText }, { signal, onProgress });
  } catch (error) {
    if (error instanceof ChildCrashError) throw new DocumentError(CRASH_MESSAGES[error.kind], { cause: error, code: `parser-${error.kind}` });
    if (error instanceof ChildTaskError) throw error.owner ? new DocumentError(error.message, { cause: error, code: error.owner.code }) : new Error(error.message, { cause: error });
    throw error;
  }
}

/** Stops the parser processes. */
function closeParsers(): void {
  for (const p of pools.values()) p.close();
  pools.clear();
}
