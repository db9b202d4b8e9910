/**
 * Accounts over HTTP and from the command line: closed sign-up, sign-in and sign-out, the session
 * cookie's attributes, and `npm run user:create` printing a working token on its last line.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { ADMIN_PASSWORD, startProcess } from "../harness";
import { api, createAccount, signIn } from "./client";

const baseURL = inject("baseURL");
const stackEnv = inject("stackEnv");

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Runs `npm run user:create` (its script) with arguments; its exit code and output lines. */
async function userCreate(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; lines: string[]; errors: string }> {
  const child = startProcess("user-create", "scripts/user-create.ts", { ...stackEnv, ...env }, args);
  let output = "";
  let errors = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, lines: output.trim().split("\n"), errors };
}

describe("signing up and in", () => {
  it("refuses sign-up once the admin exists, while open sign-up is off", async () => {
    const response = await fetch(`${baseURL}/api/auth/register`, json({ email: `new-${randomUUID()}@example.com`, password: "long enough password" }));
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe("Sign-up is closed: ask an administrator for an account.");
    const page = await fetch(`${baseURL}/signup`);
    expect(page.status).toBe(404);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    for (const email of ["admin@example.com", `nobody-${randomUUID()}@example.com`]) {
      const response = await fetch(`${baseURL}/api/auth/login`, json({ email, password: "wrong password" }));
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe("The email or the password is wrong.");
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("holds an email back with 429 and Retry-After after too many failed sign-ins", async () => {
    const email = `guessed-${randomUUID().slice(0, 8)}@example.com`;
    const { code } = await userCreate([email], { USER_PASSWORD: "the right password" });
    expect(code).toBe(0);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await fetch(`${baseURL}/api/auth/login`, json({ email, password: `guess ${attempt}` }));
      expect(response.status).toBe(401);
    }
    // Even the right password now waits for the window to end.
    const held = await fetch(`${baseURL}/api/auth/login`, json({ email, password: "the right password" }));
    expect(held.status).toBe(429);
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThan(800);
    expect((await held.json()).error).toMatch(/^Too many failed sign-ins for this email\. Try again in 1[45] minute/);
    // Another email is not affected.
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email: "admin@example.com", password: ADMIN_PASSWORD }))).status).toBe(200);
  });

  it("sets an HTTP-only, SameSite session cookie, and signing out ends it", async () => {
    const login = await fetch(`${baseURL}/api/auth/login`, json({ email: "ADMIN@example.com", password: ADMIN_PASSWORD }));
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^docsum_session=[\w-]{40,};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    const cookie = setCookie.split(";")[0];
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie } })).status).toBe(200);

    const logout = await fetch(`${baseURL}/api/auth/logout`, { method: "POST", headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/^docsum_session=; .*Max-Age=0/);
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it("a signed-in HTML form lands on the library; a refused one goes back with its message", async () => {
    const form = (body: Record<string, string>): RequestInit => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body).toString(),
      redirect: "manual",
    });
    const ok = await fetch(`${baseURL}/api/auth/login`, form({ email: "admin@example.com", password: ADMIN_PASSWORD }));
    expect([ok.status, ok.headers.get("location")]).toEqual([303, "/"]);
    const refused = await fetch(`${baseURL}/api/auth/login`, form({ email: "admin@example.com", password: "nope" }));
    expect(refused.status).toBe(303);
    // A code, not text: no link can make the page say what its author wants.
    expect(refused.headers.get("location")).toBe("/login?error=wrong");
  });
});

