/**
 * The summary's key points: whole sentences that stand on their own, ranked by TextRank with the
 * opening sentences of each section favoured, and chosen a section at a time (the largest first)
 * so that they cover the document's main sections instead of its densest page.
 */
import type { ReadText, Sentence } from "./reading";
import { carriesHeading, isBalanced, isBoilerplate, isProse, startsMidThought } from "./sentence-rules";
import { similarityMatrix, textRank } from "./text-rank";

export interface KeyPointOptions {
  count: number;
  /** Names the document uses as words, which may open a sentence in lower case. */
  names: ReadonlySet<string>;
  headingKeys: readonly string[];
  /** The description's sentences: never repeated as a key point. */
  description: readonly Sentence[];
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void | Promise<void>;
}

/** Sentences ranked at most, spread over the sections, so the cost stays bounded on long documents. */
const MAX_CANDIDATES = 1500;
/** A candidate this similar to a chosen sentence (or the description) would repeat it. */
const MAX_REDUNDANCY = 0.5;
/** Extra weight of a section's first sentence over its last (it fades out quadratically). */
const LEAD_WEIGHT = 1;
/** Extra weight of a paragraph's first sentence, where paragraphs say what they are about. */
const TOPIC_SENTENCE_WEIGHT = 0.2;
/** Sections whose sentences are not the document's content: its licence, contents, index, history, credits. */
const FURNITURE_SECTION =
  /\b(contents|index|references|bibliography|acknowledge?ments?|credits|authors?|contributors|copying|copyright|licen[cs]es?|warranty|history|change ?log|changes|news|see also|reporting bugs|bugs|availability|colophon|thanks)\b/i;

/** Up to `count` key points, in the document's order. */
export async function keyPoints(read: ReadText, opts: KeyPointOptions): Promise<Sentence[]> {
  const candidates = spreadOver(read, read.sentences.filter((sentence) => standsAlone(read, sentence, opts)));
  if (candidates.length === 0 || opts.count === 0) return [];
  const compared = [...candidates, ...opts.description];
  const similarity = similarityMatrix(compared.map((sentence) => sentence.text));
  opts.signal?.throwIfAborted();
  await opts.onProgress?.(0.5);
  const centrality = textRank(similarity, compared.length);
  opts.signal?.throwIfAborted();
  await opts.onProgress?.(0.8);

  const sectionSizes = sentenceCounts(candidates);
  const scores = candidates.map((sentence, i) => centrality[i] * placeWeight(sentence, sectionSizes.get(sentence.section) ?? 1));
  const chosen = chooseAcrossSections(read, candidates, scores, (i, j) => similarity[i * compared.length + j], opts.count, compared.length);
  return chosen.map((i) => candidates[i]).sort((a, b) => a.start - b.start);
}

/** A sentence that can be a key point: prose, whole, not boilerplate, in a content section, not the description. */
function standsAlone(read: ReadText, sentence: Sentence, { names, headingKeys, description }: KeyPointOptions): boolean {
  const { text } = sentence;
  if (!isProse(text) || text.endsWith("?") || isBoilerplate(text) || !isBalanced(text)) return false;
  if (startsMidThought(text, names) || carriesHeading(text, headingKeys) || description.includes(sentence)) return false;
  const section = read.sections[sentence.section]?.title ?? "";
  return !FURNITURE_SECTION.test(section) && !FURNITURE_SECTION.test(sentence.heading);
}

/** At most MAX_CANDIDATES sentences, each section keeping its share (its first sentences first). */
function spreadOver(read: ReadText, sentences: Sentence[]): Sentence[] {
  if (sentences.length <= MAX_CANDIDATES) return sentences;
  const bySection = new Map<number, Sentence[]>();
  for (const sentence of sentences) bySection.set(sentence.section, [...(bySection.get(sentence.section) ?? []), sentence]);
  const quota = Math.max(1, Math.floor(MAX_CANDIDATES / bySection.size));
  return [...bySection.values()].flatMap((inSection) => sampleEvenly(inSection, quota)).sort((a, b) => a.start - b.start);
}

/** At most `limit` items spread evenly over the list, in their original order. */
function sampleEvenly<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}

function sentenceCounts(sentences: Sentence[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { section } of sentences) counts.set(section, (counts.get(section) ?? 0) + 1);
  return counts;
}

/** Favour sentences near the start of their section, and the first of each paragraph. */
function placeWeight(sentence: Sentence, sectionSize: number): number {
  const lead = 1 + LEAD_WEIGHT * (1 - Math.min(sentence.inSection, sectionSize) / sectionSize) ** 2;
  return lead * (sentence.inParagraph === 0 ? 1 + TOPIC_SENTENCE_WEIGHT : 1);
}

/**
 * A section at a time, the largest first (the text before the first section last), the best
 * candidate of each that repeats nothing chosen yet; round after round until `count` are chosen.
 */
function chooseAcrossSections(
  read: ReadText,
  candidates: Sentence[],
  scores: number[],
  similarity: (i: number, j: number) => number,
  count: number,
  compared: number,
): number[] {
  const bySection = new Map<number, number[]>();
  candidates.forEach((sentence, i) => bySection.set(sentence.section, [...(bySection.get(sentence.section) ?? []), i]));
  for (const indexes of bySection.values()) indexes.sort((a, b) => scores[b] - scores[a] || a - b);
  const size = (section: number) => (section < 0 ? -1 : read.sections[section].end - read.sections[section].start);
  const order = [...bySection.keys()].sort((a, b) => size(b) - size(a) || a - b);
  const description = Array.from({ length: compared - candidates.length }, (_, k) => candidates.length + k);
  const chosen: number[] = [];
  const repeats = (i: number) => [...chosen, ...description].some((j) => similarity(i, j) > MAX_REDUNDANCY);
  for (let progress = true; chosen.length < count && progress; ) {
    progress = false;
    for (const section of order) {
      if (chosen.length === count) break;
      const indexes = bySection.get(section)!;
      const next = indexes.findIndex((i) => !repeats(i));
      if (next === -1) continue;
      chosen.push(indexes[next]);
      indexes.splice(0, next + 1);
      progress = true;
    }
  }
  return chosen;
}
