import { summarizeLocally } from "./local-summary";
import type { AiProvider, EmbedOptions, SummarizeOptions } from "./provider";
import { l2Normalize } from "./vector";

/** Length of the local provider's embedding vectors. */
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

const STOPWORDS = new Set(
  `about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing don down during each either else etc even ever every few for from further get gets had has have
having he her here hers herself him himself his how however if in into is it its itself just least less let like may me might
more most much must my myself no nor not now of off often on once one only or other otherwise our ours ourselves out over own
per rather same see she should since so some such than that the their theirs them themselves then there these they this those
through thus to too two under until up upon us use used uses using very via was we were what when where whether which while
who whom why will with within without would yet you your yours yourself yourselves`.split(/\s+/),
);

/** Deterministic, offline provider: an extractive summary and a hashed lexical embedding, no language model. */
export class LocalProvider implements AiProvider {
  readonly name = "local";
  readonly summaryModel = "extractive-textrank";
  readonly embeddingModel = `hashed-tf-${LOCAL_EMBEDDING_DIMENSIONS}`;

  /** The document's own description of itself, then key points from its main sections, all picked from its sentences (./local-summary). */
  async summarize(text: string, opts: SummarizeOptions = {}): Promise<string> {
    return summarizeLocally(text, opts);
  }

  /** One unit vector per text: its words' sublinear counts, hashed into a fixed number of dimensions. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<number[][]> {
    return texts.map((text) => {
      opts.signal?.throwIfAborted();
      return embedText(text);
    });
  }
}

/** Lowercase word tokens that carry meaning: at least two characters, a letter among them, not a stopword. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    if (word.length >= 2 && !STOPWORDS.has(word) && /\p{L}/u.test(word)) tokens.push(word);
  }
  return tokens;
}

function termCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

function embedText(text: string): number[] {
  const vector = new Array<number>(LOCAL_EMBEDDING_DIMENSIONS).fill(0);
  for (const [term, count] of termCounts(tokenize(text))) addHashed(vector, term, 1 + Math.log(count));
  return l2Normalize(vector);
}

/** Feature hashing: the hash picks the dimension and, with its top bit, the sign, so collisions cancel out on average. */
function addHashed(vector: number[], feature: string, weight: number): void {
  const hash = fnv1a(feature);
  vector[hash % LOCAL_EMBEDDING_DIMENSIONS] += hash >>> 31 ? -weight : weight;
}

/** 32-bit FNV-1a over UTF-16 code units, with a final avalanche so the low bits mix too. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