describe("npm run user:create", () => {
  it("creates a user and prints a token that works, alone on the last line", async () => {
    const email = `script-${randomUUID().slice(0, 8)}@example.com`;
    const { code, lines } = await userCreate([email], { USER_PASSWORD: "script password 1" });
    expect(code).toBe(0);
    expect(lines[0]).toBe(`created user ${email}`);
    const token = lines.at(-1)!;
    expect(token).toMatch(/^dsk_[\w-]{40,}$/);
    const me = await api(baseURL, "/api/auth/me", {}, token);
    expect(await me.json()).toEqual({ user: { id: expect.any(String), email, isAdmin: false } });
    // The password given works in the browser's sign-in too.
    expect(await signIn(baseURL, email, "script password 1")).toMatch(/^docsum_session=/);
  });

  it("creates an admin with --admin and a random password it prints", async () => {
    const email = `boss-${randomUUID().slice(0, 8)}@example.com`;
    const { code, lines } = await userCreate([email, "--admin"]);
    expect(code).toBe(0);
    expect(lines[0]).toBe(`created administrator ${email}`);
    const password = /^password: (\S+)$/.exec(lines[1])?.[1];
    expect(password).toBeDefined();
    expect(await signIn(baseURL, email, password!)).toMatch(/^docsum_session=/);
    expect((await api(baseURL, "/api/users", {}, lines.at(-1)!)).status).toBe(200);
  });

  it("refuses a taken email and a malformed one, with a message", async () => {
    const taken = await userCreate(["admin@example.com"]);
    expect(taken.code).toBe(1);
    expect(taken.errors).toContain("An account with this email already exists.");
    const malformed = await userCreate(["not-an-email"]);
    expect(malformed.code).toBe(2);
    expect(malformed.errors).toContain("Enter a valid email address.");
  });
});

describe("an admin's changes to a person", () => {
  /** PATCH /api/users/:id with `token` (the test admin's when none is given). */
  const patch = (id: string, body: unknown, token?: string) =>
    api(baseURL, `/api/users/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, token);

  it("changes roles and resets passwords for admins only, and removes the person", async () => {
    const carolEmail = `carol-${randomUUID().slice(0, 8)}@example.com`;
    const carol = await createAccount(baseURL, carolEmail);
    const dave = await createAccount(baseURL, `dave-${randomUUID().slice(0, 8)}@example.com`);

    // A person who is not an administrator can change nobody, themselves included.
    for (const body of [{ admin: true }, { password: "a new password 1" }]) {
      expect((await patch(carol.id, body, dave.token)).status).toBe(403);
      expect((await patch(dave.id, body, dave.token)).status).toBe(403);
    }
    expect((await api(baseURL, `/api/users/${carol.id}`, { method: "DELETE" }, dave.token)).status).toBe(403);
    expect((await api(baseURL, "/api/users", {}, carol.token)).status).toBe(403);

    // Made an administrator, carol sees the accounts; made ordinary again, she no longer does.
    const promoted = await patch(carol.id, { admin: true });
    expect(promoted.status).toBe(200);
    expect(((await promoted.json()) as { user: { isAdmin: boolean } }).user.isAdmin).toBe(true);
    expect((await api(baseURL, "/api/users", {}, carol.token)).status).toBe(200);
    const demoted = await patch(carol.id, { admin: false });
    expect(((await demoted.json()) as { user: { isAdmin: boolean } }).user.isAdmin).toBe(false);
    expect((await api(baseURL, "/api/users", {}, carol.token)).status).toBe(403);

    // A reset password: the old one and carol's session stop, the new one signs in; a short one is refused.
    expect((await patch(carol.id, { password: "short" })).status).toBe(400);
    expect((await patch(carol.id, { password: "carol's new password" })).status).toBe(200);
    expect((await fetch(`${baseURL}/api/auth/me`, { headers: { cookie: carol.cookie } })).status).toBe(401);
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email: carolEmail, password: "another correct horse" }))).status).toBe(401);
    expect((await fetch(`${baseURL}/api/auth/login`, json({ email: carolEmail, password: "carol's new password" }))).status).toBe(200);

    // Removed, carol's token works nowhere.
    expect((await api(baseURL, `/api/users/${carol.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(baseURL, "/api/documents", {}, carol.token)).status).toBe(401);
  });

  it("keeps an admin from taking their own role or resetting their own password here", async () => {
    const me = (await (await api(baseURL, "/api/auth/me")).json()) as { user: { id: string } };
    expect((await patch(me.user.id, { admin: false })).status).toBe(409);
    expect((await patch(me.user.id, { password: "an admin's new one" })).status).toBe(409);
    expect((await api(baseURL, "/api/users")).status).toBe(200);
  });
});
