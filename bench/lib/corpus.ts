/**
 * Real manuals and papers found on this machine, for the summary-quality figure: the fixtures,
 * the PDFs of /usr/share/doc (gzipped ones unpacked), a few HTML and Markdown documents there, and
 * manual pages rendered to text with `man -P cat`. Each comes with the main term of its title, as
 * the document writes it (chosen by hand: the program, package or topic the title names).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { FIXTURES_DIR } from "../../tests/fixtures";

export interface CorpusDocument {
  /** Where it came from, for the report. */
  source: string;
  /** The file the app would be given, and its type. */
  filePath: string;
  mimeType: string;
  /** The title the app gives it: the file name without its extension. */
  title: string;
  /** The main term of the document's title; the first sentence should contain it (any case). */
  term: string;
}

const MIME_TYPES: Record<string, string> = { ".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".html": "text/html" };

/** The fixtures and the main terms of their titles. */
const FIXTURE_TERMS: Record<string, string> = {
  "apt-README.md": "apt",
  "backref.pdf": "back referencing",
  "base-files-README-FHS.txt": "FHS",
  "bzip2-manual.pdf": "bzip2",
  "color.pdf": "color",
  "coreutils-README.txt": "coreutils",
  "drivers.pdf": "driver",
  "epsfig.pdf": "epsfig",
  "fontconfig-user.pdf": "fontconfig",
  "graphics.pdf": "graphics",
  "graphicx.pdf": "graphicx",
  "grfguide.pdf": "graphics",
  "hypcap.pdf": "hypcap",
  "keyval.pdf": "keyval",
  "libtasn1.pdf": "libtasn1",
  "lscape.pdf": "lscape",
  "mathcolor.pdf": "color",
  "nameref.pdf": "name references",
  "natbib.pdf": "natbib",
  "rotating.pdf": "rotat",
  "rotex.pdf": "rotating",
  "shared-mime-info-spec.pdf": "MIME",
  "trig.pdf": "trig",
  "twoopt.pdf": "twoopt",
  "url.pdf": "url",
};

/** Documents of /usr/share/doc, by path, and their terms (those missing here are left out). */
const SYSTEM_DOCUMENTS: Record<string, string> = {
  "/usr/share/doc/valgrind/valgrind_manual.pdf.gz": "Valgrind",
  "/usr/share/doc/nettle-dev/nettle.pdf.gz": "Nettle",
  "/usr/share/doc/zlib1g-dev/crc-doc.1.0.pdf.gz": "CRC",
  "/usr/share/doc/bc/bc.html": "bc",
  "/usr/share/doc/base-passwd/users-and-groups.html": "users and groups",
  "/usr/share/doc/git/README.md": "git",
};

/** Manual pages rendered to text; the term is the command's name. */
const MANUAL_PAGES = [
  "bash", "grep", "sed", "tar", "gzip", "find", "ls", "cp", "ssh", "curl", "git", "make", "less", "man", "dpkg", "apt-get",
  "ps", "xz", "bzip2", "zip", "diff", "patch", "mount", "systemctl", "openssl", "wget", "perl", "sort", "psql", "node",
];

/** Documents that take the longest to read, left out of a quick run. */
const SLOW = new Set(["/usr/share/doc/valgrind/valgrind_manual.pdf.gz", "/usr/share/doc/nettle-dev/nettle.pdf.gz"]);

const run = promisify(execFile);

/** The corpus, each document once (by content), with the files it needs written to `dir`. */
export async function findCorpus(dir: string, { quick }: { quick: boolean }): Promise<CorpusDocument[]> {
  const documents: CorpusDocument[] = [];
  for (const [name, term] of Object.entries(FIXTURE_TERMS)) {
    const filePath = path.join(FIXTURES_DIR, name);
    if (existsSync(filePath)) documents.push({ source: `fixtures/${name}`, filePath, mimeType: mimeOf(name), title: titleOf(name), term });
  }
  for (const [source, term] of Object.entries(SYSTEM_DOCUMENTS)) {
    if (!existsSync(source) || (quick && SLOW.has(source))) continue;
    const name = path.basename(source, ".gz");
    const filePath = source.endsWith(".gz") ? path.join(dir, name) : source;
    if (source.endsWith(".gz")) await writeFile(filePath, gunzipSync(await readFile(source)));
    documents.push({ source, filePath, mimeType: mimeOf(name), title: titleOf(name), term });
  }
  for (const command of MANUAL_PAGES) {
    const page = await run("man", ["-P", "cat", command], { env: { ...process.env, MANWIDTH: "80", MAN_KEEP_FORMATTING: "" }, maxBuffer: 16 * 1024 * 1024 }).catch(() => null);
    if (!page || page.stdout.trim() === "") continue;
    const filePath = path.join(dir, `${command}.txt`);
    await writeFile(filePath, page.stdout);
    documents.push({ source: `man -P cat ${command}`, filePath, mimeType: "text/plain", title: command, term: command });
  }
  return uniqueByContent(documents);
}

function mimeOf(name: string): string {
  return MIME_TYPES[path.extname(name)] ?? "application/octet-stream";
}

function titleOf(name: string): string {
  return name.replace(/\.[A-Za-z0-9]{1,8}$/, "");
}

/** The fixtures are copies of some of /usr/share/doc's PDFs: each content counts once. */
async function uniqueByContent(documents: CorpusDocument[]): Promise<CorpusDocument[]> {
  const seen = new Set<string>();
  const unique: CorpusDocument[] = [];
  for (const document of documents) {
    const hash = createHash("sha256").update(await readFile(document.filePath)).digest("hex");
    if (seen.has(hash)) continue;
    seen.add(hash);
    unique.push(document);
  }
  return unique;
}
