/**
 * The local embedding and what every document is known by: its weighted terms (under the owner's
 * library statistics), the vector made of them, its key terms (the explanations) and its MinHash
 * signature (near-duplicates). The vector's model name carries the statistics version, so vectors
 * made under different statistics are never compared.
 */
import { minhashSignature } from "./near-duplicates";
import { KEY_TERMS_PER_DOCUMENT } from "./reasons";
import { documentTerms } from "./terms";
import { embedWeights, keyTerms, termWeights, type KeyTerm, type LibraryStatistics } from "./weighting";

/** Length of the local embedding's vectors: the learned projection's rank (chosen on the labelled set, bench/README.md). */
export const LOCAL_EMBEDDING_DIMENSIONS = 128;

/** The local embedding's model name under a statistics version ("@0": hashed terms, before any statistics). */
export function localEmbeddingModel(statistics: Pick<LibraryStatistics, "version">): string {
  return statistics.version === 0 ? `local-hashed-${LOCAL_EMBEDDING_DIMENSIONS}@0` : `local-lsa-${LOCAL_EMBEDDING_DIMENSIONS}@${statistics.version}`;
}

/** Whether a model name is the local embedding's (of any statistics version). */
export function isLocalEmbeddingModel(model: string | null | undefined): boolean {
  return !!model && /^local-(hashed|lsa)-\d+@\d+$/.test(model);
}

/** A text's key terms and MinHash signature: what any provider's document is explained and compared by. */
export interface TextDescription {
  keyTerms: KeyTerm[];
  minhash: Uint8Array<ArrayBuffer> | null;
}

/** The key terms (under the library statistics) and the MinHash signature of a text. */
export function describeText(text: string, statistics: LibraryStatistics): TextDescription & { weights: Map<string, number> } {
  const terms = documentTerms(text);
  const weights = termWeights(terms, statistics);
  return { weights, keyTerms: keyTerms(weights, terms.surface, KEY_TERMS_PER_DOCUMENT), minhash: minhashSignature(text) };
}

/** The local embedding of a whole text, with its description. */
export function localEmbedding(text: string, statistics: LibraryStatistics): TextDescription & { vector: number[] } {
  const { weights, keyTerms: terms, minhash } = describeText(text, statistics);
  return { vector: embedWeights(weights, statistics, LOCAL_EMBEDDING_DIMENSIONS), keyTerms: terms, minhash };
}
