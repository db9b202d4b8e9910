/**
 * The process's logger (pino): JSON lines in production, pino-pretty on a terminal in development.
 * `logger.info(message, fields)` writes through the current request's or job's child logger, so
 * each line carries its ids (`requestId`, `documentId`, `jobId`, `stage`, `ownerId`) without the
 * call site naming them: `withLogContext` starts one (the web server per request, the worker per
 * job), `addLogContext` adds what is learned later (the owner once signed in). Secret fields are
 * redacted wherever they appear; document text never belongs in a log line.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "./env";

/** The ids a line of a request or a job carries, the same in the web and the worker. */
export interface LogContext {
  requestId?: string;
  documentId?: string;
  jobId?: string;
  stage?: string;
  ownerId?: string;
  /** A job's name (a stage or another job kind of the job table). */
  job?: string;
}

type Fields = Record<string, unknown>;

interface Scope {
  logger: Logger;
  context: LogContext;
}

/** Field names whose values are never written, at the top of a line or one level down. */
const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "apiKey",
  "apiToken",
  "authorization",
  "cookie",
  "secret",
  "setupToken",
  "sessionToken",
  "accessKeyId",
  "secretAccessKey",
  "OPENAI_API_KEY",
  "DATABASE_URL",
  "REDIS_URL",
  "REDIS_PASSWORD",
  // Document text and what is written from it.
  "text",
  "extractedText",
  "summary",
  "summaryDraft",
  "content",
];
export const REDACTED_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'headers["set-cookie"]'];

/** The longest error text a line keeps: a stack, not a dump. */
const MAX_ERROR_CHARS = 2_000;

/**
 * An error's text as a line keeps it: Prisma's "Invalid `prisma.x()` invocation" messages print
 * the call's arguments (a document's text among them), so only their first and last lines (what
 * was called, and why it failed) are kept; and any error text is cut at MAX_ERROR_CHARS.
 */
export function loggableError(text: string): string {
  const lines = text.split("\n");
  const invocation = lines.findIndex((line) => line.includes("Invalid `prisma."));
  let kept = text;
  if (invocation !== -1) {
    const frames = lines.filter((line) => /^\s+at /.test(line));
    const reason = lines.filter((line) => line.trim() !== "" && !/^\s+at /.test(line)).at(-1) ?? "";
    kept = [...lines.slice(0, invocation + 1), "  …", reason, ...frames].join("\n");
  }
  return kept.length > MAX_ERROR_CHARS ? `${kept.slice(0, MAX_ERROR_CHARS)}… (cut)` : kept;
}

function withLoggableErrors(fields: Record<string, unknown>): Record<string, unknown> {
  const { error } = fields;
  return typeof error === "string" ? { ...fields, error: loggableError(error) } : fields;
}

function destination(): DestinationStream {
  if (env.NODE_ENV === "development" && process.stdout.isTTY) return pretty({ colorize: true, sync: true });
  // Warnings and errors go to stderr, the rest to stdout (each line to one of them).
  return pino.multistream(
    [
      { level: "debug", stream: process.stdout },
      { level: "warn", stream: process.stderr },
    ],
    { dedupe: true },
  );
}

function createRoot(): Logger {
  return pino(
    {
      level: env.LOG_LEVEL,
      messageKey: "message",
      // No base fields: the lines that need the pid name it themselves.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: withLoggableErrors },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination(),
  );
}

// On globalThis: Next.js bundles its own copy of this module, and both must share one context.
const shared = globalThis as unknown as { docsumLog?: { root: Logger; scopes: AsyncLocalStorage<Scope> } };
shared.docsumLog ??= { root: createRoot(), scopes: new AsyncLocalStorage<Scope>() };
const { root, scopes } = shared.docsumLog;

/** Only the fields that are set: a child logger binds no empty ids. */
function defined(context: LogContext): LogContext {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined && value !== null && value !== "")) as LogContext;
}

/** Runs `fn` with a child logger that adds `context` to every line logged inside it (nested: to the outer one's). */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  const merged = { ...scopes.getStore()?.context, ...defined(context) };
  // Each scope's logger is a child of the root with the whole context, so no field is written twice.
  return scopes.run({ logger: root.child(merged), context: merged }, fn);
}

/** Adds ids to the current request's or job's lines from now on (outside one, nothing). */
export function addLogContext(context: LogContext): void {
  const scope = scopes.getStore();
  if (!scope) return;
  const merged = { ...scope.context, ...defined(context) };
  if (Object.entries(merged).every(([key, value]) => scope.context[key as keyof LogContext] === value)) return;
  scope.logger = root.child(merged);
  scope.context = merged;
}

/** `fn`, made to log in the current request's or job's context wherever it is called from (an event listener). */
export function inLogContext<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn);
}

/** The ids of the current request or job ({} outside one). */
export function logContext(): LogContext {
  return scopes.getStore()?.context ?? {};
}

type Level = "debug" | "info" | "warn" | "error";

/** Writes one line in the current context; a field the context already names with the same value is not written again. */
function write(level: Level, message: string, fields: Fields = {}): void {
  const scope = scopes.getStore();
  if (!scope) {
    root[level](fields, message);
    return;
  }
  const own = Object.fromEntries(Object.entries(fields).filter(([key, value]) => scope.context[key as keyof LogContext] !== value));
  scope.logger[level](own, message);
}

export const logger = {
  debug: (message: string, fields?: Fields) => write("debug", message, fields),
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};
