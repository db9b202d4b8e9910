"use client";

import { useState, type FormEvent } from "react";
import type { ApiTokenInfo } from "@/lib/users";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";
import { LocalTime } from "./local-time";


function DateCell({ iso }: { iso: string | null }) {
  return iso ? <LocalTime iso={iso} /> : <>never</>;
}

/** Create and revoke API tokens; a new token's secret is shown once. */
export function ApiTokens({ initialTokens }: { initialTokens: ApiTokenInfo[] }) {
  const [tokens, setTokens] = useState(initialTokens);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

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
      setCopied(false);
      form.reset();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function revoke(token: ApiTokenInfo) {
    setError(null);
    setConfirming(null);
    try {
      await requestJson("/api/tokens/" + token.id, { method: "DELETE" });
      setTokens((list) => list.filter((t) => t.id !== token.id));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function copy(token: string) {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setError("The browser did not allow copying: select the token and copy it by hand.");
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
          <p className="copy-row">
            <button type="button" className="button button-secondary" onClick={() => void copy(created.token)}>
              Copy token
            </button>
            <span aria-live="polite">{copied ? "Copied to the clipboard." : ""}</span>
          </p>
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
        <div className="stack-table">
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
                <td data-label="Name">{token.name}</td>
                <td data-label="Starts with">
                  <code>{token.prefix}…</code>
                </td>
                <td data-label="Created">
                  <DateCell iso={token.createdAt} />
                </td>
                <td data-label="Last used">
                  <DateCell iso={token.lastUsedAt} />
                </td>
                <td data-label="Expires">
                  <DateCell iso={token.expiresAt} />
                </td>
                <td data-label="">
                  {confirming === token.id ? (
                    <span className="confirm-row" role="group" aria-label={`Revoke ${token.name}?`}>
                      <span>Revoke it? Scripts using it stop at once.</span>
                      <button type="button" className="button button-danger" onClick={() => void revoke(token)} aria-label={`Yes, revoke ${token.name}`}>
                        Yes, revoke
                      </button>
                      <button type="button" className="button button-secondary" onClick={() => setConfirming(null)} aria-label={`Keep ${token.name}`}>
                        Keep it
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button button-danger" onClick={() => setConfirming(token.id)} aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
