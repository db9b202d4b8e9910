/**
 * OCR of scanned pages and photos: Tesseract (Debian's `tesseract-ocr`) reads an image on its
 * stdin, and a PDF page is first rendered by poppler's `pdftoppm`, piped straight into it. Each
 * runs as a child process with the parser children's limits (an allow-listed environment, the OS
 * memory limit through prlimit, no file writes, an unprivileged user when the worker is root), one
 * OpenMP thread, and its own time limit per page. Nothing touches the disk.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { childEnvironment, childUser, limitedExec } from "@/lib/isolation/sandbox";
import { DocumentError } from "./errors";

export interface OcrSettings {
  /** Tesseract's languages, joined by "+" ("eng", "eng+deu"). */
  languages: string;
  /** Each page's time limit (rendering and OCR together). */
  pageTimeoutMs: number;
  /** Resolution PDF pages are rendered at. */
  dpi: number;
  /** Each process's memory limit (RLIMIT_DATA). */
  memoryBytes: number;
  /** The user the processes run as when the worker runs as root. */
  user: string | null;
  signal?: AbortSignal;
}

/** OCR output kept per page at most: a page of text is a few kilobytes. */
const MAX_PAGE_OUTPUT = 1024 * 1024;

/** The text Tesseract reads on an image (PNG, JPEG, TIFF, WebP: what Leptonica decodes). */
export function ocrImage(image: Uint8Array, settings: OcrSettings, page = 1): Promise<string> {
  return runPipeline([tesseract(settings)], image, settings, page);
}

/** The text Tesseract reads on page `page` (1-based) of a PDF, rendered in grey at `settings.dpi`. */
export function ocrPdfPage(pdf: Uint8Array, page: number, settings: OcrSettings): Promise<string> {
  const render = ["pdftoppm", "-f", String(page), "-l", String(page), "-r", String(settings.dpi), "-gray", "-"];
  return runPipeline([render, tesseract(settings)], pdf, settings, page);
}

function tesseract({ languages }: OcrSettings): string[] {
  return ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "3"];
}

/** Runs `commands` with each one's stdout piped into the next; resolves with the last one's stdout. */
function runPipeline(commands: string[][], input: Uint8Array, settings: OcrSettings, page: number): Promise<string> {
  settings.signal?.throwIfAborted();
  const env = { ...childEnvironment(), OMP_THREAD_LIMIT: "1" };
  const processes: ChildProcess[] = commands.map((command) => {
    const [file, ...args] = limitedExec(command, settings.memoryBytes);
    // Detached: its own process group, so that stopping it stops what it started too.
    return spawn(file, args, { env, cwd: "/", ...childUser(settings.user), stdio: ["pipe", "pipe", "pipe"], detached: true });
  });
  return new Promise<string>((resolve, reject) => {
    const output: Buffer[] = [];
    let outputBytes = 0;
    const stderr: string[] = [];
    let settled = false;
    const finish = (error: Error | null, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settings.signal?.removeEventListener("abort", onAbort);
      for (const child of processes) kill(child);
      if (error) reject(error);
      else resolve(text ?? "");
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(settings.pageTimeoutMs / 1000);
      finish(new DocumentError(`Page ${page} could not be read by OCR within the time limit (${seconds} seconds per page).`, { code: "ocr-time-limit" }));
    }, settings.pageTimeoutMs);
    const onAbort = () => finish(settings.signal!.reason instanceof Error ? settings.signal!.reason : new Error("aborted"));
    settings.signal?.addEventListener("abort", onAbort, { once: true });

    processes.forEach((child, i) => {
      child.on("error", (error) => finish(new Error(`${commands[i][0]} could not be started (is it installed?)`, { cause: error })));
      child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8").slice(0, 2000)));
      child.stdin!.on("error", () => {
        // The reader stopped early (it failed, or was stopped): its exit says why.
      });
      const next = processes[i + 1];
      if (next) child.stdout!.pipe(next.stdin!);
      else
        child.stdout!.on("data", (chunk: Buffer) => {
          outputBytes += chunk.length;
          if (outputBytes <= MAX_PAGE_OUTPUT) output.push(chunk);
        });
    });
    let running = processes.length;
    processes.forEach((child, i) => {
      child.on("close", (code, signal) => {
        if (code !== 0) {
          const why = signal ? `signal ${signal}` : `exit code ${code}`;
          const memory = /alloc|memory/i.test(stderr.join(""));
          const message = memory
            ? `Page ${page} needs more memory than allowed to be read by OCR.`
            : `Page ${page} could not be read by OCR: the image could not be decoded.`;
          finish(new DocumentError(message, { code: "ocr-failed", cause: new Error(`${commands[i][0]} failed (${why}): ${stderr.join("").slice(-500)}`) }));
          return;
        }
        running -= 1;
        if (running === 0) finish(null, Buffer.concat(output).toString("utf8"));
      });
    });
    const first = processes[0].stdin!;
    first.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}

/** Stops a process and what it started (its own process group). */
function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
