import Link from "next/link";
import { redirect } from "next/navigation";
import { CredentialsForm } from "@/app/_components/credentials-form";
import { env } from "@/lib/env";
import { formErrorMessage } from "@/lib/form-errors";
import { pageUserOrNull } from "@/lib/page-user";
import { hasUsers } from "@/lib/users";

export const dynamic = "force-dynamic";

/** Sign in with email and password. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await pageUserOrNull()) redirect("/");
  if (!(await hasUsers())) redirect("/setup");
  const { error } = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <CredentialsForm action="/api/auth/login" submitLabel="Sign in" error={formErrorMessage(error)} />
      {env.OPEN_SIGNUP && (
        <p>
          No account yet? <Link href="/signup">Create one</Link>.
        </p>
      )}
    </>
  );
}
