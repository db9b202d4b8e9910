/** The answers of the sign-in forms and their JSON twins: a session cookie, then a redirect or JSON. */
import "server-only";
import { createSession, sessionCookie, type CurrentUser } from "./auth";
import { formErrorCode } from "./form-errors";
import { statusOf } from "./http";
import { isFormPost } from "./route";

/** Starts a session for `user` and answers: a form goes to the library, JSON gets the user. */
export async function signedIn(request: Request, user: CurrentUser, status = 200): Promise<Response> {
  const session = await createSession(user.id);
  const headers = new Headers({ "Set-Cookie": sessionCookie(request, session) });
  if (isFormPost(request)) {
    headers.set("Location", "/");
    return new Response(null, { status: 303, headers });
  }
  return Response.json({ user }, { status, headers });
}

/**
 * For a form, a refusal goes back to the form's page with the code of its message (and `keep`,
 * such as the setup token); JSON callers get the error.
 */
export function refusedForm(request: Request, page: string, error: unknown, keep: Record<string, string> = {}): Response | null {
  if (!isFormPost(request) || !statusOf(error)) return null;
  const query = new URLSearchParams({ ...keep, error: formErrorCode(error) });
  return new Response(null, { status: 303, headers: { Location: `${page}?${query}` } });
}
