/**
 * The one place that reads process.env: every setting, validated once at start-up.
 * A bad value stops the process with a message naming the variable.
 */
import path from "node:path";
import { z } from "zod";

const DEFAULT_DATA_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "data");

const schema = z.object({
  // Production unless development is asked for explicitly (the development server is never a default).
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Loopback by default: a new installation is not reachable from the network until someone says so.
  HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:54329/docsum"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:63790"),
  // host:port,host:port,...: every Redis connection becomes a Redis Cluster client (REDIS_URL is then unused).
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s:,]+:\d+(,[^\s:,]+:\d+)*$/, "host:port,host:port,...")
    .optional(),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  STORAGE_DIR: z.string().optional(),
  // Where uploaded files live: a folder of this machine, PostgreSQL, or an S3-compatible store.
  STORAGE_DRIVER: z.enum(["local", "postgres", "s3"]).default("local"),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // MinIO and most self-hosted stores want bucket/key paths; AWS wants bucket host names.
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
  // The AWS SDK's request checksums; stores that mishandle its streamed checksum framing need WHEN_REQUIRED.
  S3_CHECKSUMS: z.enum(["WHEN_REQUIRED", "WHEN_SUPPORTED"]).default("WHEN_REQUIRED"),
  S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(512).default(8),
  // How long a worker keeps looking for a document's missing file (a slow shared store) before failing it.
  STORAGE_MISSING_WAIT_MS: z.coerce.number().int().min(0).default(5_000),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  MAX_FILES_PER_UPLOAD: z.coerce.number().int().positive().default(100),
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(2000),
  // Extraction runs in a child process with its own heap limit and a time limit per file.
  EXTRACT_TIMEOUT_MS: z.coerce.number().int().positive().default(180_000),
  EXTRACT_MEMORY_MB: z.coerce.number().int().min(256).default(768),
  // What a parser child may use besides its heap (buffers, WebAssembly, code); its memory limit
  // (RLIMIT_DATA, and the resident memory past which it is stopped) is the two added up.
  EXTRACT_OFF_HEAP_MB: z.coerce.number().int().min(192).default(512),
  // The user parser children run as when the worker runs as root.
  EXTRACT_USER: z.string().min(1).default("nobody"),
  // Set by the benchmarks' --profile only: parser children then run with the worker's NODE_OPTIONS
  // (its profiler) and write a CPU profile each into this folder, so they may write files.
  PARSER_CPU_PROFILE_DIR: z.string().min(1).optional(),
  // Word, OpenDocument and PowerPoint files are ZIP archives: unpacked only up to this many entries and bytes.
  MAX_ARCHIVE_ENTRIES: z.coerce.number().int().positive().default(2000),
  MAX_UNPACKED_MB: z.coerce.number().int().positive().default(100),
  // OCR of scanned PDF pages and images (Tesseract): its languages ("eng", "eng+deu"; each needs
  // its tesseract-ocr-<lang> package), a time limit per page, pages read at most, the resolution
  // pages are rendered at, and the largest image (width × height, from its header) decoded.
  OCR_LANGUAGES: z.string().regex(/^[A-Za-z_]+(\+[A-Za-z_]+)*$/, "languages joined by +, such as eng or eng+deu").default("eng"),
  OCR_PAGE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  MAX_OCR_PAGES: z.coerce.number().int().positive().default(200),
  OCR_DPI: z.coerce.number().int().min(72).max(600).default(300),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(40_000_000),
  // Longer text is cut here (the document is summarized from its beginning, and the cut is noted).
  MAX_TEXT_CHARS: z.coerce.number().int().positive().default(2_000_000),
  // Files one owner may upload per minute (a sliding window in Redis, shared by every web process).
  UPLOAD_FILES_PER_MINUTE: z.coerce.number().int().positive().default(200),
  // Bytes of request bodies one owner may send per minute, refused and aborted uploads included.
  UPLOAD_BYTES_PER_MINUTE: z.coerce.number().int().positive().default(2 * 1024 * 1024 * 1024),
  // Bytes of files one owner may keep, unless an administrator set a quota of their own; unset: no quota.
  USER_STORAGE_QUOTA_BYTES: z.coerce.number().int().positive().optional(),
  // The BullMQ prefix: a hash tag ({name}) keeps a flow's queues in one Redis Cluster slot.
  QUEUE_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/, "a name (letters, digits, - and _) or a hash tag such as {docsum}")
    .default("{docsum}"),
  WORKER_QUEUES: z.string().default("ingest,ai,index,maintenance"),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(5),
  // How long a worker holds a job without renewing its lock before others call it stalled.
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().positive().default(120_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  RECONCILE_EVERY_MS: z.coerce.number().int().positive().default(60_000),
  RECONCILE_STALE_AFTER_MS: z.coerce.number().int().positive().default(120_000),
  KEEP_COMPLETED_JOBS: z.coerce.number().int().min(0).default(5_000),
  KEEP_FAILED_JOBS: z.coerce.number().int().min(0).default(5_000),
  KEEP_JOBS_HOURS: z.coerce.number().positive().default(24),
  BULK_UPLOAD_FILES: z.coerce.number().int().positive().default(10),
  SIMILAR_LIMIT: z.coerce.number().int().min(1).max(50).default(5),
  // The find-similar transaction loads and scans the owner's whole library: seconds at 100k documents.
  SIMILAR_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  // Where a similar list stops: a score floor, and a share of the best score below which a neighbour is hidden.
  SIMILAR_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.35),
  SIMILAR_RELATIVE_SCORE: z.coerce.number().min(0).max(1).default(0.75),
  // The vector index: "auto" is pgvector where the server has it, else the embedded index.
  SIMILAR_INDEX: z.enum(["auto", "embedded", "pgvector"]).default("auto"),
  // Libraries smaller than this are scanned exactly; from it on, the HNSW graph answers.
  SIMILAR_EXACT_BELOW: z.coerce.number().int().min(0).default(2000),
  SIMILAR_EF_SEARCH: z.coerce.number().int().positive().default(160),
  // The embedded HNSW graph's links per node and breadth while inserting: more finds more true neighbours, builds slower.
  SIMILAR_HNSW_M: z.coerce.number().int().min(4).max(96).default(32),
  SIMILAR_HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(10).default(200),
  SIMILAR_INDEX_DIR: z.string().optional(),
  // The library statistics are counted first at this many documents, then again each time the library grew by this share.
  SIMILAR_STATISTICS_MIN_DOCUMENTS: z.coerce.number().int().min(2).default(20),
  SIMILAR_STATISTICS_GROWTH: z.coerce.number().positive().default(0.25),
  // Documents re-embedded, or lists rebuilt, per transaction of the re-embedding job.
  SIMILAR_REEMBED_BATCH: z.coerce.number().int().positive().default(50),
  // Search: the PostgreSQL text search configuration (stemming and stop words); changing it re-indexes every library.
  SEARCH_LANGUAGE: z
    .string()
    .regex(/^[a-z_]+$/, "a PostgreSQL text search configuration, such as english, simple, german")
    .default("english"),
  // Passages of the text that search ranks and quotes, and the tokens each repeats of the one before.
  SEARCH_PASSAGE_TOKENS: z.coerce.number().int().min(20).max(2000).default(160),
  SEARCH_PASSAGE_OVERLAP_TOKENS: z.coerce.number().int().min(0).default(30),
  // A document found only by meaning must reach this cosine with the query to be a result.
  SEARCH_SEMANTIC_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.2),
  // Documents indexed per transaction of the search backfill.
  SEARCH_BACKFILL_BATCH: z.coerce.number().int().positive().default(50),
  // Questions: the passages an answer is written from (numbered sources), and the most of them from one document.
  QUESTION_SOURCES: z.coerce.number().int().min(1).max(20).default(6),
  QUESTION_SOURCES_PER_DOCUMENT: z.coerce.number().int().min(1).max(20).default(2),
  AI_PROVIDER: z.enum(["local", "openai"]).default("local"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  SUMMARY_MODEL: z.string().min(1).default("gpt-4o-mini"),
  EMBEDDING_MODEL: z.string().min(1).default("text-embedding-3-small"),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().optional(),
  AI_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(500),
  AI_TOKENS_PER_MINUTE: z.coerce.number().int().positive().default(200_000),
  AI_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  CHUNK_TOKENS: z.coerce.number().int().min(100).max(100_000).default(3000),
  CHUNK_OVERLAP_TOKENS: z.coerce.number().int().min(0).default(200),
  RATE_LIMIT_DEFAULT_MS: z.coerce.number().int().positive().default(20_000),
  // Accounts: anyone may create an account on the sign-in page only when this is true.
  OPEN_SIGNUP: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
  SESSION_DAYS: z.coerce.number().positive().default(30),
  // How long a deleted document stays in the trash, restorable, before the sweep removes it for good.
  TRASH_DAYS: z.coerce.number().positive().default(30),
  // Failed sign-ins per email before it must wait for the window to end.
  SIGN_IN_ATTEMPTS: z.coerce.number().int().positive().default(10),
  // Sign-in attempts one client address may make within the window, across all emails.
  SIGN_IN_ADDRESS_ATTEMPTS: z.coerce.number().int().positive().default(50),
  // Whether X-Forwarded-For (client address) and X-Forwarded-Proto are a proxy's word to trust.
  TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
  // The one-time token the first account needs; by default made on first use into $DATA_DIR/setup-token.
  SETUP_TOKEN: z.string().min(16).max(200).optional(),
  // How often each live connection's session or token is checked again (expired, revoked, disabled).
  SOCKET_RECHECK_MS: z.coerce.number().int().positive().default(60_000),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  // "auto": Secure cookies when the request came over HTTPS (directly or through a proxy saying so).
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // A token a Prometheus server may scrape GET /metrics with (besides an administrator's API token).
  METRICS_TOKEN: z.string().min(16).max(200).optional(),
}).superRefine((data, ctx) => {
  if (data.AI_PROVIDER === "openai" && !data.OPENAI_API_KEY) {
    ctx.addIssue({ code: "custom", path: ["OPENAI_API_KEY"], message: "is required when AI_PROVIDER=openai" });
  }
  if (data.REDIS_CLUSTER_NODES && !data.QUEUE_PREFIX.startsWith("{")) {
    ctx.addIssue({ code: "custom", path: ["QUEUE_PREFIX"], message: "must be a hash tag such as {docsum} with REDIS_CLUSTER_NODES (BullMQ keeps a flow's queues in one slot)" });
  }
  if (data.STORAGE_DRIVER === "s3" && !data.S3_BUCKET) {
    ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when STORAGE_DRIVER=s3" });
  }
  if (Boolean(data.S3_ACCESS_KEY_ID) !== Boolean(data.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({ code: "custom", path: ["S3_SECRET_ACCESS_KEY"], message: "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together" });
  }
  if (data.SEARCH_PASSAGE_OVERLAP_TOKENS >= data.SEARCH_PASSAGE_TOKENS) {
    ctx.addIssue({ code: "custom", path: ["SEARCH_PASSAGE_OVERLAP_TOKENS"], message: "must be smaller than SEARCH_PASSAGE_TOKENS" });
  }
  if (data.CHUNK_OVERLAP_TOKENS >= data.CHUNK_TOKENS) {
    ctx.addIssue({ code: "custom", path: ["CHUNK_OVERLAP_TOKENS"], message: "must be smaller than CHUNK_TOKENS" });
  }
});

export type Env = z.infer<typeof schema> & { STORAGE_DIR: string };

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  const data = parsed.data;
  const storageDir = data.STORAGE_DIR ?? path.join(data.DATA_DIR, "uploads");
  return { ...data, STORAGE_DIR: path.resolve(/*turbopackIgnore: true*/ storageDir) };
}

export const env: Env = load();
