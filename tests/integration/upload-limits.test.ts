/**
 * What one person may put on the machine: bytes a minute (aborted and refused uploads counted),
 * a storage quota (the installation's default or one an administrator sets), and what happens
 * when the disk itself is full. Uploaded files are readable by their owner only.
 *
 * The stack keeps its files on a small tmpfs mounted by the test, so the disk can fill up.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm, stat, statfs, writeFile } from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, listDocuments, upload } from "./client";

const KB = 1024;
const BYTES_PER_MINUTE = 1024 * KB;
const DEFAULT_QUOTA = 300 * KB;
const MOUNT_BYTES = 8 * 1024 * KB;

let mount: string;
let stack: Stack;
let close: () => Promise<void>;

beforeAll(async () => {
  mount = await mkdtemp(path.join(tmpdir(), "docsum-small-disk-"));
  // As root (the suite's machines run as root): a disk of its own that can fill up.
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${MOUNT_BYTES}`, "tmpfs", mount]);
  ({ stack, close } = await startOwnStack("docsum_upload_limits", {
    REDIS_URL: testRedisDatabase(8),
    STORAGE_DIR: mount,
    UPLOAD_BYTES_PER_MINUTE: String(BYTES_PER_MINUTE),
    USER_STORAGE_QUOTA_BYTES: String(DEFAULT_QUOTA),
  }));
});

afterAll(async () => {
  await close?.();
  if (mount) {
    execFileSync("umount", [mount]);
    await rm(mount, { recursive: true, force: true });
  }
});

/** A text file of about `bytes` bytes, different each time. */
const textFile = (bytes: number, name = `note-${randomUUID().slice(0, 8)}.txt`) => {
  const line = `A line of a note about storage limits ${randomUUID()}.\n`;
  return { name, data: line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes) };
};

/** The files in storage (partial ones included), beside the folder of derived files. */
const stored = async () => (await readdir(mount)).filter((name) => !name.startsWith("."));

async function person(quotaBytes?: number | null) {
  const account = await createAccount(stack.baseURL, `limits-${randomUUID().slice(0, 8)}@example.com`);
  if (quotaBytes !== undefined) expect((await setQuota(account.id, quotaBytes)).status).toBe(200);
  return account;
}

async function setQuota(id: string, storageQuotaBytes: number | null) {
  const response = await api(stack.baseURL, `/api/users/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ storageQuotaBytes }) });
  return { status: response.status, body: (await response.json()) as { user?: { storageQuotaBytes: number | null; effectiveQuotaBytes: number | null; storageUsedBytes: number }; error?: string } };
}

/** Sends `bytes` of a file's body over a raw socket with `token`, then resets the connection: a client gone mid-file. */
function abortedUpload(token: string, bytes: number): Promise<void> {
  const url = new URL(stack.baseURL);
  const boundary = "----gone";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="gone.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = tcpConnect(Number(url.port), url.hostname, () => {
      socket.write(
        `POST /api/documents HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${bytes * 4}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(head + "y".repeat(bytes), () => setTimeout(() => socket.resetAndDestroy(), 500));
    });
    socket.on("close", () => resolve());
    socket.on("error", () => undefined);
  });
}

describe("uploaded files", () => {
  it("are readable by their owner only, in a folder only its owner opens", async () => {
    const answer = await upload(stack.baseURL, [textFile(2 * KB)]);
    expect(answer.status).toBe(202);
    const files = await stored();
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect((await stat(path.join(mount, name))).mode & 0o777).toBe(0o600);
    expect((await stat(mount)).mode & 0o777).toBe(0o700);
  });
});

