/**
 * What an operator sees of the running system: `GET /metrics` (Prometheus text, read with a
 * parser) covering the web process and every worker process, and the JSON logs of web and
 * workers, which name each request's and job's ids and hold no secrets and no document text.
 * A stack of its own, with two worker processes, logging everything (LOG_LEVEL=debug).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUE_NAMES, STAGES, stageJobId } from "@/lib/pipeline/table";
import { fixturePath } from "../fixtures";
import { logLines, startOwnStack, startProcess, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, getDocument, ProgressWatcher, upload } from "./client";

const DATABASE = "docsum_metrics";
const METRICS_TOKEN = randomBytes(24).toString("base64url");
const FIXTURES = ["coreutils-README.txt", "base-files-README-FHS.txt", "apt-README.md"];
const WRONG_PASSWORD = "not the password at all";

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;
let redis: Redis;
const queues = new Map<string, Queue>();

beforeAll(async () => {
  ({ stack, watcher, close } = await startOwnStack(DATABASE, { REDIS_URL: testRedisDatabase(11), LOG_LEVEL: "debug", METRICS_TOKEN }, { watch: true }));
  // Every worker process counts: a second one on the same queues.
  await stack.startWorker();
  redis = new Redis(stack.env.REDIS_URL, { maxRetriesPerRequest: null });
  for (const name of QUEUE_NAMES) queues.set(name, new Queue(name, { connection: redis, prefix: stack.env.QUEUE_PREFIX }));
}, 120_000);

afterAll(async () => {
  await Promise.all([...queues.values()].map((queue) => queue.close()));
  await redis?.quit();
  await close?.();
});

function scrape(token: string | null = METRICS_TOKEN): Promise<Response> {
  return api(stack.baseURL, "/metrics", {}, token);
}

interface Scrape {
  families: PrometheusFamily[];
  /** The samples of a counter or gauge (`name`) or of a histogram's series (`<name>_count`, `_sum`, `_bucket`). */
  samples(name: string): { value: number; labels: Record<string, string> }[];
  /** The sum of the samples of `name` whose labels include `labels`. */
  total(name: string, labels?: Record<string, string>): number;
}

/** Reads /metrics with the Prometheus text parser. */
async function read(): Promise<Scrape> {
  const response = await scrape();
  expect(response.status).toBe(200);
  const text = await response.text();
  const families = parsePrometheusTextFormat(text);
  // The parser folds a labelled histogram's series into one (it reads unlabelled histograms
  // only); read without their TYPE lines, each series of a histogram is a sample of its own.
  const histograms = new Set(families.filter((family) => family.type === "HISTOGRAM").map((family) => `# TYPE ${family.name} histogram`));
  const untyped = parsePrometheusTextFormat(text.split("\n").filter((line) => !histograms.has(line)).join("\n"));
  const samples = (name: string) =>
    untyped
      .filter((family) => family.name === name)
      .flatMap((family) => family.metrics.map((sample) => ({ value: Number(sample.value), labels: sample.labels ?? {} })));
  const total = (name: string, labels: Record<string, string> = {}) =>
    samples(name)
      .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
      .reduce((sum, sample) => sum + sample.value, 0);
  return { families, samples, total };
}

