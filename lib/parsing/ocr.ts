/**
 * OCR of scanned pages and photos: Tesseract (Debian's `tesseract-ocr`) reads an image on its
 * stdin, and a PDF page is first rendered by poppler's `pdftoppm`, piped straight into it. Each
 * runs as a child process with the parser children's limits (an allow-listed environment, the OS
 * memory limit through prlimit, no file writes, an unprivileged user when the worker is root), one
 * OpenMP thread, and its own time limit per page. Nothing touches the disk.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { childEnvironment, childUser, limitedExec } from "@/lib/isolation/sandbox";
import { countParserKill } from "@/lib/metrics/parser";
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

/** OCR output kept per page at most: a page of text is a few kilobytes (its TSV some ten times that). */
const MAX_PAGE_OUTPUT = 8 * 1024 * 1024;
/**
 * A page whose words Tesseract is this unsure of on average holds no text: what it "reads" in
 * noise, a photo or a drawing scores 0–40, printed text 85–95.
 */
const MIN_PAGE_CONFIDENCE = 50;

/** The text Tesseract reads on an image (PNG, JPEG, TIFF, WebP: what Leptonica decodes). */
export async function ocrImage(image: Uint8Array, settings: OcrSettings, page = 1): Promise<string> {
  return textOfTsv((await runPipeline([tesseract(settings)], image, settings, page)).toString("utf8"));
}

/** The text Tesseract reads on page `page` (1-based) of a PDF, rendered in grey at `settings.dpi`. */
export async function ocrPdfPage(pdf: Uint8Array, page: number, settings: OcrSettings): Promise<string> {
  const render = ["pdftoppm", "-f", String(page), "-l", String(page), "-r", String(settings.dpi), "-gray", "-"];
  return textOfTsv((await runPipeline([render, tesseract(settings)], pdf, settings, page)).toString("utf8"));
}

/** Tesseract reading stdin, writing its words with their confidence and place (TSV) to stdout. */
function tesseract({ languages }: OcrSettings): string[] {
  return ["tesseract", "stdin", "stdout", "-l", languages, "--psm", "3", "tsv"];
}

/**
 * The text of Tesseract's TSV: words joined into their lines, lines into paragraphs (a blank line
 * between paragraphs); nothing when the words' mean confidence says they are not text.
 */
export function textOfTsv(tsv: string): string {
  const words: { key: string; paragraph: string; text: string; confidence: number }[] = [];
  for (const row of tsv.split("\n")) {
    const cells = row.split("\t");
    // level 5 is a word: level, page, block, paragraph, line, word, left, top, width, height, confidence, text.
    if (cells.length < 12 || cells[0] !== "5" || !cells[11].trim()) continue;
    words.push({ key: cells.slice(1, 5).join(" "), paragraph: cells.slice(1, 4).join(" "), text: cells[11].trim(), confidence: Number(cells[10]) });
  }
  if (words.length === 0) return "";
  const confidence = words.reduce((sum, word) => sum + Math.max(0, word.confidence), 0) / words.length;
  if (confidence < MIN_PAGE_CONFIDENCE) return "";
  let text = "";
  words.forEach((word, i) => {
    const previous = words[i - 1];
    if (previous) text += previous.paragraph !== word.paragraph ? "\n\n" : previous.key !== word.key ? "\n" : " ";
    text += word.text;
  });
  return text;
}

/** What running a pipeline of tools needs of the settings: the limits, the user and the abort signal. */
export type PipelineSettings = Pick<OcrSettings, "pageTimeoutMs" | "memoryBytes" | "user" | "signal">;

/**
 * Runs `commands` with each one's stdout piped into the next, each with the parser children's
 * limits; resolves with the last one's stdout, of which it keeps `maxOutput` bytes (or, with
 * `failPastLimit`, fails past them: a cut image is no image).
 */
export function runPipeline(
  commands: string[][],
  input: Uint8Array,
  settings: PipelineSettings,
  page: number,
  { maxOutput = MAX_PAGE_OUTPUT, failPastLimit = false } = {},
): Promise<Buffer> {
  settings.signal?.throwIfAborted();
  const env = { ...childEnvironment(), OMP_THREAD_LIMIT: "1" };
  const processes: ChildProcess[] = commands.map((command) => {
    const [file, ...args] = limitedExec(command, settings.memoryBytes);
    // Detached: its own process group, so that stopping it stops what it started too.
    return spawn(file, args, { env, cwd: "/", ...childUser(settings.user), stdio: ["pipe", "pipe", "pipe"], detached: true });
  });
  return new Promise<Buffer>((resolve, reject) => {
    const output: Buffer[] = [];
    let outputBytes = 0;
    const stderr: string[] = [];
    let settled = false;
    const finish = (error: Error | null, bytes?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settings.signal?.removeEventListener("abort", onAbort);
      for (const child of processes) kill(child);
      if (error) reject(error);
      else resolve(bytes ?? Buffer.alloc(0));
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(settings.pageTimeoutMs / 1000);
      countParserKill("time");
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
          if (outputBytes <= maxOutput) output.push(chunk);
          else if (failPastLimit) finish(new Error(`${commands.at(-1)![0]} wrote more than ${maxOutput} bytes`));
        });
    });
    let running = processes.length;
    processes.forEach((child, i) => {
      child.on("close", (code, signal) => {
        if (code !== 0) {
          const why = signal ? `signal ${signal}` : `exit code ${code}`;
          const memory = /alloc|memory/i.test(stderr.join(""));
          // Out of memory, or stopped by a signal (an exit code alone is the program refusing the image).
          if (!settled && (memory || signal)) countParserKill(memory ? "memory" : "crash");
          const message = memory
            ? `Page ${page} needs more memory than allowed to be read by OCR.`
            : `Page ${page} could not be read by OCR: the image could not be decoded.`;
          finish(new DocumentError(message, { code: "ocr-failed", cause: new Error(`${commands[i][0]} failed (${why}): ${stderr.join("").slice(-500)}`) }));
          return;
        }
        running -= 1;
        if (running === 0) finish(null, Buffer.concat(output));
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
