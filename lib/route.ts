/**
 * Route handlers in one shape: who is asking (401/403 first), route parameters and bodies parsed
 * with zod (400 with a message), and every error mapped to JSON by `errorResponse`.
 */
import "server-only";
import { z } from "zod";
import { requireAdmin, requireUser, type CurrentUser } from "./auth";
import { InvalidInputError } from "./errors";
import { errorResponse } from "./http";
import { addLogContext } from "./logger";
import { idSchema } from "./pipeline/ids";

interface RouteContext<P> {
  params: Promise<P>;
}

type Handler<P> = (request: Request, user: CurrentUser, params: P) => Promise<Response>;

/** Wraps a handler that anyone may call (sign-in, first run). */
export function open<P = Record<string, never>>(handler: (request: Request, params: P) => Promise<Response>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      return await handler(request, (await context?.params) ?? ({} as P));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Wraps a handler that needs a signed-in user (an admin with `{ admin: true }`); the request's log lines name its owner. */
export function withUser<P = Record<string, never>>(handler: Handler<P>, { admin = false } = {}) {
  return open<P>(async (request, params) => {
    const user = admin ? await requireAdmin(request) : await requireUser(request);
    addLogContext({ ownerId: user.id });
    return handler(request, user, params);
  });
}

const idParams = z.object({ id: idSchema });

/** The `[id]` route parameter, which must be a UUID (400 otherwise). */
export function routeId(params: { id: string }, what = "document"): string {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new InvalidInputError(`That is not a ${what} id: ids look like 0b7e8d52-3f0c-4c1e-9d55-2b1c4f6a7e90.`);
  if (what === "document") addLogContext({ documentId: parsed.data.id });
  return parsed.data.id;
}

/** The first problem zod found, as one sentence for the client. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.join(".");
  return field ? `${field}: ${issue.message}` : (issue?.message ?? "The request is malformed.");
}

/** A JSON or HTML-form body parsed with `schema`; 400 with the first problem when it does not fit. */
export async function readBody<T extends z.ZodType>(request: Request, schema: T, { optional = false } = {}): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  let data: unknown;
  if (type.startsWith("application/x-www-form-urlencoded")) {
    data = Object.fromEntries(new URLSearchParams(await request.text()));
  } else {
    const text = await request.text();
    if (!text.trim() && optional) data = {};
    else {
      try {
        data = JSON.parse(text);
      } catch {
        throw new InvalidInputError("The body must be JSON.");
      }
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  return parsed.data;
}

/** Whether the request came from an HTML form (so the answer is a redirect, not JSON). */
export function isFormPost(request: Request): boolean {
  return (request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded");
}
