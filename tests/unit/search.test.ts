/** Search's pure parts: snippets and their match offsets, fusion, the query's wanted words, passages' offsets, highlighting. */
import { describe, expect, it } from "vitest";
import { markedParts, utf16Ranges } from "@/app/_components/highlight";
import { reciprocalRankFusion } from "@/lib/search/fusion";
import { codePointOffsets, passagesOf } from "@/lib/search/passages";
import { hasOperators, searchQuerySchema, wantedWords } from "@/lib/search/query";
import { parseMarked, plainSnippet } from "@/lib/search/snippet";

const mark = (word: string) => `\u0001${word}\u0002`;

describe("parseMarked", () => {
  it("turns the marks into offsets of the plain snippet that point at the marked words", () => {
    const { snippet, matches } = parseMarked(`pg_${mark("restore")} is a utility for ${mark("restoring")} a PostgreSQL ${mark("database")}`);
    expect(snippet).toBe("pg_restore is a utility for restoring a PostgreSQL database");
    expect(matches.map(([s, e]) => snippet.slice(s, e))).toEqual(["restore", "restoring", "database"]);
  });

  it("counts UTF-16 units, as the browser does, and trims white space without losing the places", () => {
    const { snippet, matches } = parseMarked(`\n  😀 café ${mark("naïve")} 😀 ${mark("résumé")}  `);
    expect(snippet).toBe("😀 café naïve 😀 résumé");
    expect(matches).toEqual([[8, 13], [17, 23]]);
    expect(matches.map(([s, e]) => snippet.slice(s, e))).toEqual(["naïve", "résumé"]);
  });

  it("joins a word marked in two touching parts, and drops empty or unclosed marks", () => {
    expect(parseMarked(`${mark("git")}${mark("-blame")} x ${mark("")} \u0001y`)).toEqual({ snippet: "git-blame x  y", matches: [[0, 9]] });
  });

  it("gives a passage's beginning, cut at a space, when no word matched", () => {
    expect(plainSnippet("short text")).toEqual({ snippet: "short text", matches: [] });
    const long = plainSnippet("word ".repeat(100), 40);
    expect(long.snippet.length).toBeLessThanOrEqual(40);
    expect(long.snippet.endsWith("word")).toBe(true);
  });
});

describe("reciprocalRankFusion", () => {
  it("puts first what both lists rank high, scaled so first in every list scores 1", () => {
    const fused = reciprocalRankFusion([{ items: [{ id: "a" }, { id: "b" }, { id: "c" }] }, { items: [{ id: "b" }, { id: "d" }, { id: "a" }] }]);
    expect(fused.map((entry) => entry.id)).toEqual(["b", "a", "d", "c"]);
    const both = reciprocalRankFusion([{ items: [{ id: "x" }] }, { items: [{ id: "x" }] }]);
    expect(both[0].score).toBeCloseTo(1);
  });

  it("keeps one list's order when the other is empty, and weighs lists as asked", () => {
    expect(reciprocalRankFusion([{ items: [] }, { items: [{ id: "p" }, { id: "q" }] }]).map((e) => e.id)).toEqual(["p", "q"]);
    const weighted = reciprocalRankFusion([{ items: [{ id: "t" }, { id: "s" }] }, { items: [{ id: "s" }, { id: "t" }], weight: 2 }]);
    expect(weighted[0].id).toBe("s");
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});

describe("the query", () => {
  it("highlights the words looked for, not the excluded ones or OR", () => {
    expect(wantedWords('"who changed" -line OR blame -"a phrase" file')).toBe("who changed blame file");
    expect(wantedWords("-only")).toBe("");
    expect([hasOperators('"who changed"'), hasOperators("copper -lantern"), hasOperators("lantern or orchard")]).toEqual([true, true, true]);
    expect(hasOperators("restore a database from an archive made by pg-dump")).toBe(false);
  });

  it("takes q, limit and mode within bounds", () => {
    expect(searchQuerySchema.parse({ q: " blame " })).toEqual({ q: "blame", limit: 10, mode: "hybrid" });
    expect(searchQuerySchema.safeParse({ q: "   " }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: "x".repeat(501) }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: "x", limit: "0" }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: "x", limit: "51" }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: "x", limit: "2.5" }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: "x", mode: "fuzzy" }).success).toBe(false);
    expect(searchQuerySchema.parse({ q: "x", limit: "50", mode: "semantic" })).toEqual({ q: "x", limit: 50, mode: "semantic" });
  });
});

describe("passages", () => {
  it("counts offsets in characters (code points), as the document page does", () => {
    const text = "a😀b😀c";
    expect(codePointOffsets(text, [0, 1, 3, 4, 6, 7])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("cover the text, overlap, and each one's offsets give back its text", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} 😀 tells of item ${i}. It has a second sentence about ${i}.`);
    const text = paragraphs.join("\n\n");
    const passages = passagesOf(text, 40, 10);
    expect(passages.length).toBeGreaterThan(3);
    const points = Array.from(text);
    for (const passage of passages) expect(points.slice(passage.start, passage.end).join("")).toBe(passage.text);
    expect(passages[0].start).toBe(0);
    expect(passages.at(-1)!.end).toBe(points.length);
    expect(passages.every((p, i) => i === 0 || p.start <= passages[i - 1].end)).toBe(true);
    expect(passages.map((p) => p.index)).toEqual(passages.map((_, i) => i));
  });
});

describe("highlighting in the browser", () => {
  it("splits a text into marked and plain parts", () => {
    expect(markedParts("show who changed it", [[5, 8], [9, 16]])).toEqual([
      { text: "show ", marked: false },
      { text: "who", marked: true },
      { text: " ", marked: false },
      { text: "changed", marked: true },
      { text: " it", marked: false },
    ]);
    expect(markedParts("abc", [[2, 9], [0, 1], [0, 1]])).toEqual([
      { text: "a", marked: true },
      { text: "b", marked: false },
      { text: "c", marked: true },
    ]);
  });

  it("places code-point ranges of the document in a slice's UTF-16 text", () => {
    // The slice starts at character 10 of the document.
    expect(utf16Ranges("😀ab😀cd", 10, [[11, 13], [14, 16]])).toEqual([[2, 4], [6, 8]]);
  });
});
