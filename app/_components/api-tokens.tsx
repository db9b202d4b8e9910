"use client";

import { useState, type FormEvent } from "react";
import type { ApiTokenInfo } from "@/lib/users";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatDate = (iso: string | null) => (iso ? `${DATE_FORMAT.format(new Date(iso))} UTC` : "never");

/** Create and revoke API tokens; a new token's secret is shown once. */
export function ApiTokens({ initialTokens }: { initialTokens: ApiTokenInfo[] }) {
  const [tokens, setTokens] = useState(initialTokens);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "");
    const expiresInDays = data.get("expiresInDays") ? Number(data.get("expiresInDays")) : undefined;
    setError(null);
    try {
      const { token, info } = await requestJson<{ token: string; info: ApiTokenInfo }>("/api/tokens", { method: "POST", json: { name, expiresInDays } });
      setTokens((list) => [info, ...list]);
      setCreated({ name: info.name, token });
      form.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function revoke(token: ApiTokenInfo) {
    setError(null);
    try {
      await requestJson("/api/tokens/" + token.id, { method: "DELETE" });
      setTokens((list) => list.filter((t) => t.id !== token.id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p>
        Scripts use a token as <code>Authorization: Bearer &lt;token&gt;</code>, and Socket.IO clients as <code>auth: {"{ token }"}</code>.
      </p>
      <ErrorAlert message={error} />
      {created && (
        <div className="notice" role="status">
          <p>
            Your new token “{created.name}”. Copy it now: it will not be shown again.
          </p>
          <code className="token-secret" data-testid="new-token">
            {created.token}
          </code>
        </div>
      )}
      <form onSubmit={create} className="inline-form">
        <label>
          Token name
          <input type="text" name="name" required maxLength={100} placeholder="e.g. nightly import" />
        </label>
        <label>
          Expires
          <select name="expiresInDays" defaultValue="">
            <option value="">Never</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
          </select>
        </label>
        <button type="submit" className="button">
          Create token
        </button>
      </form>
      {tokens.length === 0 ? (
        <p className="empty-note">No tokens yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{formatDate(token.createdAt)}</td>
                <td>{formatDate(token.lastUsedAt)}</td>
                <td>{token.expiresAt ? formatDate(token.expiresAt) : "never"}</td>
                <td>
                  <button type="button" className="button button-danger" onClick={() => void revoke(token)} aria-label={`Revoke ${token.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
