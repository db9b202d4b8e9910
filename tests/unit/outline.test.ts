import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutlineEntry } from "@/lib/document-types";
import { extractText } from "@/lib/parsing";
import { fixturePath } from "../fixtures";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "outline-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function outlineOf(name: string, content: string, mimeType: string) {
  const filePath = path.join(dir, name);
  await writeFile(filePath, content);
  return extractText(filePath, mimeType);
}

/** The stored text from an outline entry's offset (counted in characters, as the text API counts them). */
function textAt(text: string, { offset }: OutlineEntry, length = 60): string {
  return Array.from(text)
    .slice(offset, offset + length)
    .join("");
}

describe("the outline found when a document is read", () => {
  it("comes from a PDF's bookmarks, each at the line that shows its title", async () => {
    const { text, outline } = await extractText(fixturePath("graphicx.pdf"), "application/pdf");
    expect(outline.map(({ title, level }) => [title, level])).toEqual([
      ["1 Introduction", 1],
      ["2 Key=Value Interface", 1],
      ["3 The User Interface", 1],
      ["4 Implementation", 1],
      ["4.1 Graphics Inclusion", 2],
      ["5 Rotation", 1],
    ]);
    for (const entry of outline) expect(textAt(text, entry).startsWith(`${entry.title}\n`), entry.title).toBe(true);
    expect(textAt(text, outline[0])).toBe("1 Introduction\nThis package provides an alternative interfac");
  });

  it("places a bookmark whose title shows without its number on the numbered line of its page", async () => {
    const { text, outline } = await extractText(fixturePath("libtasn1.pdf"), "application/pdf");
    const naming = outline.find((entry) => entry.title === "Naming")!;
    expect(naming.level).toBe(2);
    expect(textAt(text, naming, 10)).toBe("2.2 Naming");
  });

  it("comes from the numbered headings of a PDF without bookmarks, not from its table of contents", async () => {
    const { text, outline } = await extractText(fixturePath("bzip2-manual.pdf"), "application/pdf");
    expect(outline.slice(0, 3).map(({ title, level }) => [title, level])).toEqual([
      ["1. Introduction", 1],
      ["2. How to use bzip2", 1],
      ["2.1. NAME", 2],
    ]);
    expect(textAt(text, outline[0], 40)).toBe("1. Introduction\nbzip2 compresses files u");
  });

  it("comes from Markdown's headings, # lines and underlined ones, but not from code blocks", async () => {
    const markdown = [
      "# Harbour guide 🚢",
      "",
      "The harbour guide tells visitors where ships dock.",
      "",
      "```sh",
      "# not a heading: a shell comment",
      "```",
      "",
      "Arrivals",
      "--------",
      "",
      "Ships arrive on **Tuesdays**.",
      "",
      "### The [crane](https://example.com/crane) ###",
      "",
      "The crane is repaired.",
    ].join("\n");
    const { text, outline } = await outlineOf("guide.md", markdown, "text/markdown");
    expect(outline.map(({ title, level }) => [title, level])).toEqual([
      ["Harbour guide 🚢", 1],
      ["Arrivals", 2],
      ["The crane", 3],
    ]);
    // Offsets count characters: the ship (two UTF-16 units) before the second heading counts once.
    for (const entry of outline) expect(textAt(text, entry).startsWith(entry.title), entry.title).toBe(true);
    expect(text).not.toMatch(/[\uFDD0-\uFDEF]/);
  });

  it("comes from the APT README's Markdown headings", async () => {
    const { outline } = await extractText(fixturePath("apt-README.md"), "text/markdown");
    expect(outline.slice(0, 4).map(({ title, level }) => [title, level])).toEqual([
      ["APT", 1],
      ["Contributing", 2],
      ["Coding", 3],
      ["Translations", 3],
    ]);
  });

  it("comes from HTML's h1 to h6, an empty heading left out", async () => {
    const html = "<h1>Tide <em>tables</em></h1><p>High water at noon.</p><h2></h2><h3>Spring tides</h3><p>Twice a month.</p>";
    const { text, outline } = await outlineOf("tides.html", html, "text/html");
    expect(outline.map(({ title, level }) => [title, level])).toEqual([
      ["Tide tables", 1],
      ["Spring tides", 3],
    ]);
    expect(textAt(text, outline[1], 26)).toBe("Spring tides\n\nTwice a mont");
  });

  it("comes from plain text's numbered headings and a manual page's sections", async () => {
    const notes = [
      "Contents",
      "1 Arrivals 2",
      "2 Departures 3",
      "",
      "1 Arrivals",
      "Ships arrive on Tuesdays.",
      "1.1 Pilots",
      "A pilot boards each ship. 3 ships came last week.",
      "2 Departures",
      "Ships leave on Fridays.",
    ].join("\n");
    const numbered = await outlineOf("notes.txt", notes, "text/plain");
    expect(numbered.outline.map(({ title, level }) => [title, level])).toEqual([
      ["1 Arrivals", 1],
      ["1.1 Pilots", 2],
      ["2 Departures", 1],
    ]);
    expect(textAt(numbered.text, numbered.outline[0], 10)).toBe("1 Arrivals");

    const page = "GREET(1)\n\nNAME\ngreet - print a greeting\n\nEXIT STATUS\ngreet exits with zero.\n";
    const manual = await outlineOf("greet.txt", page, "text/plain");
    expect(manual.outline.map(({ title }) => title)).toEqual(["NAME", "EXIT STATUS"]);
  });
});
