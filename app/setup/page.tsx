import { redirect } from "next/navigation";
import { CredentialsForm } from "@/app/_components/credentials-form";
import { formErrorMessage } from "@/lib/form-errors";
import { setupTokenMatches } from "@/lib/setup-token";
import { hasUsers } from "@/lib/users";

export const dynamic = "force-dynamic";

interface SetupPageProps {
  searchParams: Promise<{ error?: string | string[]; token?: string | string[] }>;
}

/** First run: the first account of a new installation is its administrator; it needs the link with the setup token. */
export default async function SetupPage({ searchParams }: SetupPageProps) {
  if (await hasUsers()) redirect("/login");
  const { error, token } = await searchParams;
  if (!setupTokenMatches(token)) {
    return (
      <>
        <h1>Create the admin account</h1>
        <p className="lead">This is a new installation. Its first account administers it, so it needs the one-time setup link.</p>
        <p>
          Open the link that <code>npm start</code> printed (it ends in <code>/setup?token=…</code>; the token is also in the
          file <code>data/setup-token</code>), or create the administrator on the server with{" "}
          <code>npm run user:create -- you@example.com --admin</code>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Create the admin account</h1>
      <p className="lead">This is a new installation. The account you create now administers it: it can add other people and see the job queues.</p>
      <CredentialsForm
        action="/api/auth/register"
        submitLabel="Create admin account"
        error={formErrorMessage(error)}
        newPassword
        setupToken={token as string}
      />
    </>
  );
}
