import { currentSessionId } from "@/lib/auth";
import { readBody, withUser } from "@/lib/route";
import { changePassword, passwordChangeSchema } from "@/lib/users";

export const dynamic = "force-dynamic";

/** Changes the signed-in person's password; every other session of theirs ends, and its live connections close. */
export const POST = withUser(async (request, user) => {
  const { currentPassword, newPassword } = await readBody(request, passwordChangeSchema);
  await changePassword(user.id, await currentSessionId(request), currentPassword, newPassword);
  return new Response(null, { status: 204 });
});
