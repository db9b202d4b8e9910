/**
 * The words a document is compared by: lowercase tokens that carry meaning, lightly stemmed
 * (plurals and common endings folded), counted; and the hashes that place a term in a vector's
 * dimension or in the library statistics' table. Shared by the local embedding, the weighting
 * statistics and the explanations, so that all three count the same terms.
 */

const STOPWORDS = new Set(
  `about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing don down during each either else etc even ever every few for from further get gets had has have
having he her here hers herself him himself his how however if in into is it its itself just least less let like may me might
more most much must my myself no nor not now of off often on once one only or other otherwise our ours ourselves out over own
per rather same see she should since so some such than that the their theirs them themselves then there these they this those
through thus to too two under until up upon us use used uses using very via was we were what when where whether which while
who whom why will with within without would yet you your yours yourself yourselves`.split(/\s+/),
);

/** Lowercase word tokens that carry meaning: at least two characters, a letter among them, not a stopword. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    if (word.length >= 2 && !STOPWORDS.has(word) && /\p{L}/u.test(word)) tokens.push(word);
  }
  return tokens;
}

/** Counts of each item. */
export function countItems(items: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

const VOWEL = /[aeiouy]/;

/**
 * A light English stemmer: folds plurals, the endings -ing, -ed, -ly, -ies and a final -e, so that
 * "files", "filed" and "filing" meet, without Porter's rewriting of stems. Words of other languages and
 * identifiers pass through mostly unchanged.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const folded = foldEnding(word);
  // "file", "files", "filed" and "filing" all end as "fil".
  return folded.length > 3 && folded.endsWith("e") && !folded.endsWith("ee") ? folded.slice(0, -1) : folded;
}

function foldEnding(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5 && VOWEL.test(word.slice(0, -3))) return undouble(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 4 && VOWEL.test(word.slice(0, -2))) return undouble(word.slice(0, -2));
  if (word.endsWith("ly") && word.length > 5) return word.slice(0, -2);
  if (word.endsWith("es") && /(?:ch|sh|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** "stopp" → "stop", "configur" stays. */
function undouble(stemmed: string): string {
  const last = stemmed.at(-1)!;
  return stemmed.length > 3 && last === stemmed.at(-2) && !"lsz".includes(last) ? stemmed.slice(0, -1) : stemmed;
}

/** A document's terms: stem counts, the most frequent surface word of each stem (to show), and its length in tokens. */
export interface DocumentTerms {
  counts: Map<string, number>;
  surface: Map<string, string>;
  length: number;
}

/** Counts the stems of a text and remembers the word each stem is most often written as. */
export function documentTerms(text: string): DocumentTerms {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  const words = new Map<string, Map<string, number>>();
  for (const token of tokens) {
    const term = stem(token);
    counts.set(term, (counts.get(term) ?? 0) + 1);
    const forms = words.get(term) ?? new Map<string, number>();
    forms.set(token, (forms.get(token) ?? 0) + 1);
    words.set(term, forms);
  }
  const surface = new Map<string, string>();
  for (const [term, forms] of words) {
    let best = term;
    let most = 0;
    for (const [form, n] of forms) {
      if (n > most || (n === most && form < best)) [best, most] = [form, n];
    }
    surface.set(term, best);
  }
  return { counts, surface, length: tokens.length };
}

/** 32-bit FNV-1a over UTF-16 code units, with a final avalanche so the low bits mix too. */
export function hashTerm(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Buckets of the library statistics' document-frequency table (2^18: few rare terms share one with a common term). */
export const STATISTICS_BUCKETS = 1 << 18;
const BUCKET_SEED = 0x9e3779b9;

/** The statistics table's bucket of a term, independent of the dimension its vector hash picks. */
export function termBucket(term: string): number {
  return hashTerm(term, BUCKET_SEED) & (STATISTICS_BUCKETS - 1);
}
