/** What makes a sentence fit to stand alone in a summary, and what rules one out. */

const MIN_SENTENCE_CHARS = 40;
const MAX_SENTENCE_CHARS = 300;
const MIN_SENTENCE_WORDS = 6;
/** Below this share of letters a "sentence" is a table, a listing or a formula. */
const MIN_LETTER_SHARE = 0.6;
/** Characters that are rare in prose and common in source code and markup. */
const CODE_MARKS = /[\\{}@#$%^&*=<>|;~]/g;
/** Above this share of code marks a "sentence" is a line of code. */
const MAX_CODE_SHARE = 0.02;
/** The placeholders of a command's usage: "[OPTION]", "[FILE...]", "[ file ... ]", "valgrind [valgrind-options] …". */
const USAGE = /\[[^\]]*(\.\.\.|…)[^\]]*\]| \[-?[A-Z][A-Z_|-]{2,}\]|^\S+ \[ ?-?[\w-]+ ?\] /;
/** A sentence ends with terminal punctuation, perhaps followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?]["'”’»)\]]*$/;

/**
 * Words that open a sentence leaning on the one before it: connectives ("However", "Note that"),
 * pronouns and demonstratives ("It", "This", "These"), and references to what is around it.
 */
const LEANING_OPENERS = new RegExp(
  "^(" +
    [
      "also", "and", "but", "or", "nor", "so", "yet", "still", "then", "thus", "hence", "therefore", "however", "moreover", "furthermore",
      "additionally", "besides", "otherwise", "instead", "nevertheless", "nonetheless", "consequently", "accordingly", "similarly", "likewise",
      "conversely", "meanwhile", "finally", "lastly", "again", "indeed", "further", "next", "now", "here", "above", "below",
      "first(ly)?", "second(ly)?", "third(ly)?", "note", "notice", "please", "remember", "recall", "see", "cf", "e\\.g", "i\\.e", "this", "that",
      "these", "those", "it", "its", "they", "them", "their", "he", "she", "his", "her", "such",
      "the (former|latter|above|following|same|rest|other|next|last|previous)", "in (addition|contrast|particular|fact|practice|short|other words|this case|that case|turn|general|summary)",
      "for (example|instance|this reason)", "as (a result|such|well|mentioned|noted|described|shown|above|before|below|seen)",
      "on the other hand", "by contrast", "even so", "if so", "if not", "which", "whereas", "because", "except",
      "after (that|this)", "before (that|this)", "at (this|that) point", "with (this|that|these|those)",
      "one (of these|such)", "another", "some of (these|them)", "all of (these|them)", "none of (these|them)",
    ].join("|") +
    ")\\b",
  "i",
);

/** Licence and copyright boilerplate, contact lines: a document's furniture, not its content. */
const BOILERPLATE =
  /\b(in a product|product documentation|misrepresented|altered source versions|above copyright notice|copyright|all rights reserved|permission is (hereby )?granted|licen[cs]ed? (under|to)|under the terms of|gnu (general|lesser|library|free documentation) (public )?licen[cs]e|free software foundation|without (any )?warranty|merchantability|fitness for a particular purpose|redistribution and use|invariant sections|front-cover texts|public domain|provided "as is"|bug reports? (can|should|may) be|send (bug reports|comments|patches)|mailing list|this (file|document|manual|page) (is|was) (maintained|generated|written|free)|https?:\/\/|www\.|\S+@\S+\.\w+)/i;

/** A sentence that reads as prose: ends like one, is mostly words, and is neither a listing nor code. */
export function isProse(sentence: string, { minChars = MIN_SENTENCE_CHARS, minWords = MIN_SENTENCE_WORDS } = {}): boolean {
  if (sentence.length < minChars || sentence.length > MAX_SENTENCE_CHARS || !SENTENCE_END.test(sentence)) return false;
  // A path or an address first ("CTAN:macros/latex/…", "/usr/share/…") is a listing's line, placeholders a usage line ("cp [OPTION]... SOURCE").
  if (/^\S*(:|\/\S*\/)/.test(sentence) || USAGE.test(sentence)) return false;
  const visible = sentence.replace(/\s/g, "").length;
  const letters = sentence.match(/\p{L}/gu)?.length ?? 0;
  const codeMarks = sentence.match(CODE_MARKS)?.length ?? 0;
  const words = sentence.match(/\p{L}{2,}/gu)?.length ?? 0;
  return letters / visible >= MIN_LETTER_SHARE && codeMarks / visible <= MAX_CODE_SHARE && words >= minWords;
}

