/** Who is looking at a page (server components only): the signed-in user, or a redirect to sign in. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authenticate, type CurrentUser } from "./auth";
import { hasUsers } from "./users";

/** The signed-in user, or null; looked up once per request (the layout and the page both ask). */
export const pageUserOrNull = cache(async (): Promise<CurrentUser | null> => authenticate({ cookie: (await headers()).get("cookie") }));

/** The signed-in user; otherwise the first-run page on a new installation, or the sign-in page. */
export async function pageUser(): Promise<CurrentUser> {
  const user = await pageUserOrNull();
  if (user) return user;
  redirect((await hasUsers()) ? "/login" : "/setup");
}
