/**
 * Near-duplicates: the same document re-exported, or a new version of it, told apart from
 * "related" by the texts themselves. Each text gets a MinHash signature of its word 5-shingles;
 * the share of equal signature values estimates the Jaccard similarity of the two shingle sets.
 */
import { hashTerm } from "./terms";

/** Values in a signature (the estimate's standard error is about 0.04 at 128). */
export const MINHASH_SIZE = 128;
/** Words per shingle. */
const SHINGLE_WORDS = 5;
/** Estimated shingle overlap from which two texts are near-duplicates: a changed page footer keeps it above, another chapter stays far below. */
export const NEAR_DUPLICATE_JACCARD = 0.7;

const SEEDS = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => hashTerm(`minhash-${i}`));

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The MinHash signature of a text's word shingles, as little-endian uint32 bytes; null for a text too short to have a shingle. */
export function minhashSignature(text: string): Uint8Array<ArrayBuffer> | null {
  const words = Array.from(text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu), ([word]) => word);
  if (words.length < SHINGLE_WORDS) return null;
  const minimum = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    const shingle = hashTerm(words.slice(i, i + SHINGLE_WORDS).join(" "));
    for (let k = 0; k < MINHASH_SIZE; k++) {
      const value = mix(shingle ^ SEEDS[k]);
      if (value < minimum[k]) minimum[k] = value;
    }
  }
  const bytes = new Uint8Array(MINHASH_SIZE * 4);
  const view = new DataView(bytes.buffer);
  minimum.forEach((value, k) => view.setUint32(k * 4, value, true));
  return bytes;
}

/** The estimated Jaccard similarity of the shingle sets behind two signatures. */
export function estimatedJaccard(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength || a.byteLength === 0) return 0;
  const left = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const right = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let equal = 0;
  for (let k = 0; k < a.byteLength; k += 4) if (left.getUint32(k, true) === right.getUint32(k, true)) equal += 1;
  return equal / (a.byteLength / 4);
}

/** Whether two documents' texts are nearly the same. */
export function isNearDuplicate(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  return !!a && !!b && estimatedJaccard(a, b) >= NEAR_DUPLICATE_JACCARD;
}
