import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentError, extractText } from "@/lib/parsing";
import { extractTextFromBytes } from "@/lib/parsing/extract";
import { fixturePath } from "../fixtures";

const PDF = "application/pdf";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "extract-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write a hostile input to the temp dir and return its path. */
async function file(name: string, content: Buffer | string): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, content);
  return filePath;
}

/** A hand-made one-page PDF with a correct xref table. */
function minimalPdf(extraObjects: string[] = [], extraTrailer = ""): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ...extraObjects,
  ];
  let body = "%PDF-1.4\n";
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${extraTrailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

async function failure(promise: Promise<unknown>): Promise<DocumentError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DocumentError);
  return error as DocumentError;
}

const flat = (text: string) => text.replace(/\s+/g, " ");

describe("extractText from PDF", () => {
  it("reads every page and reports progress as pages are parsed", async () => {
    const progress: number[] = [];
    const { text, pages } = await extractText(fixturePath("graphicx.pdf"), PDF, { onProgress: (f) => void progress.push(f) });
    expect(pages).toBe(11);
    expect(flat(text)).toContain("This package provides an alternative interface to the LATEX 2ε graphics functions.");
    expect(text).not.toMatch(/ {2}|\n{3}/);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress).toContain(5 / 11);
    expect(progress.at(-1)).toBe(1);
  });

  it("joins words hyphenated across lines", async () => {
    const { text } = await extractText(fixturePath("keyval.pdf"), PDF);
    expect(flat(text)).toContain("allowing the setting of parameters");
  });

  it("stops after maxPages but still tells the page count", async () => {
    const full = await extractText(fixturePath("graphicx.pdf"), PDF);
    const first = await extractText(fixturePath("graphicx.pdf"), PDF, { maxPages: 2 });
    expect(first.pages).toBe(11);
    expect(first.text.length).toBeLessThan(full.text.length / 2);
    expect(full.text.startsWith(first.text.slice(0, 500))).toBe(true);
  });

  it("stops between page batches when aborted, with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by owner");
    const progress: number[] = [];
    const run = extractText(fixturePath("bzip2-manual.pdf"), PDF, {
      signal: controller.signal,
      onProgress: (fraction) => {
        progress.push(fraction);
        if (fraction > 0) controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(progress.filter((fraction) => fraction > 0)).toHaveLength(1);
  });

  it("lets a failing progress report through unchanged, so the job can retry", async () => {
    const outage = new Error("progress store unreachable");
    const run = extractText(fixturePath("graphicx.pdf"), PDF, {
      onProgress: (fraction) => {
        if (fraction > 0) throw outage;
      },
    });
    await expect(run).rejects.toBe(outage);
  });

  it("says a truncated PDF is damaged", async () => {
    const truncated = (await readFile(fixturePath("graphicx.pdf"))).subarray(0, 2000);
    const error = await failure(extractText(await file("truncated.pdf", truncated), PDF));
    expect(error.userMessage).toBe("This PDF is damaged or incomplete and could not be read.");
  });

  it("says a PDF without a text layer has nothing to summarize", async () => {
    const error = await failure(extractText(await file("blank.pdf", minimalPdf()), PDF));
    expect(error.message).toBe("This PDF has no text layer (it may be a scanned image), so there is nothing to summarize.");
  });

  it("answers the pages without text for OCR when asked to, and reads OCR's text in their place", async () => {
    const blank = minimalPdf();
    const scanned = await extractTextFromBytes({ bytes: blank, cut: false }, PDF, { findScans: true });
    expect(scanned).toMatchObject({ text: "", pages: 1, scannedPages: [1] });
    const read = await extractTextFromBytes({ bytes: blank, cut: false }, PDF, { ocrText: { 1: "Words OCR read on the scan." } });
    expect(read.text).toBe("Words OCR read on the scan.");
    expect(read.scannedPages).toBeUndefined();
    const nothing = await failure(extractTextFromBytes({ bytes: blank, cut: false }, PDF, { ocrText: { 1: " \n " } }));
    expect(nothing.message).toBe("No text could be read from this file, even with OCR.");
  });

  it("says a PDF that needs a password is password protected", async () => {
    const encrypt = `<< /Filter /Standard /V 1 /R 2 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> /P -4 >>`;
    const encrypted = minimalPdf([encrypt], ` /Encrypt 4 0 R /ID [<${"ef".repeat(16)}> <${"ef".repeat(16)}>]`);
    const error = await failure(extractText(await file("locked.pdf", encrypted), PDF));
    expect(error.message).toBe("This PDF is password protected.");
  });
});

