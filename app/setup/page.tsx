import { redirect } from "next/navigation";
import { CredentialsForm } from "@/app/_components/credentials-form";
import { hasUsers } from "@/lib/users";

export const dynamic = "force-dynamic";

/** First run: the first account of a new installation is its administrator. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (await hasUsers()) redirect("/login");
  const { error } = await searchParams;
  return (
    <>
      <h1>Create the admin account</h1>
      <p className="lead">This is a new installation. The account you create now administers it: it can add other people and see the job queues.</p>
      <CredentialsForm action="/api/auth/register" submitLabel="Create admin account" error={typeof error === "string" ? error : undefined} newPassword />
    </>
  );
}
