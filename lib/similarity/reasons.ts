/**
 * Why two documents are similar, in words, and where a list stops: the terms both are known by
 * that weigh most in their score, the cut-off that hides weak neighbours, and the score in words.
 */
import type { KeyTerm } from "./weighting";

/** Key terms stored per document; the shared ones explain a pair. */
export const KEY_TERMS_PER_DOCUMENT = 48;
/** Shared terms shown under a similar document's title. */
export const REASON_TERMS = 4;
/**
 * Key terms a listed neighbour must share with the document (with a score floor): one common word
 * ("thanks") is no reason. Measured on the labelled set with 48 key terms a document: 4.1
 * neighbours shown a page, 97 % of them right, against 4.3 and 97 % with one shared term, which let
 * a release note list a README for "thanks".
 */
export const MIN_SHARED_TERMS = 2;

/** The terms two documents share, heaviest in both first (the product of their weights), at most `count`. */
export function sharedTerms(a: readonly KeyTerm[] | null | undefined, b: readonly KeyTerm[] | null | undefined, count = REASON_TERMS): string[] {
  if (!a || !b) return [];
  const other = new Map(b);
  return a
    .filter(([term]) => other.has(term))
    .map(([term, weight]): [string, number] => [term, weight * other.get(term)!])
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, count)
    .map(([term]) => term);
}

/** Where a similar list stops: a score floor, and a share of the best score below which a neighbour is hidden. */
export interface CutOff {
  /** Neighbours scoring less are never listed (SIMILAR_MIN_SCORE). */
  minScore: number;
  /** A neighbour scoring less than this share of the best one is hidden (SIMILAR_RELATIVE_SCORE; 0 keeps all). */
  relativeScore: number;
}

/** The neighbours a person is shown: best first, above the floor and not far below the best. */
export function applyCutOff<T extends { score: number }>(neighbours: readonly T[], cutOff: CutOff): T[] {
  const kept = neighbours.filter((n) => n.score >= cutOff.minScore);
  if (kept.length === 0) return [];
  const best = Math.max(...kept.map((n) => n.score));
  return kept.filter((n) => n.score >= best * cutOff.relativeScore);
}

/** Scores from which a neighbour is "very similar"; below it, "related". */
export const VERY_SIMILAR_SCORE = 0.6;

/** A score in words a person understands. */
export function scoreLabel(score: number): "very similar" | "related" {
  return score >= VERY_SIMILAR_SCORE ? "very similar" : "related";
}
