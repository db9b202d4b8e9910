import { describe, expect, it } from "vitest";
import { decodeVector, encodeVector, l2Normalize, VectorShapeError } from "@/lib/ai/vector";
import { cosineSimilarity, dotProduct } from "../vector-math";
import { entersList } from "@/lib/similarity/find-similar";
import { nearest } from "@/lib/similarity/index/exact";

/** A deterministic pseudo-random source (mulberry32), so failures can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVector(next: () => number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, () => next() * 2 - 1);
}

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function library(seed: number, size: number, dimensions: number) {
  const next = random(seed);
  return Array.from({ length: size }, (_, i) => ({ id: uuid(i), vector: decodeVector(encodeVector(randomVector(next, dimensions))) }));
}

/** Candidates as loadCandidates gives them: ids and one row-major matrix. */
function rows(candidates: { id: string; vector: Float32Array }[], dimensions = candidates[0]?.vector.length ?? 0): [string[], Float32Array] {
  const vectors = new Float32Array(candidates.length * dimensions);
  candidates.forEach((candidate, i) => vectors.set(candidate.vector, i * dimensions));
  return [candidates.map((candidate) => candidate.id), vectors];
}

/** The top `limit` by a full sort, equal scores by id: what nearest must match. */
function bruteForce(query: Float32Array, candidates: { id: string; vector: Float32Array }[], limit: number) {
  return candidates
    .map((candidate) => ({ id: candidate.id, score: dotProduct(query, candidate.vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

describe("stored vectors", () => {
  it("are unit length, float32, little-endian", () => {
    const bytes = encodeVector([3, 4]);
    expect(bytes.byteLength).toBe(8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getFloat32(0, true)).toBe(Math.fround(0.6));
    expect(view.getFloat32(4, true)).toBe(Math.fround(0.8));
    expect([...encodeVector([1])]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it("decode to what was encoded, as float32", () => {
    const next = random(1);
    for (const dimensions of [1, 3, 512, 1536]) {
      const vector = randomVector(next, dimensions);
      const decoded = decodeVector(encodeVector(vector));
      expect([...decoded]).toEqual(l2Normalize(vector).map(Math.fround));
    }
  });

  it("decode from any offset, copying only when the bytes are not 4-byte aligned", () => {
    const encoded = encodeVector([1, 2, 3, 4]);
    const shifted = new Uint8Array(encoded.byteLength + 1);
    shifted.set(encoded, 1);
    const unaligned = shifted.subarray(1);
    expect([...decodeVector(unaligned)]).toEqual([...decodeVector(encoded)]);
    // An aligned view shares the memory.
    const aligned = new Uint8Array(encoded.buffer, 0, encoded.byteLength);
    expect(decodeVector(aligned).buffer).toBe(encoded.buffer);
  });

  it("keep an all-zero vector as zeros and reject a length that is not whole float32 values", () => {
    expect([...decodeVector(encodeVector([0, 0, 0]))]).toEqual([0, 0, 0]);
    expect(() => decodeVector(new Uint8Array(6))).toThrow(VectorShapeError);
  });

  it("compare by dot product as cosine does", () => {
    const next = random(2);
    const a = l2Normalize(randomVector(next, 64));
    const b = l2Normalize(randomVector(next, 64));
    expect(dotProduct(a, b)).toBeCloseTo(cosineSimilarity(a, b), 12);
    expect(() => dotProduct([1], [1, 2])).toThrow(VectorShapeError);
  });
});

describe("nearest", () => {
  it("finds exactly the top k of a full sort, with the same scores", () => {
    for (const [seed, size, dimensions, limit] of [
      [3, 1000, 32, 10],
      [4, 500, 512, 5],
      [5, 7, 16, 10],
      [6, 50, 8, 1],
      [7, 200, 3, 50],
    ]) {
      const candidates = library(seed, size, dimensions);
      const query = decodeVector(encodeVector(randomVector(random(seed + 100), dimensions)));
      const scores = new Float64Array(size);
      const found = nearest(query, ...rows(candidates), limit, scores);
      expect(found).toEqual(bruteForce(query, candidates, limit));
      expect(found.length).toBe(Math.min(limit, size));
      candidates.forEach((candidate, i) => expect(scores[i]).toBe(dotProduct(query, candidate.vector)));
    }
  });

  it("ranks equal scores by id, whatever the order of the candidates", () => {
    const same = decodeVector(encodeVector([1, 1]));
    const candidates = [uuid(5), uuid(2), uuid(9), uuid(1), uuid(7)].map((id) => ({ id, vector: same }));
    const found = nearest(decodeVector(encodeVector([1, 0])), ...rows(candidates), 3);
    expect(found.map((n) => n.id)).toEqual([uuid(1), uuid(2), uuid(5)]);
  });

  it("returns nothing for no candidates or a limit of 0, and rejects vectors of another length", () => {
    const query = decodeVector(encodeVector([1, 0]));
    expect(nearest(query, [], new Float32Array(0), 5)).toEqual([]);
    expect(nearest(query, [uuid(1)], query, 0)).toEqual([]);
    expect(() => nearest(query, [uuid(1)], new Float32Array(3), 5)).toThrow(VectorShapeError);
  });
});

describe("entersList", () => {
  const full = { listed: 5, lowest: 0.4, listsDocument: false };

  it("offers the document to a neighbour whose list is not full", () => {
    expect(entersList({ listed: 0, lowest: null, listsDocument: false }, -1, 5)).toBe(true);
    expect(entersList({ listed: 4, lowest: 0.9, listsDocument: false }, 0.1, 5)).toBe(true);
  });

  it("offers it to a full list only when it reaches the list's lowest score", () => {
    expect(entersList(full, 0.39, 5)).toBe(false);
    expect(entersList(full, 0.4, 5)).toBe(true);
    expect(entersList(full, 0.8, 5)).toBe(true);
  });

  it("always updates a list that holds the document already", () => {
    expect(entersList({ ...full, listsDocument: true }, 0.1, 5)).toBe(true);
  });

  it("keeps each list's exact top k when documents arrive one at a time", () => {
    // A simulation of refreshSimilar's bookkeeping: lists kept by the offers alone must equal
    // the lists a full recomputation gives.
    const limit = 4;
    const docs = library(8, 120, 16);
    const lists = new Map<string, { id: string; score: number }[]>();
    docs.forEach((doc, index) => {
      const earlier = docs.slice(0, index);
      const scores = new Float64Array(earlier.length);
      lists.set(doc.id, nearest(doc.vector, ...rows(earlier), limit, scores));
      earlier.forEach((other, i) => {
        const list = lists.get(other.id)!;
        const state = { listed: list.length, lowest: list.length ? list[list.length - 1].score : null, listsDocument: false };
        if (!entersList(state, scores[i], limit)) return;
        list.push({ id: doc.id, score: scores[i] });
        list.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
        list.splice(limit);
      });
    });
    for (const doc of docs) {
      const others = docs.filter((other) => other.id !== doc.id);
      expect(lists.get(doc.id)).toEqual(bruteForce(doc.vector, others, limit));
    }
  });
});
