import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { CredentialsForm } from "@/app/_components/credentials-form";
import { env } from "@/lib/env";
import { formErrorMessage } from "@/lib/form-errors";
import { hasUsers } from "@/lib/users";

export const dynamic = "force-dynamic";

/** Open sign-up, when the installation allows it (OPEN_SIGNUP=true). */
export default async function SignupPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (!(await hasUsers())) redirect("/setup");
  if (!env.OPEN_SIGNUP) notFound();
  const { error } = await searchParams;
  return (
    <>
      <h1>Create an account</h1>
      <CredentialsForm action="/api/auth/register" submitLabel="Create account" error={formErrorMessage(error)} newPassword />
      <p>
        Already have one? <Link href="/login">Sign in</Link>.
      </p>
    </>
  );
}
