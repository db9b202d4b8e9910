/**
 * Hybrid ranking: reciprocal rank fusion of ranked lists (the text list and the semantic list).
 * A document's fused score is the sum over lists of weight / (k + rank), scaled so that the first
 * place in every list scores 1.
 */

export interface Ranked {
  id: string;
}

export interface FusedEntry {
  id: string;
  score: number;
}

/** The usual constant of reciprocal rank fusion: how slowly a list's weight falls with rank. */
export const RRF_K = 60;

/** The lists fused into one ranking, best first; equal scores keep the order of the first list that has them. */
export function reciprocalRankFusion(lists: { items: readonly Ranked[]; weight?: number }[], k = RRF_K): FusedEntry[] {
  const scores = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let seen = 0;
  let best = 0;
  for (const { items, weight = 1 } of lists) {
    if (items.length > 0) best += weight / (k + 1);
    items.forEach((item, rank) => {
      scores.set(item.id, (scores.get(item.id) ?? 0) + weight / (k + rank + 1));
      if (!firstSeen.has(item.id)) firstSeen.set(item.id, seen++);
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score: best > 0 ? score / best : 0 }))
    .sort((a, b) => b.score - a.score || firstSeen.get(a.id)! - firstSeen.get(b.id)!);
}
