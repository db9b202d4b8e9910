"use client";

import { useState, type FormEvent } from "react";
import { formatBytes } from "@/lib/format";
import type { UserInfo } from "@/lib/users";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** The installation's accounts, each of the others made an administrator or not, disabled, enabled, given a new password or removed on request, and a form to add one (admins only). */
export function Users({ initialUsers, selfId }: { initialUsers: UserInfo[]; selfId: string }) {
  const [users, setUsers] = useState(initialUsers);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [reset, setReset] = useState<string | null>(null);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setAdded(null);
    setReset(null);
    try {
      const { user } = await requestJson<{ user: UserInfo }>("/api/users", {
        method: "POST",
        json: { email: data.get("email"), password: data.get("password"), admin: data.get("admin") === "on" },
      });
      setUsers((list) => [...list, user]);
      setAdded(user.email);
      form.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function change(user: UserInfo, json: { disabled?: boolean; storageQuotaBytes?: number | null; admin?: boolean; password?: string }): Promise<boolean> {
    setError(null);
    setAdded(null);
    try {
      const { user: updated } = await requestJson<{ user: UserInfo }>(`/api/users/${user.id}`, { method: "PATCH", json });
      setUsers((list) => list.map((u) => (u.id === user.id ? updated : u)));
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  }

  /** The reset form: a new password for someone who lost theirs; they sign in with it from now on. */
  async function resetPassword(user: UserInfo, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = String(new FormData(form).get("password") ?? "");
    if (await change(user, { password })) {
      form.reset();
      setAdded(null);
      setReset(user.email);
    }
  }

  /** The quota form: megabytes, or empty for the installation's default. */
  function saveQuota(user: UserInfo, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const megabytes = String(new FormData(event.currentTarget).get("quota") ?? "").trim();
    void change(user, { storageQuotaBytes: megabytes === "" ? null : Math.round(Number(megabytes) * 1024 * 1024) });
  }

  async function remove(user: UserInfo) {
    if (!window.confirm(`Remove ${user.email} and all their documents? This cannot be undone.`)) return;
    setError(null);
    try {
      await requestJson(`/api/users/${user.id}`, { method: "DELETE" });
      setUsers((list) => list.filter((u) => u.id !== user.id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">People</h2>
      <ErrorAlert message={error} />
      {added && <p role="status" className="notice">Added {added}. Give them their password; they can sign in now.</p>}
      {reset && (
        <p role="status" className="notice">
          New password set for {reset}. Their sessions have ended; give them the new password.
        </p>
      )}
      <ul className="people">
        {users.map((user) => (
          <li key={user.id} className="person">
            <span>
              {user.email}
              {user.isAdmin ? " (administrator)" : ""}
              {user.disabled ? " (disabled)" : ""}
              <span className="muted" data-testid="storage-use">
                {" · "}
                {formatBytes(user.storageUsedBytes)} stored
                {user.effectiveQuotaBytes === null ? "" : ` of ${formatBytes(user.effectiveQuotaBytes)}`}
              </span>
            </span>
            <form className="inline-form" aria-label={`Storage quota of ${user.email}`} onSubmit={(event) => saveQuota(user, event)}>
              <label>
                Quota (MB)
                <input
                  type="number"
                  name="quota"
                  min="0.1"
                  step="any"
                  placeholder="default"
                  defaultValue={user.storageQuotaBytes === null ? "" : String(Math.round((user.storageQuotaBytes / (1024 * 1024)) * 10) / 10)}
                />
              </label>
              <button type="submit" className="button button-secondary">
                Save quota
              </button>
            </form>
            {user.id === selfId ? null : (
              <span className="person-actions">
                <button type="button" className="button button-secondary" onClick={() => void change(user, { admin: !user.isAdmin })}>
                  {user.isAdmin ? `Make ${user.email} an ordinary user` : `Make ${user.email} an administrator`}
                </button>
                <button type="button" className="button button-secondary" onClick={() => void change(user, { disabled: !user.disabled })}>
                  {user.disabled ? `Enable ${user.email}` : `Disable ${user.email}`}
                </button>
                <button type="button" className="button button-danger" onClick={() => void remove(user)}>
                  Remove {user.email}
                </button>
              </span>
            )}
            {user.id === selfId ? null : (
              <form className="inline-form" aria-label={`Reset the password of ${user.email}`} onSubmit={(event) => void resetPassword(user, event)}>
                <label>
                  New password
                  <input type="password" name="password" required minLength={8} maxLength={256} autoComplete="new-password" />
                </label>
                <button type="submit" className="button button-secondary">
                  Reset password
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="inline-form" aria-label="Add a person">
        <label>
          Email
          <input type="email" name="email" required maxLength={254} autoComplete="off" />
        </label>
        <label>
          Password
          <input type="password" name="password" required minLength={8} maxLength={256} autoComplete="new-password" />
        </label>
        <label className="checkbox-label">
          <input type="checkbox" name="admin" /> Administrator
        </label>
        <button type="submit" className="button">
          Add person
        </button>
      </form>
    </section>
  );
}