describe("bytes a minute", () => {
  const refusedMessage = /^Too many uploads: at most 1\.0 MB a minute\. Try again in \d+ seconds?\.$/;

  it("counts the bytes of an upload whose client went away", async () => {
    const someone = await person(10 * 1024 * KB);
    expect((await upload(stack.baseURL, [textFile(400 * KB)], someone.token)).status).toBe(202);
    const before = await stored();
    await abortedUpload(someone.token, 700 * KB);
    // Nothing of it is kept...
    await expect.poll(async () => (await stored()).filter((name) => !before.includes(name)), { timeout: 10_000 }).toEqual([]);
    // ...but its bytes fill the minute: even a small file waits now.
    await expect.poll(async () => (await upload(stack.baseURL, [textFile(KB)], someone.token)).status, { timeout: 10_000 }).toBe(429);
    const refused = await upload(stack.baseURL, [textFile(KB)], someone.token);
    expect(refused.body.error).toMatch(refusedMessage);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("refuses an upload once its body passes what is left of the minute, keeping nothing of it", async () => {
    const someone = await person(10 * 1024 * KB);
    expect((await upload(stack.baseURL, [textFile(700 * KB)], someone.token)).status).toBe(202);
    const [documents, files] = [(await listDocuments(stack.baseURL, someone.token)).length, await stored()];
    const refused = await upload(stack.baseURL, [textFile(200 * KB), textFile(300 * KB)], someone.token);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(refusedMessage);
    expect((await listDocuments(stack.baseURL, someone.token)).length).toBe(documents);
    await expect.poll(async () => (await stored()).filter((name) => !files.includes(name)), { timeout: 10_000 }).toEqual([]);
  });
});

describe("storage quota", () => {
  it("refuses with 413 and what is left an upload past the installation's quota, then follows the one an administrator sets", async () => {
    const someone = await person();
    expect((await upload(stack.baseURL, [textFile(200 * KB)], someone.token)).status).toBe(202);
    const before = await stored();

    const refused = await upload(stack.baseURL, [textFile(150 * KB)], someone.token);
    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      error: "This upload does not fit your storage quota of 300.0 KB: 100.0 KB of it is left. Nothing was kept.",
      quotaBytes: DEFAULT_QUOTA,
      remainingBytes: 100 * KB,
    });
    await expect.poll(async () => (await stored()).filter((name) => !before.includes(name)), { timeout: 10_000 }).toEqual([]);
    expect(await listDocuments(stack.baseURL, someone.token)).toHaveLength(1);

    // An administrator gives this person more room.
    const raised = await setQuota(someone.id, 1024 * KB);
    expect(raised.body.user).toMatchObject({ storageQuotaBytes: 1024 * KB, effectiveQuotaBytes: 1024 * KB, storageUsedBytes: 200 * KB });
    expect((await upload(stack.baseURL, [textFile(150 * KB)], someone.token)).status).toBe(202);

    // Back to the installation's default: over it already, so refused before anything is read.
    const cleared = await setQuota(someone.id, null);
    expect(cleared.body.user).toMatchObject({ storageQuotaBytes: null, effectiveQuotaBytes: DEFAULT_QUOTA, storageUsedBytes: 350 * KB });
    const full = await upload(stack.baseURL, [textFile(KB)], someone.token);
    expect(full.status).toBe(413);
    expect((full.body as { remainingBytes?: number }).remainingBytes).toBe(0);
  });

  it("is set by administrators only, as a whole number of bytes", async () => {
    const someone = await person();
    const byThemselves = await api(
      stack.baseURL,
      `/api/users/${someone.id}`,
      { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ storageQuotaBytes: 10 ** 12 }) },
      someone.token,
    );
    expect(byThemselves.status).toBe(403);
    expect((await setQuota(someone.id, -5)).status).toBe(400);
    expect((await setQuota(someone.id, 1.5)).status).toBe(400);
  });
});

describe("a full disk", () => {
  it("answers 507 to an upload that does not fit, keeps nothing, and takes the next one once there is room", async () => {
    const someone = await person(10 * 1024 * KB);
    // Fill the disk until 100 KB are left.
    const { bavail, bsize } = await statfs(mount);
    const filler = path.join(mount, ".filler");
    await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 100 * KB)));
    const before = await stored();

    const refused = await upload(stack.baseURL, [textFile(300 * KB)], someone.token);
    expect(refused.status).toBe(507);
    expect(refused.body.error).toBe("There is no room left to store this upload. Nothing was kept: free some space, then upload again.");
    await expect.poll(async () => (await stored()).filter((name) => !before.includes(name)), { timeout: 10_000 }).toEqual([]);
    expect(await listDocuments(stack.baseURL, someone.token)).toHaveLength(0);

    await rm(filler);
    const after = await upload(stack.baseURL, [textFile(300 * KB)], someone.token);
    expect(after.status).toBe(202);
    expect(await listDocuments(stack.baseURL, someone.token)).toHaveLength(1);
  });
});
