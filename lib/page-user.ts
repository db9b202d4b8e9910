/** Who is looking at a page (server components only): the signed-in user, or a redirect to sign in. */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate, type CurrentUser } from "./auth";
import { hasUsers } from "./users";

/** The signed-in user, or null. */
export async function pageUserOrNull(): Promise<CurrentUser | null> {
  return authenticate({ cookie: (await headers()).get("cookie") });
}

/** The signed-in user; otherwise the first-run page on a new installation, or the sign-in page. */
export async function pageUser(): Promise<CurrentUser> {
  const user = await pageUserOrNull();
  if (user) return user;
  redirect((await hasUsers()) ? "/login" : "/setup");
}
