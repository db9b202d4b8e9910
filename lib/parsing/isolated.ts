/**
 * extractText in a child process (./child.ts) with a heap limit: a parser that crashes, runs out
 * of memory or hangs past the time limit fails that document only, and parsing runs off the
 * worker's event loop.
 */
import { closeOnExit } from "@/lib/connections";
import { ChildCrashError, ChildPool, ChildTaskError } from "@/lib/isolation/child-pool";
import type { ExtractRequest } from "./child";
import { DocumentError } from "./errors";
import type { ExtractedText, ExtractOptions } from "./extract";

export interface IsolatedExtractOptions extends ExtractOptions {
  /** The child's V8 heap limit. */
  memoryMb: number;
}

const pools = new Map<number, ChildPool<ExtractRequest, ExtractedText>>();

function pool(memoryMb: number): ChildPool<ExtractRequest, ExtractedText> {
  let found = pools.get(memoryMb);
  if (!found) {
    found = new ChildPool(new URL("./child.ts", import.meta.url), { memoryMb });
    pools.set(memoryMb, found);
    closeOnExit("parser processes", closeParsers);
  }
  return found;
}

/** The messages a document's owner sees when the parser process died on their file. */
export const CRASH_MESSAGES: Record<ChildCrashError["kind"], string> = {
  "out-of-memory": "The file could not be read: the parser ran out of memory.",
  killed: "The file could not be read: the parser was stopped by the system, probably for using too much memory.",
  crashed: "The file could not be read: the parser crashed on it.",
};

/**
 * Reads a stored document's text in a child process. A crash of the child is a DocumentError:
 * the same bytes crash the same parser again, so retrying would only repeat it.
 */
export async function extractTextIsolated(filePath: string, mimeType: string, opts: IsolatedExtractOptions): Promise<ExtractedText> {
  const { signal, onProgress, maxPages, maxChars, memoryMb } = opts;
  try {
    return await pool(memoryMb).run({ filePath, mimeType, maxPages, maxChars }, { signal, onProgress });
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
