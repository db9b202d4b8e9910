import { z } from "zod";
import { isSameOrigin } from "@/lib/auth";
import { HttpError } from "@/lib/http";
import { isFormPost, readBody, open } from "@/lib/route";
import { refusedForm, signedIn } from "@/lib/sign-in-response";
import { credentialsSchema, hasUsers, register } from "@/lib/users";

export const dynamic = "force-dynamic";

/** The first account also sends the installation's setup token (the setup page's hidden field). */
const bodySchema = credentialsSchema.extend({ setupToken: z.string().max(200).optional() });

function setupTokenOf(form: string): Record<string, string> {
  const token = new URLSearchParams(form).get("setupToken");
  return token ? { token: token.slice(0, 200) } : {};
}

/** Creates an account and signs it in: the admin on a new installation (with its setup token), later only with open sign-up. */
export const POST = open(async (request) => {
  const firstRun = !(await hasUsers());
  // The setup page's token, kept on the way back to it when the form is refused.
  const keep = firstRun && isFormPost(request) ? setupTokenOf(await request.clone().text()) : {};
  try {
    if (!isSameOrigin(request)) throw new HttpError(403, "This request came from another site.");
    const { setupToken, ...credentials } = await readBody(request, bodySchema);
    const user = await register(credentials, setupToken);
    return await signedIn(request, user, 201);
  } catch (error) {
    const refused = refusedForm(request, firstRun ? "/setup" : "/signup", error, keep);
    if (refused) return refused;
    throw error;
  }
});
