import type { Metadata } from "next";
import { ApiTokens } from "@/app/_components/api-tokens";
import { PasswordForm } from "@/app/_components/password-form";
import { Users } from "@/app/_components/users";
import { pageUser } from "@/lib/page-user";
import { listApiTokens, listUsers } from "@/lib/users";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings · Docsum" };

/** The user's API tokens and password and, for admins, the accounts of the installation. */
export default async function SettingsPage() {
  const user = await pageUser();
  const [tokens, users] = await Promise.all([listApiTokens(user.id), user.isAdmin ? listUsers() : Promise.resolve(null)]);
  return (
    <>
      <h1>Settings</h1>
      <p className="lead">Signed in as {user.email}{user.isAdmin ? " (administrator)" : ""}.</p>
      <ApiTokens initialTokens={tokens} />
      <PasswordForm />
      {users && <Users initialUsers={users} selfId={user.id} />}
    </>
  );
}
