/**
 * A document's title from the document itself, one rule for every format: the title its format
 * stores (PDF metadata, HTML <title>, a Word, OpenDocument or PowerPoint file's title property)
 * unless it is junk that programs write on their own, else its first heading; null when it has
 * neither (the file name is then the title).
 */

const MAX_TITLE_CHARS = 200;

/** Titles programs write by themselves: they name the program, the template or the file, not the document. */
const JUNK_TITLES = [
  /^(untitled|no title|title|document|doc|new document|untitled document|word document|draft|none|null|undefined|unknown|default|print|slide \d*|presentation\d*|layout \d*|page \d*|\(anonymous\)|\[no title\]|microsoft word|powerpoint presentation|template)\s*\d*$/i,
  /^(document|untitled|book|sheet|presentation)[\s_-]?\d+$/i,
  // "Microsoft Word - report3.doc", "Microsoft PowerPoint - deck.pptx".
  /^microsoft (word|powerpoint|excel|office word)\b/i,
  // A file name or a path: "report3.doc", "C:\Users\me\scan.pdf", "/tmp/out.tex".
  /\.(docx?|odt|rtf|pdf|txt|tex|dvi|ps|eps|html?|md|xlsx?|pptx?|indd|qxd|pages|wpd|tmp|jpe?g|png|tiff?)$/i,
  /^([a-z]:\\|\/|\\\\)/i,
];

/** Whether a stored title is one a program made up, not the document's. */
export function isJunkTitle(title: string): boolean {
  const clean = cleanTitle(title);
  if (!/\p{L}{2}/u.test(clean)) return true;
  return JUNK_TITLES.some((pattern) => pattern.test(clean));
}

/** Collapses whitespace and drops control characters; at most 200 characters. */
export function cleanTitle(title: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = title.replace(/[\u0000-\u001f\u007f-\u009f\uFDD0-\uFDEF]/g, " ").replace(/\s+/g, " ").trim();
  return Array.from(visible).slice(0, MAX_TITLE_CHARS).join("").trim();
}

/** The document's title: its stored title unless junk, else its first heading; null when neither is usable. */
export function documentTitle({ stored, firstHeading }: { stored?: string | null; firstHeading?: string | null }): string | null {
  for (const candidate of [stored, firstHeading]) {
    if (candidate && !isJunkTitle(candidate)) return cleanTitle(candidate);
  }
  return null;
}
