/**
 * The findings of a security review, each as the attack it was: taking over a new installation
 * without its setup link, forms from another site, parallel password guessing, a page of another
 * origin listening to a victim's events, inline scripts, an account that must be contained.
 */
import { randomUUID } from "node:crypto";
import { readdir, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { request as httpRequest } from "node:http";
import { connect as tcpConnect } from "node:net";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ADMIN_PASSWORD, freshDatabase, startProcess, startStack, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, signIn } from "./client";

const baseURL = inject("baseURL");
const stackEnv = inject("stackEnv");
const storageDir = inject("storageDir");
const adminToken = inject("adminToken");

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** A POST of JSON from another address of this machine (all of 127.0.0.0/8 is loopback here). */
function postFrom(address: string, route: string, body: unknown): Promise<{ status: number; body: { error?: string } }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      `${baseURL}${route}`,
      { method: "POST", localAddress: address, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Connects a socket.io-client with a cookie and an Origin; resolves with the connected socket or the refusal's message. */
function connectWith(headers: Record<string, string>): Promise<{ socket?: Socket; refused?: string }> {
  return new Promise((resolve) => {
    const socket = io(baseURL, { transports: ["websocket"], extraHeaders: headers, reconnection: false });
    socket.once("connect", () => resolve({ socket }));
    socket.once("connect_error", (error) => {
      socket.close();
      resolve({ refused: error.message });
    });
  });
}

/** Resolves when the socket is disconnected by the server, or with false after `ms`. */
function disconnectedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (!socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("disconnect", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("a new installation", () => {
  let stack: Stack;

  beforeAll(async () => {
    const database = await freshDatabase("docsum_test_first_run");
    stack = await startStack({ DATABASE_URL: database, REDIS_URL: testRedisDatabase(7) }, { admin: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("cannot be taken over without the setup token, and its first run is told only on this machine", async () => {
    const health = await fetch(`${stack.baseURL}/api/health`);
    expect(await health.json()).toMatchObject({ ok: true, firstRun: true });
    for (const setupToken of [undefined, "", "a-wrong-token-of-some-length"]) {
      const response = await fetch(`${stack.baseURL}/api/auth/register`, json({ email: "thief@example.com", password: "long enough password", setupToken }));
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatch(/setup link/);
    }
    // The setup page shows no form without the link's token.
    const page = await (await fetch(`${stack.baseURL}/setup`)).text();
    expect(page).toContain("Open the link that");
    expect(page).not.toContain('name="password"');
  });

  it("gives documents uploaded before accounts existed to the first admin made with user:create", async () => {
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const id = randomUUID();
      await db.query(
        `INSERT INTO "Document" ("id", "ownerId", "title", "filename", "mimeType", "size", "sha256", "storageKey", "status", "updatedAt")
         VALUES ($1, 'local', 'Before accounts', 'before.txt', 'text/plain', 10, $2, $3, 'done', now())`,
        [id, randomUUID(), randomUUID()],
      );
      const child = startProcess("user-create", "scripts/user-create.ts", { ...stack.env, USER_PASSWORD: "first admin password" }, ["first@example.com", "--admin"]);
      expect(await new Promise((resolve) => child.once("exit", resolve))).toBe(0);
      const { rows } = await db.query<{ ownerId: string; email: string }>(
        `SELECT d."ownerId", u.email FROM "Document" d JOIN "User" u ON u.id::text = d."ownerId" WHERE d.id = $1`,
        [id],
      );
      expect(rows).toEqual([{ ownerId: expect.any(String), email: "first@example.com" }]);
      // And the first-run door is shut.
      const late = await fetch(`${stack.baseURL}/api/auth/register`, json({ email: "late@example.com", password: "long enough password", setupToken: stack.env.SETUP_TOKEN }));
      expect(late.status).toBe(403);
    } finally {
      await db.end();
    }
  });
});

describe("requests from another site", () => {
  it("refuses sign-in and registration forms posted from another origin", async () => {
    for (const route of ["/api/auth/login", "/api/auth/register"]) {
      const response = await fetch(`${baseURL}${route}`, json({ email: "admin@example.com", password: ADMIN_PASSWORD }, { origin: "https://evil.example" }));
      expect({ route, status: response.status }).toEqual({ route, status: 403 });
    }
    // Scripts send no Origin and pass, as before.
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email: "admin@example.com", password: ADMIN_PASSWORD }))).status).toBe(200);
  });

  it("refuses a socket signed in by the cookie from another origin, and takes it from this one", async () => {
    const cookie = await signIn(baseURL, "admin@example.com", ADMIN_PASSWORD);
    const foreign = await connectWith({ cookie, origin: "http://127.0.0.1:1" });
    expect(foreign.refused).toBe("This connection came from another site.");
    const own = await connectWith({ cookie, origin: baseURL });
    expect(own.socket?.connected).toBe(true);
    own.socket?.close();
  });

  it("refuses the queue dashboard's changes from another origin", async () => {
    const cookie = await signIn(baseURL, "admin@example.com", ADMIN_PASSWORD);
    const response = await fetch(`${baseURL}/admin/queues/api/queues/ingest/clean/completed`, {
      method: "PUT",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
  });
});

describe("sign-in limits", () => {
  it("counts 30 parallel wrong guesses against the limit before checking any, and never locks the owner out from elsewhere", async () => {
    const email = `target-${randomUUID().slice(0, 8)}@example.com`;
    const target = await createAccount(baseURL, email);
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postFrom("127.0.0.3", "/api/auth/login", { email, password: `guess number ${i}` })),
    );
    const statuses = guesses.map((guess) => guess.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    // The right password from the owner's own address still works.
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email, password: "another correct horse" }))).status).toBe(200);
    expect(target.id).toEqual(expect.any(String));
  });

  it("holds back one address that tries many emails", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 55; i++) statuses.push((await postFrom("127.0.0.4", "/api/auth/login", { email: `spray-${i}-${randomUUID()}@example.com`, password: "x" })).status);
    expect(statuses.slice(0, 50).every((status) => status === 401)).toBe(true);
    const held = await postFrom("127.0.0.4", "/api/auth/login", { email: "admin@example.com", password: ADMIN_PASSWORD });
    expect(held.status).toBe(429);
    expect(held.body.error).toMatch(/from your address/);
  });
});

