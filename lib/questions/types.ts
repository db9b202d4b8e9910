/**
 * Questions as the API and the pages see them: the request's schema, the list's query and the
 * view of one question. Browser-safe.
 */
import { z } from "zod";
import type { QuestionCitation, QuestionStatus } from "@/lib/events";
import { idSchema } from "@/lib/pipeline/ids";

export type { QuestionCitation, QuestionStatus };

export const MAX_QUESTION_LENGTH = 2000;
/** Documents one question may name. */
export const MAX_QUESTION_DOCUMENTS = 100;
export const DEFAULT_QUESTION_PAGE = 20;
export const MAX_QUESTION_PAGE = 100;

/** POST /api/questions: the question, and the documents it is about (none: the whole library). */
export const askSchema = z
  .object({
    question: z
      .string({ error: "must be the question's text" })
      .trim()
      .min(1, "must not be empty")
      .max(MAX_QUESTION_LENGTH, `must be at most ${MAX_QUESTION_LENGTH.toLocaleString("en-GB")} characters`),
    documentIds: z
      .array(idSchema, { error: "must be a list of document ids" })
      .max(MAX_QUESTION_DOCUMENTS, `must name at most ${MAX_QUESTION_DOCUMENTS} documents`)
      .default([]),
  })
  .strict();

export type AskInput = z.infer<typeof askSchema>;

/** GET /api/questions's query string. */
export const questionListSchema = z
  .object({
    documentId: idSchema.optional(),
    limit: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_QUESTION_PAGE, `must be at most ${MAX_QUESTION_PAGE}`)
      .default(DEFAULT_QUESTION_PAGE),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export type QuestionListQuery = z.infer<typeof questionListSchema>;

/** One question as GET /api/questions/:id answers it. */
export interface QuestionView {
  id: string;
  question: string;
  documentIds: string[];
  status: QuestionStatus;
  answer: string;
  citations: QuestionCitation[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The answer is passages quoted from the documents, not a model's writing. */
  extract: boolean;
  /** The model that wrote the answer, where one did. */
  model: string | null;
}

export interface QuestionPage {
  questions: QuestionView[];
  nextCursor: string | null;
}

/** Whether a question's answer is still coming. */
export function isAnswering(status: QuestionStatus): boolean {
  return status === "queued" || status === "answering";
}

/** The document page's link to a cited passage: the text opens there, the passage highlighted. */
export function citationHref(citation: Pick<QuestionCitation, "documentId" | "start" | "end">): string {
  return `/documents/${citation.documentId}?passage=${citation.start}-${citation.end}`;
}
