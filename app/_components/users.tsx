"use client";

import { useState, type FormEvent } from "react";
import type { UserInfo } from "@/lib/users";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** The installation's accounts, and a form to add one (admins only). */
export function Users({ initialUsers }: { initialUsers: UserInfo[] }) {
  const [users, setUsers] = useState(initialUsers);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setAdded(null);
    try {
      const { user } = await requestJson<{ user: UserInfo }>("/api/users", {
        method: "POST",
        json: { email: data.get("email"), password: data.get("password"), admin: data.get("admin") === "on" },
      });
      setUsers((list) => [...list, { ...user, createdAt: new Date().toISOString() }]);
      setAdded(user.email);
      form.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">People</h2>
      <ErrorAlert message={error} />
      {added && <p role="status" className="notice">Added {added}. Give them their password; they can sign in now.</p>}
      <ul>
        {users.map((user) => (
          <li key={user.id}>
            {user.email}
            {user.isAdmin ? " (administrator)" : ""}
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
