// Local PostgreSQL and Redis for `npm start` and `npm test`. Plain Node: it runs before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const IS_ROOT = process.getuid?.() === 0;
const log = (msg) => console.log(`[services] ${msg}`);

// Runs a short command and captures its output; `asPostgres` runs it as the postgres user when we are root.
function sh(cmd, args, { asPostgres = false, inherit = false, env = process.env } = {}) {
  const [file, argv] = asPostgres && IS_ROOT ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { env, encoding: 'utf8', cwd: asPostgres ? '/' : ROOT, stdio: inherit ? 'inherit' : 'pipe' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() || r.error?.message || '' };
}

function must(cmd, args, opts) {
  const r = sh(cmd, args, opts);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')} failed${r.err || r.out ? `:\n${r.err || r.out}` : ''}`);
  return r.out;
}

const tail = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n') : '');

/** Installs the Debian packages that are missing (apt-get, as root), or fails saying what to install. */
export function ensureAptPackages(pkgs) {
  if (!sh('dpkg-query', ['--version']).ok) return log(`not a Debian system: make sure ${pkgs.join(', ')} are installed`);
  const missing = pkgs.filter((p) => sh('dpkg-query', ['-W', '-f=${Status}', p]).out !== 'install ok installed');
  if (missing.length === 0) return;
  if (!IS_ROOT) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')} with apt-get`);
  must('apt-get', ['update'], { inherit: true });
  must('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    inherit: true,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

// Path of a server binary of the newest PostgreSQL installed under /usr/lib/postgresql.
function pgBin(name) {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(`${base}/${v}/bin/initdb`)) : [];
  if (versions.length === 0) throw new Error(`No PostgreSQL server found under ${base}: install the postgresql package`);
  return `${base}/${versions.sort((a, b) => Number(b) - Number(a))[0]}/bin/${name}`;
}

const pgReady = (port) => sh('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]).ok;

// Creates the cluster folder, owned by the postgres user when we are root; falls back to
// /var/lib/postgresql/docsum-<hash of dataDir> when that user cannot reach it.
function prepareDataDir(dataDir) {
  dataDir = path.resolve(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o700);
  if (!IS_ROOT) return dataDir;
  const uid = Number(must('id', ['-u', 'postgres']));
  const own = (dir) => {
    if (fs.statSync(dir).uid !== uid) must('chown', ['-R', 'postgres:postgres', dir]);
  };
  own(dataDir);
  if (sh('test', ['-r', dataDir, '-a', '-w', dataDir, '-a', '-x', dataDir], { asPostgres: true }).ok) return dataDir;
  const fallback = `/var/lib/postgresql/docsum-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  log(`the postgres user cannot reach ${dataDir}; using ${fallback} instead`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o700 });
  own(fallback);
  return fallback;
}

const withDatabase = (url, db) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();

/** Starts (or reuses) a private PostgreSQL on 127.0.0.1:port; with DATABASE_URL set, starts nothing. Returns { url(dbName), stop(), startedByUs }. */
export async function ensurePostgres({ dataDir = path.join(ROOT, 'data/postgres'), port = 54329 } = {}) {
  const external = process.env.DATABASE_URL;
  if (external) return { url: (db) => withDatabase(external, db), stop: async () => {}, startedByUs: false };
  const url = (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  if (pgReady(port)) {
    log(`PostgreSQL already answers on 127.0.0.1:${port}: reusing it`);
    return { url, stop: async () => {}, startedByUs: false };
  }
  const dir = prepareDataDir(dataDir);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dir}`);
    must(pgBin('initdb'), ['-D', dir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--no-locale'], { asPostgres: true });
  }
  const logFile = path.join(dir, 'server.log');
  const opts = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1`;
  const started = sh(pgBin('pg_ctl'), ['-D', dir, '-l', logFile, '-w', '-o', opts, 'start'], { asPostgres: true });
  if (!started.ok) throw new Error(`PostgreSQL did not start (${started.err || started.out}). End of ${logFile}:\n${tail(logFile)}`);
  log(`PostgreSQL started on 127.0.0.1:${port} (data in ${dir})`);
  const stop = async () => {
    must(pgBin('pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop'], { asPostgres: true });
    log('PostgreSQL stopped');
  };
  return { url, stop, startedByUs: true };
}

// Runs one SQL statement against the maintenance database of the server that `url` points at.
function psql(url, sql) {
  return must('psql', [withDatabase(url, 'postgres'), '-v', 'ON_ERROR_STOP=1', '-tAc', sql]);
}

function dbName(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Unsupported database name in ${url}`);
  return name;
}

/** Creates the database named in `url` (postgresql://…/<name>) if it does not exist. */
export async function createDatabase(url) {
  const name = dbName(url);
  if (psql(url, `select 1 from pg_database where datname = '${name}'`) !== '1') psql(url, `create database "${name}"`);
}

/** Drops the database named in `url`, closing its open connections; no error if it does not exist. */
export async function dropDatabase(url) {
  psql(url, `drop database if exists "${dbName(url)}" with (force)`);
}

const redisPing = (port) => sh('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']).out === 'PONG';

/** Starts (or reuses) Redis on 127.0.0.1:port with AOF and noeviction; with REDIS_URL set, starts nothing. Returns { url, stop(), startedByUs }. */
export async function ensureRedis({ dataDir = path.join(ROOT, 'data/redis'), port = 63790 } = {}) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {}, startedByUs: false };
  const url = `redis://127.0.0.1:${port}`;
  if (redisPing(port)) {
    log(`Redis already answers on 127.0.0.1:${port}: reusing it`);
    return { url, stop: async () => {}, startedByUs: false };
  }
  dataDir = path.resolve(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--logfile', logFile, '--appendonly', 'yes',
    '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''];
  // Its own process group, so a Ctrl-C in the terminal reaches the web and worker first; we stop Redis after them.
  const child = spawn('redis-server', args, { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
  const killOnExit = () => child.kill();
  process.on('exit', killOnExit);
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  for (let waited = 0; !redisPing(port); waited += 100) {
    if (!running() || waited > 15000) {
      child.kill('SIGKILL');
      throw new Error(`Redis did not start on port ${port}. End of ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  log(`Redis started on 127.0.0.1:${port} (data in ${dataDir})`);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (!running()) return;
    child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(10000, 'timeout')])) === 'timeout') child.kill('SIGKILL');
    log('Redis stopped');
  };
  return { url, stop, startedByUs: true };
}