/** Licence text, copyright lines, addresses for bug reports and links. */
export function isBoilerplate(sentence: string): boolean {
  return BOILERPLATE.test(sentence);
}

/**
 * Whether a sentence starts in the middle of a thought: with a connective or a pronoun that points
 * back, with an option or a list marker ("−c If …"), a number, a bracket or a quote, or a lower-case
 * word that is not a name the document uses as one (`names`, such as "bzip2" or "dvips").
 */
export function startsMidThought(sentence: string, names: ReadonlySet<string>): boolean {
  const unquoted = sentence.replace(/^[‘'"“«]/u, "");
  if (LEANING_OPENERS.test(unquoted) || !/^\p{L}/u.test(unquoted)) return true;
  const first = /^[\p{L}\p{N}_.+-]+/u.exec(unquoted)![0].replace(/[.]+$/, "");
  if (/^\p{Ll}/u.test(first)) return !names.has(first.toLowerCase()) && !/[\d_]/.test(first);
  // A lone letter other than "A" and "I" is the end of something cut off ("X, 0.9.5 and 0.9.0 use …").
  return first.length === 1 && first !== "A" && first !== "I";
}

/**
 * Whether a heading or a label is glued into the sentence: it opens with a section number, with
 * words in capitals ("OPTIONS Generic …"), with a label and a colon ("Returns: …", "PATENTS: …"),
 * with a term of a definition list ("ChangeLog This file records …", or one run in later), or with one of the document's
 * headings followed by a new capitalised start ("Key=Value Interface When the decision …").
 */
export function carriesHeading(sentence: string, headingKeys: readonly string[]): boolean {
  if (/^\d+(\.\d+)*\.?\s+\p{L}/u.test(sentence) || /^(\p{Lu}{2,}\s+)+\p{Lu}\p{Ll}/u.test(sentence)) return true;
  if (/^[\p{L}\p{N}_-]+( [\p{L}\p{N}_-]+)?:\s/u.test(sentence) || /^[^.:;!?“"‘(]{1,60}?[\p{Ll}\p{N},)] (The|This|These|A|An) [\p{L}‘“"']/u.test(sentence)) return true;
  if (GLUED_ITEM.test(sentence) || repeatsWordCapitalised(sentence)) return true;
  const key = comparable(sentence);
  return headingKeys.some((heading) => {
    if (!key.startsWith(`${heading} `)) return false;
    const rest = sentence.slice(lengthOfWords(sentence, heading)).trimStart();
    return /^\p{Lu}/u.test(rest);
  });
}

/** A list item run into the sentence after a full stop: a lower-case term, then its capitalised description ("… supported. bb Set the bounding box."). */
const GLUED_ITEM = /[.!?] \p{Ll}[\p{L}\p{N}]* \p{Lu}\p{Ll}/u;

/** A term followed by the same word capitalised, as a definition list runs together ("Bookmark talk, slides Slides for the talk …"). */
function repeatsWordCapitalised(sentence: string): boolean {
  for (const [, term, again] of sentence.matchAll(/(?<![\p{L}\p{N}])(\p{Ll}{2,}) (\p{Lu}\p{Ll}+)/gu)) if (term === again.toLowerCase()) return true;
  return false;
}

/** Headings as `carriesHeading` compares them: without their numbers, in comparable form. */
export function headingKeys(headings: readonly string[]): string[] {
  const keys = headings.map((heading) => comparable(heading.replace(/^[\d.]+\s+/, ""))).filter((key) => key.length >= 3);
  return [...new Set(keys)];
}

/** Lower-case words of letters and digits, one space apart. */
export function comparable(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** How many characters of `sentence` its first words, as many as `key` has, take up. */
function lengthOfWords(sentence: string, key: string): number {
  const words = key.split(" ").length;
  const match = new RegExp(`^(?:[^\\p{L}\\p{N}]*[\\p{L}\\p{N}]+){${words}}`, "u").exec(sentence);
  return match ? match[0].length : key.length;
}

/** Brackets and quotes opened and closed in the sentence: one closed that was never opened is a cut-off quotation. */
export function isBalanced(sentence: string): boolean {
  let depth = 0;
  for (const char of sentence) {
    if (char === "(" || char === "[") depth += 1;
    else if (char === ")" || char === "]") depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}