describe("extractText from text files", () => {
  it("says an empty file is empty", async () => {
    const empty = await file("empty.txt", "");
    expect((await failure(extractText(empty, "text/plain"))).message).toBe("This file is empty.");
    expect((await failure(extractText(empty, PDF))).message).toBe("This file is empty.");
  });

  it("refuses binary content and invalid UTF-8", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const withNul = Buffer.from("readable words\0then binary");
    for (const [name, content] of [["image.txt", png], ["nul.txt", withNul], ["latin1.txt", Buffer.from("caf\xe9", "latin1")]] as const) {
      const error = await failure(extractText(await file(name, content), "text/plain"));
      expect(error.message).toBe("This file does not contain readable text.");
    }
  });

  it("says a file of only whitespace has no text", async () => {
    const error = await failure(extractText(await file("blank.md", " \n\t\n  \r\n"), "text/markdown"));
    expect(error.message).toBe("No text was found in this file.");
  });

  it("decodes UTF-8, drops a BOM and normalises whitespace", async () => {
    const text = await file("notes.txt", "\uFEFFCafé  crème\r\n\r\n\r\n\r\nsecond\t\tparagraph  \n");
    expect(await extractText(text, "text/plain")).toEqual({ text: "Café crème\n\nsecond paragraph", pages: null, truncated: false, outline: [], title: null });
  });

  it("reads UTF-16 text that starts with its byte order mark", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Grüße aus Köln", "utf16le")]);
    const be = Buffer.from(le).swap16();
    expect((await extractText(await file("le.txt", le), "text/plain")).text).toBe("Grüße aus Köln");
    expect((await extractText(await file("be.txt", be), "text/plain")).text).toBe("Grüße aus Köln");
    const broken = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0x00, 0xd8, 0x41, 0x00])]);
    const error = await failure(extractText(await file("broken16.txt", broken), "text/plain"));
    expect(error.message).toBe("This file does not contain readable text.");
  });

  it("keeps the first maxChars characters of a long text, cut at a word, and says so", async () => {
    const long = await file("long.txt", "word ".repeat(100_000) + "é".repeat(10));
    const { text, truncated } = await extractText(long, "text/plain", { maxChars: 1000 });
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text.length).toBeGreaterThan(900);
    expect(text.endsWith("word")).toBe(true);
    // A multi-byte character split by the byte budget is left out, not refused.
    const accents = await file("accents.txt", "é".repeat(5000));
    const cut = await extractText(accents, "text/plain", { maxChars: 1001 });
    expect(cut).toEqual({ text: "é".repeat(1001), pages: null, truncated: true, outline: [], title: null });
    expect((await extractText(long, "text/plain", { maxChars: 10_000_000 })).truncated).toBe(false);
  });

  it("stops reading a PDF once it has enough text", async () => {
    const full = await extractText(fixturePath("bzip2-manual.pdf"), PDF);
    const { text, truncated, pages } = await extractText(fixturePath("bzip2-manual.pdf"), PDF, { maxChars: 2000 });
    expect(truncated).toBe(true);
    expect(pages).toBe(full.pages);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(full.text.startsWith(text)).toBe(true);
  }, 60_000);

  it("strips Markdown down to its words", async () => {
    const { text } = await extractText(fixturePath("apt-README.md"), "text/markdown");
    expect(text.startsWith("APT\n\napt is the main command-line package manager for Debian")).toBe(true);
    expect(text).toContain("apt-get for retrieval of packages");
    expect(text).toContain("Bindings for Python (python-apt) and");
    expect(text).not.toMatch(/\*\*|\]\(|^#+ |^[=-]+$/m);
  });

  it("keeps code blocks and link text of Markdown as text", async () => {
    const markdown = "# Title #\n\nSome *emphasis*, __bold__ and `code` with snake_case_name.\n\n```sh\nmake test\n```\n\nSee [the docs](https://example.org).";
    const { text } = await extractText(await file("doc.md", markdown), "text/markdown");
    expect(text).toBe("Title\n\nSome emphasis, bold and code with snake_case_name.\n\nmake test\n\nSee the docs.");
  });

  it("renders HTML without images, link targets or shouting headings", async () => {
    const html = `<!doctype html><html><head><title>T</title><style>p{color:red}</style></head>
      <body><h1>Getting started</h1><p>Read   the <a href="https://example.org/guide">guide</a> first.<img src="logo.png" alt="Logo"></p></body></html>`;
    const { text } = await extractText(await file("page.html", html), "text/html");
    expect(text).toBe("Getting started\n\nRead the guide first.");
  });
});
