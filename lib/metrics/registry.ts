/**
 * The process's Prometheus metrics (prom-client): one registry per process with prom-client's
 * default process metrics and the application's own, each labelled with the process that counts
 * it (`process`: role, host and pid), so the web process can put every process's numbers side by
 * side (see ./reports.ts) and a process that stops is a series that ends, not a counter that drops.
 */
import { hostname } from "node:os";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Seconds: from a tenth of a second (a short text) to ten minutes (a long scan's OCR). */
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** Seconds queued: from nothing (an idle worker) to an hour (a backlog). */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

function define(registry: Registry) {
  const registers = [registry];
  return {
    registry,
    stageDuration: new Histogram({
      name: "docsum_stage_duration_seconds",
      help: "Time one attempt at a document stage took, by stage and outcome (done, retry, failed, cancelled, discarded).",
      labelNames: ["stage", "outcome"] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    stageWait: new Histogram({
      name: "docsum_stage_wait_seconds",
      help: "Time a document stage's job was ready to run before a worker started it.",
      labelNames: ["stage"] as const,
      buckets: WAIT_BUCKETS,
      registers,
    }),
    documents: new Counter({
      name: "docsum_documents_total",
      help: "Documents that entered a status: queued (submitted), done, failed, cancelled.",
      labelNames: ["status"] as const,
      registers,
    }),
    uploads: new Counter({
      name: "docsum_uploads_total",
      help: "Upload requests by outcome: accepted, rejected (refused input), rate_limited, quota, error.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    uploadBytes: new Counter({
      name: "docsum_upload_bytes_total",
      help: "Bytes of upload request bodies received.",
      registers,
    }),
    aiRequests: new Counter({
      name: "docsum_ai_requests_total",
      help: "Requests sent to the AI API, by job kind (summarize, embed, ...) and status (ok, rate_limited, error).",
      labelNames: ["kind", "status"] as const,
      registers,
    }),
    aiTokens: new Counter({
      name: "docsum_ai_tokens_total",
      help: "Tokens spent on the AI API (as it reports them, else as counted before sending), by job kind.",
      labelNames: ["kind"] as const,
      registers,
    }),
    aiRateLimited: new Counter({
      name: "docsum_ai_rate_limited_seconds_total",
      help: "Seconds AI calls waited for the shared rate limit (the request and token budget, and pauses after a 429).",
      registers,
    }),
    parserChildren: new Gauge({
      name: "docsum_parser_children",
      help: "Parser child processes alive (busy or idle).",
      registers,
    }),
    parserKills: new Counter({
      name: "docsum_parser_kills_total",
      help: "Parser child processes stopped while reading a file, by reason: memory, time, crash, cancelled.",
      labelNames: ["reason"] as const,
      registers,
    }),
    socketConnections: new Gauge({
      name: "docsum_socket_connections",
      help: "Socket.IO connections open on the web process.",
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof define>;

/** What this process is, as its `process` label says: `web@host:pid` or `worker@host:pid`. */
export function processName(role: string): string {
  return `${role}@${hostname()}:${process.pid}`;
}

// On globalThis: Next.js bundles its own copy of this module, and both must count into one registry.
const shared = globalThis as unknown as { docsumMetrics?: Metrics };

/** The process's metrics (made on first use). */
export function metrics(): Metrics {
  if (!shared.docsumMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    shared.docsumMetrics = define(registry);
  }
  return shared.docsumMetrics;
}

/** Names the process in every series it reports (once, at start-up: `web` or `worker`). */
export function setProcessRole(role: string): string {
  const name = processName(role);
  metrics().registry.setDefaultLabels({ process: name });
  return name;
}
