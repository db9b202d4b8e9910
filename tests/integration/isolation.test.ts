/**
 * Two people on one installation: every endpoint and every Socket.IO action, tried with the other
 * person's ids and with no credentials. Another owner's document answers 404 (never 403), so ids
 * cannot be probed; no credentials answer 401; nothing leaks into lists, search, similar documents
 * or events.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, createAccount, getDocument, listDocuments, ProgressWatcher, upload } from "./client";

const baseURL = inject("baseURL");
const adminToken = inject("adminToken");

/** Text about one topic, unique to this run (identical content would be a duplicate). */
function note(topic: string): { name: string; data: string; type: string } {
  const id = randomUUID();
  return {
    name: `${topic}-${id}.txt`,
    data: `Notes on ${topic} (${id}). The ${topic} team met on Monday. The ${topic} budget grows next year. Everyone agreed the ${topic} plan is sound.`,
    type: "text/plain",
  };
}

let alice: { id: string; token: string; cookie: string };
let bob: { id: string; token: string; cookie: string };
let aliceWatcher: ProgressWatcher;
let bobWatcher: ProgressWatcher;
let aliceDoc: string;
let bobDoc: string;
let aliceFile: { name: string; data: string; type: string };

beforeAll(async () => {
  alice = await createAccount(baseURL, `alice-${randomUUID().slice(0, 8)}@example.com`, adminToken);
  bob = await createAccount(baseURL, `bob-${randomUUID().slice(0, 8)}@example.com`, adminToken);
  aliceWatcher = await ProgressWatcher.connect(baseURL, alice.token);
  bobWatcher = await ProgressWatcher.connect(baseURL, bob.token);
  // Both write about the same topic, so each would be the other's nearest neighbour if owners mixed.
  aliceFile = note("lighthouse");
  const a = await upload(baseURL, [aliceFile], alice.token);
  const b = await upload(baseURL, [note("lighthouse")], bob.token);
  expect([a.status, b.status]).toEqual([202, 202]);
  aliceDoc = a.body.documents![0].id;
  bobDoc = b.body.documents![0].id;
  await aliceWatcher.waitForFinal([aliceDoc]);
  await bobWatcher.waitForFinal([bobDoc]);
});

afterAll(() => {
  aliceWatcher?.close();
  bobWatcher?.close();
});

/** Every document endpoint, as [label, method, path]. */
function documentEndpoints(id: string): [string, string, string][] {
  return [
    ["read", "GET", `/api/documents/${id}`],
    ["download", "GET", `/api/documents/${id}/file`],
    ["cancel", "POST", `/api/documents/${id}/cancel`],
    ["retry", "POST", `/api/documents/${id}/retry`],
    ["reprocess", "POST", `/api/documents/${id}/reprocess`],
    ["delete", "DELETE", `/api/documents/${id}`],
  ];
}