/** Scrapes until `condition` holds (the workers report every few seconds); fails with the last scrape's figures. */
async function scrapeUntil(condition: (scrape: Scrape) => boolean, describe: (scrape: Scrape) => string, timeoutMs = 30_000): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scraped = await read();
    if (condition(scraped)) return scraped;
    if (Date.now() > deadline) throw new Error(`metrics never showed it: ${describe(scraped)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let member: { token: string } | undefined;
const uploaded: { ids: string[]; requestId: string; ownerId: string; texts: string[] } = { ids: [], requestId: "", ownerId: "", texts: [] };

describe("GET /metrics", () => {
  it("answers 401 without credentials or with a wrong token, 403 for a token of someone who is not an administrator", async () => {
    const none = await fetch(`${stack.baseURL}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect((await scrape("not-a-token-anyone-has")).status).toBe(401);
    const account = await createAccount(stack.baseURL, "member@example.com", stack.admin!.token);
    member = account;
    expect((await scrape(account.token)).status).toBe(403);
    // The member's cookie is no way in either: only bearer tokens are read.
    expect((await fetch(`${stack.baseURL}/metrics`, { headers: { cookie: account.cookie } })).status).toBe(401);
    const admin = await scrape(stack.admin!.token);
    expect(admin.status).toBe(200);
    expect(admin.headers.get("content-type")).toContain("text/plain");
    expect((await scrape()).status).toBe(200);
  });

  it("counts every stage of three processed documents, from every process", { timeout: 120_000 }, async () => {
    const files = await Promise.all(FIXTURES.map(async (name) => ({ name, data: await readFile(fixturePath(name)) })));
    uploaded.texts = files.map((file) => file.data.toString("utf8"));
    const { status, body, headers } = await upload(stack.baseURL, files);
    expect(status).toBe(202);
    uploaded.ids = body.documents!.map((document) => document.id);
    uploaded.requestId = headers.get("x-request-id") ?? "";
    const final = await watcher.waitForFinal(uploaded.ids, 90_000);
    expect([...final.values()].map((event) => event.status)).toEqual(["done", "done", "done"]);

    const scraped = await scrapeUntil(
      (s) => STAGES.every((stage) => s.total("docsum_stage_duration_seconds_count", { stage, outcome: "done" }) >= 3),
      (s) => STAGES.map((stage) => `${stage}: ${s.total("docsum_stage_duration_seconds_count", { stage, outcome: "done" })}`).join(", "),
    );
    for (const stage of STAGES) {
      expect(scraped.total("docsum_stage_wait_seconds_count", { stage })).toBeGreaterThanOrEqual(3);
      // The +Inf bucket holds every observation.
      expect(scraped.total("docsum_stage_duration_seconds_bucket", { stage, outcome: "done", le: "+Inf" })).toBe(
        scraped.total("docsum_stage_duration_seconds_count", { stage, outcome: "done" }),
      );
    }
    expect(scraped.total("docsum_documents_total", { status: "queued" })).toBeGreaterThanOrEqual(3);
    expect(scraped.total("docsum_documents_total", { status: "done" })).toBeGreaterThanOrEqual(3);
    expect(scraped.total("docsum_uploads_total", { outcome: "accepted" })).toBeGreaterThanOrEqual(1);
    expect(scraped.total("docsum_upload_bytes_total")).toBeGreaterThan(files.reduce((sum, file) => sum + file.data.length, 0));
    expect(scraped.total("docsum_socket_connections")).toBeGreaterThanOrEqual(1);
    expect(scraped.total("docsum_parser_children")).toBeGreaterThanOrEqual(1);

    // The web process and both worker processes report (prom-client's process metrics, per process).
    const processes = scraped.samples("process_cpu_user_seconds_total").map((sample) => sample.labels.process);
    expect(processes.filter((name) => name.startsWith("web@"))).toHaveLength(1);
    expect(processes.filter((name) => name.startsWith("worker@"))).toHaveLength(2);
    // And the two workers shared the stages between them: the counts are added up over both.
    const extractBy = scraped.samples("docsum_stage_duration_seconds_count").filter((s) => s.labels.stage === "extract" && s.labels.outcome === "done");
    expect(extractBy.every((sample) => sample.labels.process.startsWith("worker@"))).toBe(true);

    // Every metric of the list is there, with its type.
    const types = new Map(scraped.families.map((family) => [family.name, family.type]));
    expect(Object.fromEntries(
      [
        "docsum_queue_jobs",
        "docsum_stage_duration_seconds",
        "docsum_stage_wait_seconds",
        "docsum_documents_total",
        "docsum_uploads_total",
        "docsum_upload_bytes_total",
        "docsum_ai_requests_total",
        "docsum_ai_tokens_total",
        "docsum_ai_rate_limited_seconds_total",
        "docsum_parser_children",
        "docsum_parser_kills_total",
        "docsum_socket_connections",
        "process_cpu_seconds_total",
        "nodejs_heap_size_used_bytes",
      ].map((name) => [name, types.get(name)]),
    )).toEqual({
      docsum_queue_jobs: "GAUGE",
      docsum_stage_duration_seconds: "HISTOGRAM",
      docsum_stage_wait_seconds: "HISTOGRAM",
      docsum_documents_total: "COUNTER",
      docsum_uploads_total: "COUNTER",
      docsum_upload_bytes_total: "COUNTER",
      docsum_ai_requests_total: "COUNTER",
      docsum_ai_tokens_total: "COUNTER",
      docsum_ai_rate_limited_seconds_total: "COUNTER",
      docsum_parser_children: "GAUGE",
      docsum_parser_kills_total: "COUNTER",
      docsum_socket_connections: "GAUGE",
      process_cpu_seconds_total: "COUNTER",
      nodejs_heap_size_used_bytes: "GAUGE",
    });
  });

  it("gives each queue's job counts as BullMQ counts them", async () => {
    // The maintenance tasks run every second: compare with a scrape the counts did not move around.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const before = await Promise.all(QUEUE_NAMES.map((name) => queues.get(name)!.getJobCounts()));
      const scraped = await read();
      const after = await Promise.all(QUEUE_NAMES.map((name) => queues.get(name)!.getJobCounts()));
      if (JSON.stringify(before) !== JSON.stringify(after)) continue;
      const gauges = Object.fromEntries(
        QUEUE_NAMES.map((queue) => [queue, Object.fromEntries(scraped.samples("docsum_queue_jobs").filter((s) => s.labels.queue === queue).map((s) => [s.labels.state, s.value]))]),
      );
      expect(gauges).toEqual(Object.fromEntries(QUEUE_NAMES.map((queue, i) => [queue, before[i]])));
      for (const state of ["waiting", "active", "delayed", "failed", "completed"]) expect(gauges.ingest).toHaveProperty(state);
      expect(gauges.ingest.completed).toBeGreaterThanOrEqual(3);
      return;
    }
    throw new Error("the queues' counts changed during every scrape");
  });

  it("counts a failed document", { timeout: 60_000 }, async () => {
    const before = (await read()).total("docsum_documents_total", { status: "failed" });
    const { status, body } = await upload(stack.baseURL, [{ name: "signature.pdf", data: `%PDF-1.7\n%${randomBytes(8).toString("hex")}\n` }]);
    expect(status).toBe(202);
    const id = body.documents![0].id;
    expect((await watcher.waitForFinal([id], 30_000)).get(id)?.status).toBe("failed");
    const scraped = await scrapeUntil(
      (s) => s.total("docsum_documents_total", { status: "failed" }) === before + 1,
      (s) => `failed: ${s.total("docsum_documents_total", { status: "failed" })}, before: ${before}`,
    );
    expect(scraped.total("docsum_stage_duration_seconds_count", { stage: "extract", outcome: "failed" })).toBeGreaterThanOrEqual(1);
  });

  it("counts the documents a command-line import queued, after the import ended", { timeout: 120_000 }, async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "import-metrics-"));
    for (const topic of ["lighthouse", "ferry"]) {
      await writeFile(path.join(folder, `${topic}.txt`), `Notes on the ${topic} ${randomBytes(6).toString("hex")}: kept by the harbour office.`);
    }
    const child = startProcess("import", "scripts/import.ts", { ...stack.env }, [folder]);
    expect(await new Promise<number | null>((resolve) => child.once("exit", resolve))).toBe(0);
    const imported = (s: Scrape) => s.samples("docsum_documents_total").filter((sample) => sample.labels.process?.startsWith("import@"));
    const scraped = await read();
    expect(imported(scraped).find((sample) => sample.labels.status === "queued")?.value).toBe(2);
  });
});

