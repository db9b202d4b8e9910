/**
 * Questions and their answers, as the routes and the question job see them: asking (a row and a
 * job, answered at once), reading and listing the owner's own, cancelling and deleting; and the
 * answer's state as the job moves it (answering, the text so far, done, failed, back in the
 * queue). Every write by the job holds only while the question is still being answered, so a
 * cancel or a delete always has the last word.
 */
import { requestCancel } from "@/lib/cancellation";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { InvalidInputError, NotFoundError } from "@/lib/errors";
import type { Prisma, Question } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { enqueueTask } from "@/lib/pipeline/tasks";
import { queue } from "@/lib/queues";
import { emitAnswer } from "@/lib/socket-emitter";
import { isAnswering, type AskInput, type QuestionCitation, type QuestionListQuery, type QuestionPage, type QuestionView } from "./types";

const NOT_FOUND = "Question not found";
const ANSWERING = { in: ["queued", "answering"] } as const satisfies Prisma.EnumQuestionStatusFilter;

/** Whether answers are passages quoted from the documents: the local provider writes no text of its own. */
export function answersQuote(): boolean {
  return env.AI_PROVIDER === "local";
}

/** The question job's id: one job per question. */
export function questionJobId(questionId: string): string {
  return `question-${questionId}`;
}

/** A stored question as the API shows it. */
export function questionView(row: Question): QuestionView {
  return {
    id: row.id,
    question: row.text,
    documentIds: row.documentIds,
    status: row.status,
    answer: row.answer,
    citations: row.citations as unknown as QuestionCitation[],
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    extract: row.extract,
    model: row.extract ? null : row.model,
  };
}

/** Stores the owner's question and queues its answer; a named document the owner does not have is refused. */
export async function askQuestion(ownerId: string, { question, documentIds }: AskInput): Promise<QuestionView> {
  const ids = [...new Set(documentIds)];
  if (ids.length > 0) {
    const owned = await prisma.document.count({ where: { ownerId, id: { in: ids } } });
    if (owned < ids.length) {
      const missing = ids.length - owned;
      throw new InvalidInputError(`documentIds: ${missing === 1 ? "one of these documents is" : `${missing} of these documents are`} not in your library.`);
    }
  }
  const row = await prisma.question.create({ data: { ownerId, text: question, documentIds: ids } });
  try {
    await enqueueTask("question", { questionId: row.id }, questionJobId(row.id));
  } catch (error) {
    await failAnswer(row, "The question could not be queued. Ask it again in a moment.", "queue-unavailable");
    throw error;
  }
  return questionView(row);
}

async function owned(ownerId: string, id: string): Promise<Question> {
  const row = await prisma.question.findFirst({ where: { id, ownerId } });
  if (!row) throw new NotFoundError(NOT_FOUND);
  return row;
}

/** One of the owner's questions, with its answer so far. */
export async function getQuestion(ownerId: string, id: string): Promise<QuestionView> {
  return questionView(await owned(ownerId, id));
}

interface QuestionCursor {
  t: string;
  i: string;
}

function encodeCursor(row: Question): string {
  return Buffer.from(JSON.stringify({ t: row.createdAt.toISOString(), i: row.id } satisfies QuestionCursor)).toString("base64url");
}

function decodeCursor(raw: string): QuestionCursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as QuestionCursor;
    if (typeof cursor.t === "string" && !Number.isNaN(Date.parse(cursor.t)) && typeof cursor.i === "string" && /^[0-9a-f-]{36}$/i.test(cursor.i)) return cursor;
  } catch {
    // Falls through to the refusal.
  }
  throw new InvalidInputError("cursor: not a cursor of this list; use the nextCursor of the page before.");
}