describe("the REST API", () => {
  it("answers another owner's document with 404 on every endpoint, exactly as an unknown id", async () => {
    for (const [label, method, route] of [...documentEndpoints(aliceDoc), ...documentEndpoints(randomUUID())]) {
      const response = await api(baseURL, route, { method }, bob.token);
      expect({ label, status: response.status }).toEqual({ label, status: 404 });
      expect(await response.json()).toEqual({ error: "Document not found" });
    }
    // Nothing happened to it: still done, its file still downloadable by its owner.
    expect((await getDocument(baseURL, aliceDoc, alice.token)).body.status).toBe("done");
    const file = await api(baseURL, `/api/documents/${aliceDoc}/file`, {}, alice.token);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(await file.text()).toBe(aliceFile.data);
  });

  it("answers 401 without credentials or with a wrong token, and keeps nothing", async () => {
    const routes: [string, string][] = [
      ["GET", "/api/documents"],
      ["POST", "/api/documents"],
      ["GET", "/api/auth/me"],
      ["GET", "/api/tokens"],
      ["POST", "/api/tokens"],
      ["DELETE", `/api/tokens/${randomUUID()}`],
      ["GET", "/api/users"],
      ["POST", "/api/users"],
      ...documentEndpoints(aliceDoc).map(([, method, route]) => [method, route] as [string, string]),
    ];
    for (const token of [null, "dsk_not-a-real-token", "garbage"]) {
      for (const [method, route] of routes) {
        const response = await api(baseURL, route, { method }, token);
        expect({ method, route, token, status: response.status }).toEqual({ method, route, token, status: 401 });
        expect((await response.json()).error).toMatch(/^Sign in/);
      }
    }
    const refused = await upload(baseURL, [note("intruder")], null);
    expect(refused.status).toBe(401);
    expect(await listDocuments(baseURL, alice.token)).toHaveLength(1);
  });

  it("lists, searches and compares only the owner's own documents", async () => {
    expect((await listDocuments(baseURL, bob.token)).map((d) => d.id)).toEqual([bobDoc]);
    expect((await listDocuments(baseURL, alice.token)).map((d) => d.id)).toEqual([aliceDoc]);
    const search = await api(baseURL, `/api/documents?q=lighthouse`, {}, bob.token);
    expect(((await search.json()) as { documents: { id: string }[] }).documents.map((d) => d.id)).toEqual([bobDoc]);
    // Each is the only document of its owner's library, so neither has similar documents.
    expect((await getDocument(baseURL, aliceDoc, alice.token)).body.similar).toEqual([]);
    expect((await getDocument(baseURL, bobDoc, bob.token)).body.similar).toEqual([]);
  });

  it("detects duplicates per owner: the same file is new to another person", async () => {
    const copy = await upload(baseURL, [aliceFile], bob.token);
    expect(copy.status).toBe(202);
    const [doc] = copy.body.documents!;
    expect(doc.duplicate).toBeUndefined();
    expect(doc.id).not.toBe(aliceDoc);
    await bobWatcher.waitForFinal([doc.id]);
    const again = await upload(baseURL, [aliceFile], alice.token);
    expect(again.body.documents![0]).toMatchObject({ id: aliceDoc, duplicate: true });
    // Bob's copy is similar to his own note, never to Alice's original.
    const similar = (await getDocument(baseURL, doc.id, bob.token)).body.similar.map((s) => s.id);
    expect(similar).toEqual([bobDoc]);
  });

  it("keeps tokens and accounts to their owners and to admins", async () => {
    const tokens = await api(baseURL, "/api/tokens", {}, alice.token);
    const [aliceToken] = ((await tokens.json()) as { tokens: { id: string }[] }).tokens;
    const revoke = await api(baseURL, `/api/tokens/${aliceToken.id}`, { method: "DELETE" }, bob.token);
    expect(revoke.status).toBe(404);
    expect((await api(baseURL, "/api/auth/me", {}, alice.token)).status).toBe(200);

    for (const [method, route] of [["GET", "/api/users"], ["POST", "/api/users"], ["GET", "/admin/queues/api/queues"]]) {
      const response = await api(baseURL, route, { method, headers: { accept: "application/json" } }, bob.token);
      expect({ route, status: response.status }).toEqual({ route, status: 403 });
    }
    expect((await api(baseURL, "/admin/queues/api/queues", { headers: { accept: "application/json" } }, null)).status).toBe(401);
    expect((await api(baseURL, "/admin/queues/api/queues", {}, adminToken)).status).toBe(200);
  });

  it("refuses a change made with a session cookie from another site", async () => {
    const response = await fetch(`${baseURL}/api/documents/${bobDoc}/reprocess`, {
      method: "POST",
      headers: { cookie: bob.cookie, origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe("This request came from another site.");
    const sameSite = await fetch(`${baseURL}/api/documents`, { headers: { cookie: bob.cookie } });
    expect(sameSite.status).toBe(200);
  });
});

describe("pages", () => {
  it("send a visitor without a session to sign in, and show another owner's document as not found", async () => {
    const home = await fetch(`${baseURL}/`, { redirect: "manual" });
    expect(home.status).toBe(307);
    expect(home.headers.get("location")).toMatch(/\/login$/);
    const foreign = await fetch(`${baseURL}/documents/${aliceDoc}`, { headers: { cookie: bob.cookie } });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain("lighthouse");
    const own = await fetch(`${baseURL}/documents/${aliceDoc}`, { headers: { cookie: alice.cookie } });
    expect(own.status).toBe(200);
  });

  it("carry the security headers", async () => {
    for (const route of ["/", "/login", "/api/health", `/documents/${aliceDoc}`]) {
      const response = await fetch(`${baseURL}${route}`, { headers: { cookie: alice.cookie }, redirect: "manual" });
      expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
  });
});

describe("Socket.IO", () => {
  it("refuses a connection without a valid session or token", async () => {
    await expect(ProgressWatcher.connect(baseURL, null)).rejects.toThrow(/Sign in/);
    await expect(ProgressWatcher.connect(baseURL, "dsk_forged")).rejects.toThrow(/Sign in/);
  });

  it("delivers each owner's events to that owner only", async () => {
    const a = await upload(baseURL, [note("harbour")], alice.token);
    const id = a.body.documents![0].id;
    await aliceWatcher.waitForFinal([id]);
    expect(aliceWatcher.last(id)?.status).toBe("done");
    expect(bobWatcher.events.has(id)).toBe(false);
    expect(bobWatcher.events.has(aliceDoc)).toBe(false);
    expect(aliceWatcher.events.has(bobDoc)).toBe(false);
  });

  it("closes a connection when its token is revoked", async () => {
    const made = await api(baseURL, "/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "live" }) }, bob.token);
    const { token, info } = (await made.json()) as { token: string; info: { id: string } };
    const live = await ProgressWatcher.connect(baseURL, token);
    const closed = live.closedByServer();
    expect((await api(baseURL, `/api/tokens/${info.id}`, { method: "DELETE" }, bob.token)).status).toBe(204);
    expect(await closed).toBe("io server disconnect");
    await expect(ProgressWatcher.connect(baseURL, token)).rejects.toThrow(/Sign in/);
    live.close();
  });

  it("refuses to follow another owner's document, and malformed ids", async () => {
    expect(await bobWatcher.follow(aliceDoc)).toEqual({ ok: false, error: "Document not found" });
    expect(await bobWatcher.follow("../../etc/passwd")).toEqual({ ok: false, error: "That is not a document id." });
    expect(await bobWatcher.follow({ $ne: null })).toEqual({ ok: false, error: "That is not a document id." });
    expect(await aliceWatcher.follow(aliceDoc)).toMatchObject({ ok: true, document: { id: aliceDoc, status: "done", progress: 100 } });
  });
});

describe("malformed requests", () => {
  it("answer 400 with a message, never 500", async () => {
    const cases: [string, string, RequestInit][] = [
      ["POST", "/api/tokens", { body: "{", headers: { "content-type": "application/json" } }],
      ["POST", "/api/tokens", { body: JSON.stringify({ name: "" }), headers: { "content-type": "application/json" } }],
      ["POST", "/api/tokens", { body: JSON.stringify({ name: ["x"] }), headers: { "content-type": "application/json" } }],
      ["POST", "/api/users", { body: JSON.stringify({ email: "not-an-email", password: "long enough" }), headers: { "content-type": "application/json" } }],
      ["POST", `/api/documents/${aliceDoc}/reprocess`, { body: JSON.stringify({ at: 42 }), headers: { "content-type": "application/json" } }],
      ["POST", `/api/documents/${aliceDoc}/reprocess`, { body: JSON.stringify({ at: null, extra: 1 }), headers: { "content-type": "application/json" } }],
      ["GET", "/api/documents?q=a&sort=evil", {}],
      ["GET", `/api/documents?q=${"x".repeat(500)}`, {}],
      ["GET", "/api/documents/%2e%2e%2fetc", {}],
      ["DELETE", "/api/tokens/1%20OR%201=1", {}],
      ["POST", "/api/auth/login", { body: JSON.stringify({ email: 1 }), headers: { "content-type": "application/json" } }],
    ];
    for (const [method, route, init] of cases) {
      const response = await api(baseURL, route, { method, ...init }, adminToken);
      expect({ method, route, status: response.status }).toEqual({ method, route, status: 400 });
      expect(typeof (await response.json()).error).toBe("string");
    }
  });
});