describe("logs", () => {
  it("names the request's ids in its line and in every job of its documents", async () => {
    const me = (await (await api(stack.baseURL, "/api/auth/me")).json()) as { user: { id: string } };
    uploaded.ownerId = me.user.id;
    const output = stack.output();
    const web = logLines(output.filter((entry) => entry.name === "web").map((entry) => entry.text).join(""));
    const workers = logLines(output.filter((entry) => entry.name.startsWith("worker")).map((entry) => entry.text).join(""));
    expect(uploaded.requestId).not.toBe("");
    expect(web).toContainEqual(
      expect.objectContaining({ message: "request", method: "POST", path: "/api/documents", status: 202, requestId: uploaded.requestId, ownerId: uploaded.ownerId }),
    );
    for (const documentId of uploaded.ids) {
      for (const stage of STAGES) {
        expect(workers).toContainEqual(
          expect.objectContaining({ message: "job done", requestId: uploaded.requestId, documentId, jobId: stageJobId(documentId, stage), stage, ownerId: uploaded.ownerId }),
        );
      }
    }
  });

  it("holds no API token, password or document text", async () => {
    // A sign-in that fails and one that works, with the password in the body.
    const wrong = await fetch(`${stack.baseURL}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: stack.admin!.email, password: WRONG_PASSWORD }) });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${stack.baseURL}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: stack.admin!.email, password: stack.admin!.password }) });
    expect(right.status).toBe(200);
    const summary = (await getDocument(stack.baseURL, uploaded.ids[0])).body.summary ?? "";
    expect(summary).not.toBe("");
    // A sentence of each fixture (its longest line), and the first line of a summary picked from one.
    const sentences = [...uploaded.texts.map((text) => text.split("\n").map((line) => line.trim()).sort((a, b) => b.length - a.length)[0]), summary.split("\n")[0]];
    // createAccount's password for the member (tests/integration/client.ts).
    const secrets = [stack.admin!.token, stack.admin!.password, WRONG_PASSWORD, METRICS_TOKEN, stack.env.SETUP_TOKEN, member!.token, "another correct horse"];
    const said = stack.output().map((entry) => entry.text).join("");
    // The logs are there to search: the stack logged its requests and jobs.
    expect(logLines(said).length).toBeGreaterThan(50);
    for (const text of [...secrets, ...sentences]) {
      expect(text.length).toBeGreaterThan(10);
      expect(said).not.toContain(text);
    }
  });
});
