import { endSession, isSameOrigin, sessionCookie, sessionTokenFrom } from "@/lib/auth";
import { HttpError } from "@/lib/http";
import { disconnectCredential } from "@/lib/socket-emitter";
import { isFormPost, open } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Ends the browser session. */
export const POST = open(async (request) => {
  if (!isSameOrigin(request)) throw new HttpError(403, "This request came from another site.");
  const token = sessionTokenFrom(request.headers.get("cookie"));
  const ended = token ? await endSession(token) : null;
  if (ended) disconnectCredential(ended);
  const headers = new Headers({ "Set-Cookie": sessionCookie(request, null) });
  if (!isFormPost(request)) return new Response(null, { status: 204, headers });
  headers.set("Location", "/login");
  return new Response(null, { status: 303, headers });
});
