// Runs `prisma generate`. Generating needs no engine, but Prisma 7 tries to download its
// schema engine first; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that
// download, which is what lets this work on machines without access to Prisma's binary host.
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