/** The owner's questions, newest first, a page at a time (all of them, or those about one document). */
export async function listQuestions(ownerId: string, { documentId, limit, cursor }: QuestionListQuery): Promise<QuestionPage> {
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = await prisma.question.findMany({
    where: {
      ownerId,
      ...(documentId ? { documentIds: { has: documentId } } : {}),
      ...(after
        ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.i } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { questions: page.map(questionView), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
}

/** Stops a question's answer where it is (a finished question stays as it is); the owner's browsers hear it at once. */
export async function cancelQuestion(ownerId: string, id: string): Promise<QuestionView> {
  const { count } = await prisma.question.updateMany({ where: { id, ownerId, status: ANSWERING }, data: { status: "cancelled", finishedAt: new Date() } });
  const row = await owned(ownerId, id);
  if (count === 1) {
    await stopJob(id);
    emitAnswer(ownerId, { id, text: row.answer, done: true, status: "cancelled", citations: questionView(row).citations });
  }
  return questionView(row);
}

/** Forgets one of the owner's questions (stopping its answer first). */
export async function deleteQuestion(ownerId: string, id: string): Promise<void> {
  const row = await owned(ownerId, id);
  await prisma.question.deleteMany({ where: { id, ownerId } });
  if (isAnswering(row.status)) await stopJob(id);
}

/** Takes a waiting job out of the queue, and asks the workers to abort a running one. */
async function stopJob(id: string): Promise<void> {
  await queue("ai")
    .remove(questionJobId(id))
    .catch((error: Error) => logger.warn("could not remove a question's job", { questionId: id, error: error.message }));
  await requestCancel(id);
}

/** The job starts answering: the question, or null when it is no longer waiting for an answer (cancelled, deleted, finished). */
export async function startAnswer(id: string): Promise<Question | null> {
  const { count } = await prisma.question.updateMany({
    where: { id, status: ANSWERING },
    data: { status: "answering", answer: "", citations: [], error: null, errorCode: null, startedAt: new Date() },
  });
  return count === 1 ? prisma.question.findUnique({ where: { id } }) : null;
}

/** Keeps the answer so far (what a reload shows); never rejects. */
export async function storeAnswerSoFar(id: string, text: string, first: boolean): Promise<void> {
  await prisma.question
    .updateMany({ where: { id, status: "answering" }, data: { answer: text, ...(first ? { firstTextAt: new Date() } : {}) } })
    .catch((error: Error) => logger.warn("could not store an answer so far", { questionId: id, error: error.message }));
}

/** Stores the whole answer and tells the owner's browsers. */
export async function finishAnswer(
  question: Question,
  answer: string,
  citations: QuestionCitation[],
  by: { provider: string; model: string; extract: boolean },
): Promise<void> {
  const { count } = await prisma.question.updateMany({
    where: { id: question.id, status: "answering" },
    data: { status: "done", answer, citations: citations as unknown as Prisma.InputJsonValue, ...by, finishedAt: new Date() },
  });
  if (count === 1) emitAnswer(question.ownerId, { id: question.id, text: answer, done: true, status: "done", citations });
}

/** Ends a question with a message for its owner. */
export async function failAnswer(question: Pick<Question, "id" | "ownerId">, message: string, code: string): Promise<void> {
  const { count } = await prisma.question.updateMany({
    where: { id: question.id, status: ANSWERING },
    data: { status: "failed", error: message, errorCode: code, finishedAt: new Date() },
  });
  if (count === 1) {
    const row = await prisma.question.findUnique({ where: { id: question.id } });
    emitAnswer(question.ownerId, { id: question.id, text: row?.answer ?? "", done: true, status: "failed", citations: row ? questionView(row).citations : [], error: message });
  }
}

/**
 * The answer starts again later (a retry with backoff, a pause for the API's rate limit, a worker
 * shutting down): it waits in the queue. False when the question is no longer being answered.
 */
export async function requeueAnswer(question: Question): Promise<boolean> {
  const { count } = await prisma.question.updateMany({ where: { id: question.id, status: "answering" }, data: { status: "queued", answer: "" } });
  if (count === 1) emitAnswer(question.ownerId, { id: question.id, text: "", done: false, status: "queued", citations: [], retrying: true });
  return count === 1;
}

/** Stores the sources an answer is being written from, so a reload lists them. */
export async function storeCitations(id: string, citations: QuestionCitation[]): Promise<void> {
  await prisma.question.updateMany({ where: { id, status: "answering" }, data: { citations: citations as unknown as Prisma.InputJsonValue } });
}
