/**
 * What makes a similar list trustworthy: term weights from the library's statistics, the cut-off,
 * the terms shown as the reason, near-duplicates, and the embedded index answering like the scan.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeVector, encodeVector } from "@/lib/ai/vector";
import { extractText } from "@/lib/parsing";
import { EmbeddedIndex } from "@/lib/similarity/index/embedded";
import { nearest } from "@/lib/similarity/index/exact";
import { estimatedJaccard, isNearDuplicate, minhashSignature } from "@/lib/similarity/near-duplicates";
import { applyCutOff, scoreLabel, sharedTerms } from "@/lib/similarity/reasons";
import { documentTerms, stem } from "@/lib/similarity/terms";
import { inverseDocumentFrequency, keyTerms, sharedWeights, StatisticsCounter, termWeights } from "@/lib/similarity/weighting";
import { fixturePath } from "../fixtures";

function statisticsOf(texts: string[]) {
  const counter = new StatisticsCounter();
  for (const text of texts) counter.add(documentTerms(text));
  return counter.result(1);
}

describe("term weights from the library's statistics", () => {
  const library = [
    "printer driver colour calibration printer",
    "printer paper tray jam",
    "printer toner cartridge zircon",
    "printer network queue zircon",
    "printer fonts postscript",
  ];
  const statistics = statisticsOf(library);

  it("gives a word found in every document no weight at all", () => {
    expect(inverseDocumentFrequency(statistics, "printer")).toBe(0);
    const weights = termWeights(documentTerms(library[0]), statistics);
    expect(weights.has("printer")).toBe(false);
  });

  it("weighs a rare word two documents share more than a word many share", () => {
    const weights = termWeights(documentTerms("printer zircon colour driver"), statisticsOf([...library, "colour printer", "colour fonts", "colour queue"]));
    expect(weights.get("zircon")!).toBeGreaterThan(weights.get("colour")!);
    expect(inverseDocumentFrequency(statistics, "zircon")).toBeGreaterThan(inverseDocumentFrequency(statistics, "printer"));
  });

  it("keeps a word no other document has out of the learned part (it cannot make two documents similar)", () => {
    const weights = termWeights(documentTerms("zircon unheardofword"), statistics);
    expect([...weights.keys()].sort()).toEqual(["unheardofword", "zircon"]);
    expect([...sharedWeights(weights, statistics).keys()]).toEqual(["zircon"]);
  });

  it("weighs every word alike before any statistics exist", () => {
    expect(inverseDocumentFrequency({ ...statistics, documents: 0 }, "printer")).toBe(1);
  });

  it("folds plurals and common endings", () => {
    expect(["files", "filing", "filed"].map(stem)).toEqual(["fil", "fil", "fil"]);
    expect(stem("class")).toBe("class");
    expect(stem("libraries")).toBe("library");
    expect(["cache", "cached", "caches"].map(stem)).toEqual(["cach", "cach", "cach"]);
  });
});

describe("the reason shown for a similar document", () => {
  it("names the terms both share that weigh most, heaviest first, as they are written", () => {
    const statistics = statisticsOf(["rotating boxes graphics", "rotated graphics colour", "compression blocks", "compression colour", "boxes tables"]);
    const a = documentTerms("Rotating boxes with graphics: rotated boxes, rotated graphics.");
    const b = documentTerms("Graphics rotated and scaled; rotating boxes in colour.");
    const terms = sharedTerms(keyTerms(termWeights(a, statistics), a.surface, 24), keyTerms(termWeights(b, statistics), b.surface, 24));
    expect(terms.length).toBeGreaterThan(0);
    expect(terms).toContain("rotated");
    expect(terms).not.toContain("compression");
  });

  it("is empty when the two share no key term", () => {
    expect(sharedTerms([["bzip2", 0.5]], [["graphics", 0.5]])).toEqual([]);
    expect(sharedTerms(null, [["graphics", 0.5]])).toEqual([]);
  });
});

describe("the cut-off", () => {
  const cutOff = { minScore: 0.45, relativeScore: 0.75 };

  it("hides neighbours under the floor, and leaves nothing when none reaches it", () => {
    expect(applyCutOff([{ score: 0.12 }, { score: 0.09 }, { score: 0.06 }], cutOff)).toEqual([]);
  });

  it("hides neighbours far below the best one", () => {
    expect(applyCutOff([{ score: 0.9 }, { score: 0.8 }, { score: 0.66 }, { score: 0.5 }], cutOff).map((n) => n.score)).toEqual([0.9, 0.8]);
  });

  it("keeps every neighbour with the floor and the drop at 0", () => {
    expect(applyCutOff([{ score: 0.3 }, { score: 0.01 }], { minScore: 0, relativeScore: 0 })).toHaveLength(2);
  });

  it("puts the score in words", () => {
    expect(scoreLabel(0.93)).toBe("very similar");
    expect(scoreLabel(0.45)).toBe("related");
  });
});

describe("near-duplicates", () => {
  let manual: string;
  beforeAll(async () => {
    manual = (await extractText(fixturePath("bzip2-manual.pdf"), "application/pdf")).text;
  }, 60_000);

  /** The manual cut into pages of about 3,000 characters, each ending with a footer. */
  const withFooters = (text: string, footer: (page: number) => string) =>
    Array.from({ length: Math.ceil(text.length / 3000) }, (_, i) => `${text.slice(i * 3000, (i + 1) * 3000)}\n${footer(i + 1)}\n`).join("");

  it("finds a re-export whose page footer changed", () => {
    const before = minhashSignature(withFooters(manual, (page) => `bzip2 manual, page ${page}, exported 2019-07-13 by docbook`))!;
    const after = minhashSignature(withFooters(manual, (page) => `Page ${page} -- printed on 2026-12-01 from the library copy`))!;
    expect(estimatedJaccard(before, after)).toBeGreaterThan(0.7);
    expect(isNearDuplicate(before, after)).toBe(true);
  });

  it("does not call another chapter of the same manual a duplicate", () => {
    const half = Math.floor(manual.length / 2);
    const first = minhashSignature(manual.slice(0, half));
    const second = minhashSignature(manual.slice(half));
    expect(estimatedJaccard(first!, second!)).toBeLessThan(0.2);
    expect(isNearDuplicate(first, second)).toBe(false);
  });

  it("has no signature for a text shorter than a shingle", () => {
    expect(minhashSignature("too short")).toBeNull();
    expect(isNearDuplicate(null, null)).toBe(false);
  });

  it("reads a README's copy with one line changed as a duplicate", async () => {
    const readme = await readFile(fixturePath("coreutils-README.txt"), "utf8");
    expect(isNearDuplicate(minhashSignature(readme), minhashSignature(readme.replace("coreutils", "core utilities")))).toBe(true);
  });
});

