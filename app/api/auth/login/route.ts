import { z } from "zod";
import { HttpError } from "@/lib/http";
import { open, readBody } from "@/lib/route";
import { refusedForm, signedIn } from "@/lib/sign-in-response";
import { checkSignInAllowed, clearSignInFailures, recordSignInFailure } from "@/lib/sign-in-throttle";
import { signIn } from "@/lib/users";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ email: z.string().max(254), password: z.string().max(256) });

/** Signs in with email and password. */
export const POST = open(async (request) => {
  try {
    const { email, password } = await readBody(request, bodySchema);
    await checkSignInAllowed(email);
    const user = await signIn(email, password);
    if (!user) {
      await recordSignInFailure(email);
      throw new HttpError(401, "The email or the password is wrong.");
    }
    await clearSignInFailures(email);
    return await signedIn(request, user);
  } catch (error) {
    const refused = refusedForm(request, "/login", error);
    if (refused) return refused;
    throw error;
  }
});
