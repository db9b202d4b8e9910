/**
 * The summary's first paragraph: the document's description of itself, picked among the first
 * sentences of the places documents describe themselves (a manual page's NAME and DESCRIPTION, an
 * abstract, the first paragraph of an introduction or overview, the title page), and made to name
 * the subject where it only points at it ("This package provides …" → "The graphicx package provides …").
 */
import type { ReadText, Sentence } from "./reading";
import { carriesHeading, isBalanced, isBoilerplate, isProse, startsMidThought } from "./sentence-rules";
import { mentions, opensWith, type Subject } from "./subject";

/** Headings of the places where documents say what they are, and how much a sentence there counts. */
const REGIONS: [RegExp, number][] = [
  [/^(description|abstract|summary)$/, 3],
  [/^(an? )?(introduction|overview|about|preface|purpose|scope|background)\b|^what is\b/, 2.5],
];
/** A manual page's NAME line counts a little less than its DESCRIPTION, which it stands in for when that does not name the page's subject. */
const NAME_LINE_WEIGHT = 2.5;
/** Sentences looked at under each such heading, and at the start of the text. */
const PER_REGION = 5;
const OPENING_SENTENCES = 12;
/** A description shorter than this takes the next sentence of its paragraph along ("These are the GNU core utilities."). */
const SHORT_DESCRIPTION_CHARS = 50;
/** How a sentence says what something is or does. */
const DEFINING =
  /\b(is|are) (a|an|the|one)\b|\b(provides?|describes?|documents?|implements?|contains?|offers?|allows?|lets|supports?|presents?|introduces?|explains?|defines?|specifies?|covers?|emulates?|computes?|compresses?|manages?|searches)\b|\bis (intended|designed|meant|used) (to|for)\b/i;
/** A sentence about the document itself or its subject, pointing at it instead of naming it ("This package provides …"). */
const POINTING =
  /^(this|these) (package|manual|document|documentation|paper|library|program|tool|guide|file|specification|spec|article|report|book|module|class|bundle|utility|command|software|project|macros?|style|system)\b|^the (package|library|program|tool|module|macros|manual|paper|document)\b(?! (for|of|in|on|to|and|or)\b)/i;
/** A sentence about the document's version or date rather than its subject. */
const METADATA = /\b(version|release|revision)\s+v?[\d.]+\w*\b.*\b(updated|revised|released|dated|from|of)\b/i;

export interface Description {
  /** The first paragraph of the summary. */
  text: string;
  /** The document's sentences it was made from. */
  sentences: Sentence[];
}

/**
 * The document's own description, naming its subject. A sentence that neither names the subject
 * nor says what something is does not describe the document: then its title line is the
 * description, and without one there is none (null).
 */
export function describe(read: ReadText, subject: Subject | null, names: ReadonlySet<string>, headingKeys: readonly string[]): Description | null {
  let best: { index: number; score: number } | null = null;
  for (const [index, sentence] of read.sentences.entries()) {
    const region = regionWeight(sentence, index);
    if (region === null || !fitsDescription(sentence.text, names, headingKeys) || !describesSomething(sentence.text, subject)) continue;
    const score = region + contentScore(sentence.text, subject);
    if (!best || score > best.score) best = { index, score };
  }
  const named = nameLine(read);
  if (named && (!best || NAME_LINE_WEIGHT + contentScore(named.text, subject) > best.score)) return { text: named.text, sentences: [named.sentence] };
  if (!best) return subject?.title ? { text: `${subject.title}.`, sentences: [] } : null;
  const chosen = read.sentences[best.index];
  const sentences = [chosen];
  const next = read.sentences[best.index + 1];
  if (chosen.text.length < SHORT_DESCRIPTION_CHARS && next?.inParagraph === chosen.inParagraph + 1 && isProse(next.text) && !isBoilerplate(next.text) && isBalanced(next.text)) {
    sentences.push(next);
  }
  const text = sentences.map((sentence) => sentence.text).join(" ");
  return { text: nameSubject(text, subject), sentences };
}

/** A manual page's NAME line as a sentence: "cp - copy files and directories" → "cp: copy files and directories." */
function nameLine(read: ReadText): { text: string; sentence: Sentence } | null {
  const sentence = read.sentences.find((candidate) => /^name$/i.test(candidate.heading) && candidate.inHeading === 0);
  const parts = sentence ? /^([^–—-]+?)\s+[-–—]\s+(.{8,200}?)\.?$/.exec(sentence.text) : null;
  return parts ? { text: `${parts[1]}: ${parts[2]}.`, sentence: sentence! } : null;
}

function describesSomething(text: string, subject: Subject | null): boolean {
  return DEFINING.test(text) || POINTING.test(text) || (subject !== null && mentions(text, subject.term));
}

/** The first whole sentence near the start that can open a summary, whatever it says: for a short note with nothing better. */
export function openingSentence(read: ReadText, names: ReadonlySet<string>, headingKeys: readonly string[]): string | null {
  const sentence = read.sentences.slice(0, OPENING_SENTENCES).find((candidate) => fitsDescription(candidate.text, names, headingKeys));
  return sentence?.text ?? null;
}

/** How much a sentence's place counts: under a describing heading, or among the text's first sentences; null elsewhere. */
function regionWeight(sentence: Sentence, index: number): number | null {
  const heading = sentence.heading
    .toLowerCase()
    .replace(/^[\d.]+\s*/, "")
    .trim();
  // A usage line says nothing of what the program is; the NAME line is read as a whole (`nameLine`).
  if (/^(synopsis|usage|name)$/.test(heading)) return null;
  const region = REGIONS.find(([pattern]) => pattern.test(heading));
  if (region && sentence.inHeading < PER_REGION) return region[1] - 0.3 * sentence.inHeading;
  if (index < OPENING_SENTENCES) return 1 - 0.08 * index;
  return null;
}

/** How well a sentence says what the document is: names its subject, defines, opens with it. */
function contentScore(text: string, subject: Subject | null): number {
  let score = 0;
  if (subject && mentions(text, subject.term)) score += 4;
  if (POINTING.test(text)) score += 3;
  if (subject && opensWith(text, subject.term)) score += 2;
  if (DEFINING.test(text)) score += 2;
  if (METADATA.test(text)) score -= 2;
  if (/^it\b/i.test(text)) score -= 1;
  if (text.endsWith("?")) score -= 2;
  return score;
}

/** A sentence that can open a summary: prose, not boilerplate, whole, and leaning on nothing before it but the document itself. */
function fitsDescription(text: string, names: ReadonlySet<string>, headingKeys: readonly string[]): boolean {
  if (!isProse(text, { minChars: 20, minWords: 4 }) || isBoilerplate(text) || !isBalanced(text) || carriesHeading(text, headingKeys)) return false;
  return !startsMidThought(text, names) || POINTING.test(text) || /^(this|these|it) (is|are)\b/i.test(text);
}

/** The description with its subject named: "This package" becomes "The graphicx package"; otherwise the title goes before it. */
export function nameSubject(text: string, subject: Subject | null): string {
  if (!subject || mentions(text, subject.term)) return text;
  const pointing = POINTING.exec(text);
  if (pointing) return `The ${subject.term} ${pointing[2] ?? pointing[3]}${text.slice(pointing[0].length)}`;
  return `${subject.name}: ${text}`;
}
