/**
 * The search request: its parameters as the API takes them (validated with zod), and the words
 * of a web-search style query that are looked for (not excluded), which snippets highlight.
 */
import { z } from "zod";

export const SEARCH_MODES = ["hybrid", "text", "semantic"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** The longest query taken, in characters. */
export const MAX_QUERY_LENGTH = 500;
export const MAX_LIMIT = 50;

export const searchQuerySchema = z
  .object({
    q: z
      .string({ error: "is required: say what to look for" })
      .trim()
      .min(1, "is empty: say what to look for")
      .max(MAX_QUERY_LENGTH, `is too long: at most ${MAX_QUERY_LENGTH} characters`),
    limit: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
      .default(10),
    mode: z.enum(SEARCH_MODES, { error: `must be one of ${SEARCH_MODES.join(", ")}` }).default("hybrid"),
  });

export type SearchQuery = z.infer<typeof searchQuerySchema>;

const TERM = /(-?)"([^"]*)"?|(\S+)/g;

/**
 * The words a query looks for, in the order written: quoted phrases' words and plain words, without
 * the excluded ones (`-word`, `-"a phrase"`) and the OR operator, as websearch_to_tsquery reads them.
 */
export function wantedWords(query: string): string {
  const words: string[] = [];
  for (const match of query.matchAll(TERM)) {
    const [, minus, phrase, word] = match;
    if (phrase !== undefined) {
      if (!minus) words.push(phrase);
    } else if (word !== undefined && !word.startsWith("-") && word.toLowerCase() !== "or") {
      words.push(word);
    }
  }
  return words.join(" ").trim();
}

/** Whether a query asks for exact text: a quoted phrase, an excluded word or OR. */
export function hasOperators(query: string): boolean {
  for (const match of query.matchAll(TERM)) {
    const [, minus, phrase, word] = match;
    if (phrase !== undefined || minus || word?.startsWith("-") || word?.toLowerCase() === "or") return true;
  }
  return false;
}
