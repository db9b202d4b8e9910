"use client";

import { useState, type FormEvent } from "react";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** Changing one's own password; every other session of the account ends. */
export function PasswordForm() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function change(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setDone(false);
    try {
      await requestJson("/api/auth/password", {
        method: "POST",
        json: { currentPassword: data.get("currentPassword"), newPassword: data.get("newPassword") },
      });
      setDone(true);
      form.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <ErrorAlert message={error} />
      {done && (
        <p role="status" className="notice">
          Password changed. Every other session of this account has ended.
        </p>
      )}
      <form onSubmit={change} className="inline-form" aria-label="Change password">
        <label>
          Current password
          <input type="password" name="currentPassword" required maxLength={256} autoComplete="current-password" />
        </label>
        <label>
          New password
          <input type="password" name="newPassword" required minLength={8} maxLength={256} autoComplete="new-password" />
        </label>
        <button type="submit" className="button">
          Change password
        </button>
      </form>
    </section>
  );
}
