// Brings the checkout up to date: npm dependencies, Prisma client, Next.js build, database migrations;
// `bootstrap` does all of it, with PostgreSQL and Redis, for the scripts behind npm start, test and bench.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureAptPackages, ensurePostgres, ensureRedis, createDatabase, dropDatabase } from './services.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const at = (p) => path.join(ROOT, p);
const bin = (name) => at(`node_modules/.bin/${name}`);
const mtime = (p) => fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const log = (msg) => console.log(`[setup] ${msg}`);
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

/** Runs a command with inherited stdio in the project root; rejects, naming the command, if it exits non-zero. */
export function run(cmd, args = [], opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`Command failed (${signal ?? `exit code ${code}`}): ${cmd} ${args.join(' ')}`));
    });
  });
}

// Newest modification time of a file or of any file under a folder, skipping generated folders.
function newest(p) {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return stat?.mtimeMs ?? 0;
  let max = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    const child = path.join(p, entry);
    if (['node_modules', '.next', 'data'].includes(entry) || child === at('lib/generated')) continue;
    max = Math.max(max, newest(child));
  }
  return max;
}

/** Runs `npm ci` (or `npm install`) unless node_modules already matches package-lock.json. */
export async function ensureDependencies() {
  const lock = at(fs.existsSync(at('package-lock.json')) ? 'package-lock.json' : 'package.json');
  const installed = at('node_modules/.package-lock.json');
  const stampFile = at('node_modules/.docsum-lock.sha256');
  const hash = () => createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  // An install is needed when there is none, or when the lock changed since and is newer than it.
  const stale = mtime(installed) < Math.max(mtime(at('package-lock.json')), mtime(at('package.json')));
  if (!fs.existsSync(installed) || (stale && stamp !== hash())) {
    log('installing npm dependencies');
    if (lock.endsWith('package.json')) await run('npm', ['install', '--no-audit', '--no-fund']);
    else {
      await run('npm', ['ci', '--no-audit', '--no-fund']).catch(async () => {
        log('`npm ci` refused package-lock.json (see above); running `npm install` instead');
        await run('npm', ['install', '--no-audit', '--no-fund']);
      });
    }
  }
  if (stamp !== hash()) fs.writeFileSync(stampFile, `${hash()}\n`);
}

/** Generates the Prisma client when lib/generated/prisma is missing or older than prisma/schema.prisma. */
export async function ensureGenerated() {
  const out = at('lib/generated/prisma');
  if (fs.existsSync(out) && newest(out) >= mtime(at('prisma/schema.prisma'))) return;
  log('generating the Prisma client');
  await run('npm', ['run', 'prisma:generate']);
}

const BUILD_INPUTS = ['app', 'lib', 'jobs', 'public', 'next.config.js', 'next.config.mjs', 'next.config.ts',
  'package-lock.json', 'prisma/schema.prisma'];

/** Runs `next build` when .next/BUILD_ID is missing or older than any build input; `env` is added to the environment. */
export async function ensureBuilt(env = {}) {
  const built = mtime(at('.next/BUILD_ID'));
  if (built && BUILD_INPUTS.every((p) => newest(at(p)) <= built)) return;
  log('building the Next.js app');
  await run(bin('next'), ['build'], { env: { ...process.env, ...env, NODE_ENV: 'production' } });
}

/** Applies prisma/migrations to the database at `databaseUrl` (scripts/migrate.ts). */
export async function migrate(databaseUrl) {
  await run(bin('tsx'), ['scripts/migrate.ts'], { env: { ...process.env, DATABASE_URL: databaseUrl } });
}

// True while some process runs `next build` (another checkout's build must finish first).
function nextBuildRunning() {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).some((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.some((a) => /(^|\/)next$/.test(a)) && argv.includes('build');
    } catch {
      return false;
    }
  });
}

/** Waits while another process runs `next build`, saying so once through `say`; gives up after 15 minutes. */
export async function waitForOtherBuilds(say) {
  for (let waited = 0; nextBuildRunning(); waited += 2) {
    if (waited === 0) say('a `next build` is running; waiting for it to finish');
    if (waited > 900) throw new Error('a `next build` has been running for 15 minutes; try again later');
    await sleep(2000);
  }
}

/**
 * Sets up everything a script runs on: apt packages (postgresql, redis-server, the OCR tools and `extraAptPackages`),
 * npm dependencies, PostgreSQL, Redis, the database, the Prisma client, the migrations and the build.
 * Each service it starts is pushed onto `services` at once, so that the caller stops it even when a later
 * step fails. With `freshDatabase`, `databaseName` is dropped and created again; without it, a DATABASE_URL
 * in the environment is used as it is, or else `databaseName` is created if missing. `redisDb` picks a
 * Redis database (the server's URL as it is without it); `beforeBuild` runs just before the build.
 * Returns { databaseUrl, redisUrl }.
 */
export async function bootstrap({ services, databaseName, freshDatabase = false, redisDb, extraAptPackages = [], beforeBuild }) {
  // tesseract-ocr (with its English data) and poppler-utils (pdftoppm): OCR of scans and photos;
  // img2pdf: an image's thumbnail is rendered through a one-page PDF.
  ensureAptPackages(['postgresql', 'redis-server', 'tesseract-ocr', 'tesseract-ocr-eng', 'poppler-utils', 'img2pdf', ...extraAptPackages]);
  await ensureDependencies();
  const pg = await ensurePostgres();
  services.push(pg);
  const redis = await ensureRedis();
  services.push(redis);
  const existingUrl = freshDatabase ? undefined : process.env.DATABASE_URL;
  const databaseUrl = existingUrl ?? pg.url(databaseName);
  const redisUrl = redisDb === undefined ? redis.url : Object.assign(new URL(redis.url), { pathname: `/${redisDb}` }).toString();
  if (freshDatabase) await dropDatabase(databaseUrl);
  if (!existingUrl) await createDatabase(databaseUrl);
  await ensureGenerated();
  await migrate(databaseUrl);
  await beforeBuild?.();
  await ensureBuilt({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
  return { databaseUrl, redisUrl };
}
