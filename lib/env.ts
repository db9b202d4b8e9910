/**
 * The one place that reads process.env: every setting, validated once at start-up.
 * A bad value stops the process with a message naming the variable.
 */
import path from "node:path";
import { z } from "zod";

const DEFAULT_DATA_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "data");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:54329/docsum"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:63790"),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  STORAGE_DIR: z.string().optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  MAX_FILES_PER_UPLOAD: z.coerce.number().int().positive().default(100),
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(2000),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only").default("docsum"),
  WORKER_QUEUES: z.string().default("ingest,ai,index"),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(5),
  SIMILAR_LIMIT: z.coerce.number().int().min(1).max(50).default(5),
  AI_PROVIDER: z.enum(["local"]).default("local"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
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
