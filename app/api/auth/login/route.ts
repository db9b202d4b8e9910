import { z } from "zod";
import { isSameOrigin } from "@/lib/auth";
import { HttpError } from "@/lib/http";
import { clientAddress } from "@/lib/request-info";
import { open, readBody } from "@/lib/route";
import { refusedForm, signedIn } from "@/lib/sign-in-response";
import { reserveSignInAttempt, signInSucceeded } from "@/lib/sign-in-throttle";
import { signIn } from "@/lib/users";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ email: z.string().max(254), password: z.string().max(256) });

/** Signs in with email and password. */
export const POST = open(async (request) => {
  try {
    if (!isSameOrigin(request)) throw new HttpError(403, "This request came from another site.");
    const { email, password } = await readBody(request, bodySchema);
    const address = clientAddress(request);
    // Reserved before the password is checked, so parallel guesses cannot all pass the limit.
    await reserveSignInAttempt(email, address);
    const user = await signIn(email, password);
    if (!user) throw new HttpError(401, "The email or the password is wrong.");
    await signInSucceeded(email, address);
    return await signedIn(request, user);
  } catch (error) {
    const refused = refusedForm(request, "/login", error);
    if (refused) return refused;
    throw error;
  }
});
