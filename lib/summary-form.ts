/**
 * The form of a summary, as stored and sent (`summary` stays plain text): a first paragraph that
 * says what the document is, then a blank line and one key point a line, each after "• ".
 * Browser-safe: the page reads summaries with it, the providers write them with it.
 */

export const KEY_POINT_BULLET = "• ";
/** Key points a summary has unless asked for fewer. */
export const DEFAULT_KEY_POINTS = 5;

export interface SummaryParts {
  /** The first paragraph: what the document is. */
  description: string;
  /** The key points, without their bullets. */
  keyPoints: string[];
}

/** A summary's text from its parts. */
export function formatSummary({ description, keyPoints }: SummaryParts): string {
  const points = keyPoints.map((point) => `${KEY_POINT_BULLET}${point}`).join("\n");
  return [description, points].filter((part) => part !== "").join("\n\n");
}

/** A list item as models and people write one: "•", "-", "*" or "1." / "1)" at the start of a line. */
const LIST_ITEM = /^\s*(?:[•*\-–]|\d{1,2}[.)])\s+/;

/**
 * The parts of a summary's text: list items are key points (a line that follows one without a
 * blank line goes on with it); all the rest (a summary from before this form, a model's prose) is
 * the description, its paragraphs kept apart by blank lines.
 */
export function parseSummary(text: string): SummaryParts {
  const paragraphs: string[][] = [];
  const keyPoints: string[] = [];
  let previous: "blank" | "description" | "point" = "blank";
  for (const line of text.split("\n").map((raw) => raw.trim())) {
    if (line === "") {
      previous = "blank";
    } else if (LIST_ITEM.test(line)) {
      keyPoints.push(line.replace(LIST_ITEM, ""));
      previous = "point";
    } else if (previous === "point") {
      keyPoints[keyPoints.length - 1] += ` ${line}`;
    } else {
      if (previous === "blank") paragraphs.push([]);
      paragraphs.at(-1)!.push(line);
      previous = "description";
    }
  }
  return { description: paragraphs.map((lines) => lines.join("\n")).join("\n\n"), keyPoints };
}

/** A model's answer in the summary's form: its list items as "• " lines after the first paragraph. */
export function toSummaryForm(text: string): string {
  return formatSummary(parseSummary(text));
}