describe("the embedded index", () => {
  const dimensions = 16;
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const unit = () => decodeVector(encodeVector(Array.from({ length: dimensions }, next)));
  const ids = Array.from({ length: 400 }, (_, i) => `doc-${String(i).padStart(4, "0")}`);
  const vectors = ids.map(unit);

  it("answers exactly like the scan while small, and like it (nearly) as a graph", () => {
    const exact = new EmbeddedIndex({ dimensions, exactBelow: 10_000, efSearch: 200 });
    const graph = new EmbeddedIndex({ dimensions, exactBelow: 0, efSearch: 200 });
    ids.forEach((id, i) => {
      exact.upsert(id, vectors[i]);
      graph.upsert(id, vectors[i]);
    });
    expect(graph.approximate).toBe(true);
    const matrix = new Float32Array(ids.length * dimensions);
    vectors.forEach((v, i) => matrix.set(v, i * dimensions));
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const query = vectors[q];
      const truth = nearest(query, ids, matrix, 11).filter((n) => n.id !== ids[q]).slice(0, 10);
      expect(exact.search(query, 10, ids[q])).toEqual(truth);
      const approximate = graph.search(query, 10, ids[q]);
      expect(approximate.map((n) => n.id)).not.toContain(ids[q]);
      found += approximate.filter((n) => truth.some((t) => t.id === n.id)).length;
      for (const n of approximate) expect(n.score).toBeCloseTo(truth.find((t) => t.id === n.id)?.score ?? n.score, 5);
    }
    expect(found / 200).toBeGreaterThan(0.95);
  });

  it("forgets a removed document and takes a replaced vector", () => {
    for (const exactBelow of [10_000, 0]) {
      const index = new EmbeddedIndex({ dimensions, exactBelow, efSearch: 100 });
      ids.slice(0, 50).forEach((id, i) => index.upsert(id, vectors[i]));
      index.remove(ids[1]);
      expect(index.size).toBe(49);
      expect(index.search(vectors[1], 5).map((n) => n.id)).not.toContain(ids[1]);
      index.upsert(ids[2], vectors[1]);
      expect(index.search(vectors[1], 1)[0]).toEqual({ id: ids[2], score: expect.closeTo(1, 5) });
      index.upsert(ids[1], vectors[3]);
      expect(index.size).toBe(50);
    }
  });
});
