import { readBody, open } from "@/lib/route";
import { refusedForm, signedIn } from "@/lib/sign-in-response";
import { credentialsSchema, hasUsers, register } from "@/lib/users";

export const dynamic = "force-dynamic";

/** Creates an account and signs it in: the admin on a new installation, later only with open sign-up. */
export const POST = open(async (request) => {
  try {
    const user = await register(await readBody(request, credentialsSchema));
    return await signedIn(request, user, 201);
  } catch (error) {
    const refused = refusedForm(request, (await hasUsers()) ? "/signup" : "/setup", error);
    if (refused) return refused;
    throw error;
  }
});