describe("pages", () => {
  it("allow only this site's scripts and those carrying the response's nonce", async () => {
    const cookie = await signIn(baseURL, "admin@example.com", ADMIN_PASSWORD);
    const response = await fetch(`${baseURL}/`, { headers: { cookie } });
    const policy = response.headers.get("content-security-policy")!;
    const scripts = policy.split(";").map((part) => part.trim()).find((part) => part.startsWith("script-src"))!;
    expect(scripts).not.toContain("'unsafe-inline'");
    const nonce = /'nonce-([^']+)'/.exec(scripts)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/connect-src[^;]*ws:/);
    const html = await response.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    // A second answer has another nonce.
    const again = (await fetch(`${baseURL}/`, { headers: { cookie } })).headers.get("content-security-policy")!;
    expect(again).not.toContain(nonce!);
  });

  it("show only known messages for ?error=, never the text of a link", async () => {
    const html = await (await fetch(`${baseURL}/login?error=Your%20account%20is%20suspended.%20Call%20us`)).text();
    expect(html).not.toContain("Your account is suspended");
    expect(html).toContain("That did not work. Please try again.");
    expect(await (await fetch(`${baseURL}/login?error=wrong`)).text()).toContain("The email or the password is wrong.");
  });
});

describe("containing an account", () => {
  it("ends every other session when the password changes, and closes their sockets", async () => {
    const email = `changer-${randomUUID().slice(0, 8)}@example.com`;
    await createAccount(baseURL, email);
    const mine = await signIn(baseURL, email, "another correct horse");
    const stolen = await signIn(baseURL, email, "another correct horse");
    const listening = (await connectWith({ cookie: stolen, origin: baseURL })).socket!;
    const changed = await fetch(`${baseURL}/api/auth/password`, json({ currentPassword: "another correct horse", newPassword: "a brand new password" }, { cookie: mine, origin: baseURL }));
    expect(changed.status).toBe(204);
    expect(await disconnectedWithin(listening, 5_000)).toBe(true);
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie: stolen } })).status).toBe(401);
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie: mine } })).status).toBe(200);
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email, password: "another correct horse" }))).status).toBe(401);
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email, password: "a brand new password" }))).status).toBe(200);
    const wrong = await fetch(`${baseURL}/api/auth/password`, json({ currentPassword: "not it", newPassword: "yet another password" }, { cookie: mine }));
    expect(wrong.status).toBe(403);
  });

  it("stops a disabled person's sessions, tokens and sockets at once, and lets them back when enabled", async () => {
    const person = await createAccount(baseURL, `disabled-${randomUUID().slice(0, 8)}@example.com`);
    const listening = (await connectWith({ cookie: person.cookie, origin: baseURL })).socket!;
    const disable = await api(baseURL, `/api/users/${person.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ disabled: true }) });
    expect(disable.status).toBe(200);
    expect((await disable.json()).user).toMatchObject({ id: person.id, disabled: true });
    expect(await disconnectedWithin(listening, 5_000)).toBe(true);
    expect((await api(baseURL, "/api/auth/me", {}, person.token)).status).toBe(401);
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie: person.cookie } })).status).toBe(401);
    await api(baseURL, `/api/users/${person.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ disabled: false }) });
    expect((await api(baseURL, "/api/auth/me", {}, person.token)).status).toBe(200);
    // An administrator cannot disable or remove their own account.
    const me = (await (await api(baseURL, "/api/auth/me")).json()) as { user: { id: string } };
    expect((await api(baseURL, `/api/users/${me.user.id}`, { method: "DELETE" })).status).toBe(409);
  });

  it("removes a person with their documents", async () => {
    const person = await createAccount(baseURL, `removed-${randomUUID().slice(0, 8)}@example.com`);
    const form = new FormData();
    form.append("files", new Blob([`A note of ${randomUUID()}.`]), "note.txt");
    const uploaded = await api(baseURL, "/api/documents", { method: "POST", body: form }, person.token);
    const documentId = ((await uploaded.json()) as { documents: { id: string }[] }).documents[0].id;
    expect((await api(baseURL, `/api/users/${person.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(baseURL, "/api/auth/me", {}, person.token)).status).toBe(401);
    const db = new pg.Client({ connectionString: stackEnv.DATABASE_URL });
    await db.connect();
    try {
      expect((await db.query(`SELECT 1 FROM "Document" WHERE id = $1`, [documentId])).rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });

  it("expires a token at its date, closing its sockets", async () => {
    const email = `expiring-${randomUUID().slice(0, 8)}@example.com`;
    const person = await createAccount(baseURL, email);
    const made = await fetch(`${baseURL}/api/tokens`, json({ name: "a day", expiresInDays: 1 }, { cookie: person.cookie }));
    expect(made.status).toBe(201);
    const { token, info } = (await made.json()) as { token: string; info: { id: string; expiresAt: string } };
    expect(Date.parse(info.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const socket = (await connectWith({ authorization: `Bearer ${token}` })).socket!;
    expect(socket.connected).toBe(true);
    const db = new pg.Client({ connectionString: stackEnv.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [info.id]);
    } finally {
      await db.end();
    }
    expect((await api(baseURL, "/api/auth/me", {}, token)).status).toBe(401);
    // The periodic check (every second in tests) closes the expired token's live connection.
    expect(await disconnectedWithin(socket, 5_000)).toBe(true);
  });
});

describe("uploads that never finish", () => {
  const BOUNDARY = "----unfinished";
  const head = (name: string) =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`;

  /** Sends a request over a raw socket: `declared` as Content-Length, `body` as what is actually sent, then `end` or a reset. */
  function rawUpload(body: string, declared: number, finish: "close" | "reset"): Promise<string> {
    const url = new URL(baseURL);
    return new Promise((resolve) => {
      const socket = tcpConnect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /api/documents HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${adminToken}\r\n` +
            `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n`,
        );
        socket.write(body);
        if (finish === "reset") setTimeout(() => socket.resetAndDestroy(), 300);
      });
      let answer = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => (answer += chunk));
      socket.on("close", () => resolve(answer));
      socket.on("error", () => undefined);
    });
  }

  /** The stored files (and partial files) in the stack's storage folder. */
  const stored = async () => (await readdir(storageDir).catch(() => [] as string[])).filter((name) => !name.startsWith("."));

  async function expectNothingLeft(before: string[]) {
    await expect.poll(async () => (await stored()).filter((name) => !before.includes(name)), { timeout: 10_000 }).toEqual([]);
  }

  it("keeps nothing of an upload whose client goes away in the middle of a file", async () => {
    const before = await stored();
    const partial = head(`gone-${randomUUID()}.txt`) + "x".repeat(200_000);
    await rawUpload(partial, partial.length + 5_000_000, "reset");
    await expectNothingLeft(before);
    // The next upload works.
    const form = new FormData();
    form.append("files", new Blob([`After the abort ${randomUUID()}.`]), "after.txt");
    expect((await api(baseURL, "/api/documents", { method: "POST", body: form })).status).toBe(202);
  });

  it("sweeps stored files no document owns and partial files, once they are an hour old, keeping documents' files", async () => {
    const form = new FormData();
    form.append("files", new Blob([`Kept by its document ${randomUUID()}.`]), "kept.txt");
    const kept = ((await (await api(baseURL, "/api/documents", { method: "POST", body: form })).json()) as { documents: { id: string }[] }).documents[0].id;
    const db = new pg.Client({ connectionString: stackEnv.DATABASE_URL });
    await db.connect();
    const keptKey = (await db.query<{ storageKey: string }>(`SELECT "storageKey" FROM "Document" WHERE id = $1`, [kept])).rows[0].storageKey;
    await db.end();
    const orphan = randomUUID();
    const partial = `${randomUUID()}.${randomUUID()}.partial`;
    const young = randomUUID();
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const name of [orphan, partial, young]) await writeFile(path.join(storageDir, name), "left behind");
    for (const name of [orphan, partial, keptKey]) await utimes(path.join(storageDir, name), twoHoursAgo, twoHoursAgo);

    const redis = new Redis(stackEnv.REDIS_URL, { maxRetriesPerRequest: null });
    const maintenance = new Queue("maintenance", { connection: redis, prefix: stackEnv.QUEUE_PREFIX });
    try {
      await maintenance.add("sweep", {});
      await expect.poll(async () => (await stored()).filter((name) => name === orphan || name === partial), { timeout: 15_000 }).toEqual([]);
    } finally {
      await maintenance.close();
      await redis.quit();
    }
    // A document's file and a file younger than an hour (an upload in progress) stay.
    expect((await stat(path.join(storageDir, keptKey))).isFile()).toBe(true);
    expect((await stat(path.join(storageDir, young))).isFile()).toBe(true);
  });

  it("answers 400 and keeps nothing when the body ends inside a part", async () => {
    const before = await stored();
    const truncated = head(`cut-${randomUUID()}.txt`) + "a file whose closing boundary never comes ".repeat(2000);
    const answer = await rawUpload(truncated, truncated.length, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await expectNothingLeft(before);
  });
});
