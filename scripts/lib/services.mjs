// Local PostgreSQL and Redis for `npm start` and `npm test`. Plain Node: it runs before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const IS_ROOT = process.getuid?.() === 0;
const log = (msg) => console.log(`[services] ${msg}`);

// Runs a short command and captures its output; `asPostgres` runs it as the postgres user when we are root.
function sh(cmd, args, { asPostgres = false, inherit = false, env = process.env, input } = {}) {
  const [file, argv] = asPostgres && IS_ROOT ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { env, input, encoding: 'utf8', cwd: asPostgres ? '/' : ROOT, stdio: inherit ? 'inherit' : 'pipe' });
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

// The services `npm start` and `npm test` start are this installation's own: a password generated
// into the data folder (mode 0600) that PostgreSQL (scram-sha-256) and Redis (requirepass) ask
// for, and ports recorded there too. A port already held by another installation's server is
// never reused: this one's server gets a free port instead, so two checkouts never share by accident.
const DATA_DIR = path.join(ROOT, 'data');
const IDENTITY_FILE = path.join(DATA_DIR, 'services.json');

function readIdentity() {
  try {
    return JSON.parse(fs.readFileSync(IDENTITY_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeIdentity(identity) {
  fs.mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  fs.writeFileSync(IDENTITY_FILE, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(IDENTITY_FILE, 0o600);
}

/** This installation's service password, made on first use and kept in data/services.json (0600). */
export function servicePassword() {
  const identity = readIdentity();
  if (identity.password) return identity.password;
  identity.password = randomBytes(24).toString('hex');
  writeIdentity(identity);
  return identity.password;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const portFree = (port) =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * The port this installation's `name` service uses: the one recorded, else `preferred` when it is
 * free, else a free one; recorded in data/services.json.
 */
async function servicePort(name, preferred, ours) {
  const identity = readIdentity();
  const recorded = identity.ports?.[name];
  if (recorded && (ours(recorded) || (await portFree(recorded)))) return recorded;
  let port = preferred;
  if (!(await portFree(port))) {
    port = await freePort();
    log(`port ${recorded ?? preferred} is held by another installation's ${name}; this one's ${name} uses port ${port}`);
  }
  writeIdentity({ ...readIdentity(), ports: { ...readIdentity().ports, [name]: port } });
  return port;
}

/** Whether the process in a pid file is alive. */
function pidAlive(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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

/**
 * Starts (or reuses) this installation's PostgreSQL on 127.0.0.1 (port from data/services.json),
 * which asks for the installation's password (scram-sha-256); with DATABASE_URL set, starts
 * nothing. Returns { url(dbName), stop(), startedByUs }.
 */
export async function ensurePostgres({ dataDir = path.join(DATA_DIR, 'postgres'), preferredPort = 54329 } = {}) {
  const external = process.env.DATABASE_URL;
  if (external) return { url: (db) => withDatabase(external, db), stop: async () => {}, startedByUs: false };
  const dir = prepareDataDir(dataDir);
  const running = () => pidAlive(path.join(dir, 'postmaster.pid'));
  const port = await servicePort('postgres', preferredPort, running);
  const password = servicePassword();
  const url = (db) => `postgresql://postgres:${password}@127.0.0.1:${port}/${db}`;
  if (running() && pgReady(port)) {
    log(`PostgreSQL of this installation already runs on 127.0.0.1:${port}: reusing it`);
    return { url, stop: async () => {}, startedByUs: false };
  }
  const { stop } = startCluster(dir, port, password);
  return { url, stop, startedByUs: true };
}

/**
 * Creates (if needed) and starts a PostgreSQL cluster in `dir` on 127.0.0.1:`port` that asks for
 * `password` (scram-sha-256). Returns stop() (clean), crash() (immediate mode: no checkpoint, as
 * a crash would leave it) and start().
 */
function startCluster(dir, port, password) {
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dir}`);
    const pwfile = path.join(dir, '..', `.pgpass-init-${process.pid}`);
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (IS_ROOT) must('chown', ['postgres:postgres', pwfile]);
    try {
      must(pgBin('initdb'), ['-D', dir, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-U', 'postgres', '--encoding=UTF8', '--no-locale'], { asPostgres: true });
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }
  const logFile = path.join(dir, 'server.log');
  const opts = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1`;
  const start = () => {
    const started = sh(pgBin('pg_ctl'), ['-D', dir, '-l', logFile, '-w', '-o', opts, 'start'], { asPostgres: true });
    if (!started.ok) throw new Error(`PostgreSQL did not start (${started.err || started.out}). End of ${logFile}:\n${tail(logFile)}`);
  };
  const stopAs = (mode) => must(pgBin('pg_ctl'), ['-D', dir, '-m', mode, '-w', 'stop'], { asPostgres: true });
  start();
  requirePassword(dir, port, password);
  log(`PostgreSQL started on 127.0.0.1:${port} (data in ${dir})`);
  return {
    async stop() {
      stopAs('fast');
      log('PostgreSQL stopped');
    },
    async crash() {
      stopAs('immediate');
    },
    async start() {
      start();
    },
  };
}

/**
 * A PostgreSQL server of its own in `dataDir` on `port`, asking for `password`: for tests that
 * stop and restart their database server. Returns { url(dbName), stop(), crash(), start() }.
 */
export function startOwnPostgres({ dataDir, port, password }) {
  const dir = prepareDataDir(dataDir);
  const cluster = startCluster(dir, port, password);
  return { url: (db) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`, ...cluster };
}

/**
 * A cluster made before the installation had a password (trust for everyone on the machine) is
 * given the password and switched to scram-sha-256, then reloaded.
 */
function requirePassword(dir, port, password) {
  const hba = path.join(dir, 'pg_hba.conf');
  const lines = fs.readFileSync(hba, 'utf8').split('\n');
  if (!lines.some((line) => /^\s*(local|host)\S*\s.*\btrust\s*$/.test(line))) return;
  log('PostgreSQL accepted anyone on this machine (trust): setting the installation password and scram-sha-256');
  // The statement goes through standard input, so the password is never on a command line.
  must('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tA', '-f', '-'], {
    asPostgres: true,
    input: `SET password_encryption = 'scram-sha-256';\nALTER USER postgres PASSWORD '${password}';\n`,
  });
  const secured = lines.map((line) => (/^\s*(local|host)/.test(line) ? line.replace(/\btrust\s*$/, 'scram-sha-256') : line));
  fs.writeFileSync(hba, secured.join('\n'));
  must(pgBin('pg_ctl'), ['-D', dir, 'reload'], { asPostgres: true });
}

// Runs one SQL statement against the maintenance database of the server that `url` points at
// (its password through the environment, never on the command line).
function psql(url, sql) {
  const target = new URL(withDatabase(url, 'postgres'));
  const password = decodeURIComponent(target.password);
  target.password = '';
  return must('psql', [target.toString(), '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env: { ...process.env, PGPASSWORD: password } });
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

const redisPing = (port, password) =>
  sh('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { env: { ...process.env, REDISCLI_AUTH: password } }).out === 'PONG';

/**
 * Starts (or reuses) this installation's Redis on 127.0.0.1 (port from data/services.json) with
 * AOF, noeviction and the installation's password; with REDIS_URL set, starts nothing.
 * Returns { url, stop(), startedByUs }.
 */
export async function ensureRedis({ dataDir = path.join(DATA_DIR, 'redis'), preferredPort = 63790 } = {}) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {}, startedByUs: false };
  dataDir = path.resolve(dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  const pidFile = path.join(dataDir, 'redis.pid');
  const port = await servicePort('redis', preferredPort, () => pidAlive(pidFile));
  const password = servicePassword();
  const url = `redis://:${password}@127.0.0.1:${port}`;
  if (pidAlive(pidFile) && redisPing(port, password)) {
    log(`Redis of this installation already runs on 127.0.0.1:${port}: reusing it`);
    return { url, stop: async () => {}, startedByUs: false };
  }
  const logFile = path.join(dataDir, 'redis.log');
  // The password goes in through standard input (a config read from stdin), never on the command line.
  const args = ['-', '--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--logfile', logFile, '--pidfile', pidFile,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''];
  // Its own process group, so a Ctrl-C in the terminal reaches the web and worker first; we stop Redis after them.
  const child = spawn('redis-server', args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(`requirepass ${password}\n`);
  const exited = new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
  const killOnExit = () => child.kill();
  process.on('exit', killOnExit);
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  for (let waited = 0; !redisPing(port, password); waited += 100) {
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
