// `npm start`: installs what is missing, starts PostgreSQL, Redis, the web server and the worker; Ctrl-C stops them all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, bootstrap } from './lib/project.mjs';

const PORT = process.env.PORT || '3000';
const services = []; // stopped in reverse order, each only if this script started it
const apps = new Map(); // name -> child process
let stopping = false;
let exiting;

// Signals a child's whole process group, ignoring a group that is already gone.
function signalGroup(child, signal) {
  try { process.kill(-child.pid, signal); } catch {}
}

// Stops the web and the worker (SIGTERM, then SIGKILL after 15 s), then the services, and exits.
function shutdown(code) {
  stopping = true;
  exiting ??= (async () => {
    await Promise.all([...apps.values()].map(async (child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGTERM');
      if ((await Promise.race([exited, sleep(15000, 'timeout')])) === 'timeout') signalGroup(child, 'SIGKILL');
    }));
    for (const service of services.reverse()) await service.stop().catch((err) => console.error(err.message));
    process.exit(code);
  })();
  return exiting;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    console.log(`\n[start] ${signal}: stopping`);
    stopping = true;
    if (apps.size > 0) shutdown(0); // during setup, the step under way ends first, then main() stops
  });
}

// Starts `node --import tsx <script>` in its own process group, so that only our SIGTERM reaches it.
function launch(name, script, env) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] the ${name} exited on its own (${signal ?? `exit code ${code}`}); stopping everything`);
    shutdown(1);
  });
  apps.set(name, child);
}

// The first account's one-time token: SETUP_TOKEN, or the one the web process keeps in the data folder.
function setupToken() {
  if (process.env.SETUP_TOKEN) return process.env.SETUP_TOKEN;
  return fs.readFileSync(path.resolve(ROOT, process.env.DATA_DIR ?? 'data', 'setup-token'), 'utf8').trim();
}

async function main() {
  const { databaseUrl, redisUrl } = await bootstrap({ services, databaseName: 'docsum' });
  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, NODE_ENV: 'production' };
  if (stopping) return shutdown(0);

  launch('web server', 'server.ts', env);
  launch('worker', 'worker/index.ts', env);
  while (!stopping) {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (res?.status === 200) {
      const { firstRun } = await res.json();
      console.log(`Docsum is running at http://localhost:${PORT}  (Ctrl-C stops it)`);
      if (firstRun) console.log(`Create the admin account at http://localhost:${PORT}/setup?token=${encodeURIComponent(setupToken())}`);
      return;
    }
    await sleep(500);
  }
}

main().catch((err) => {
  if (!stopping) console.error(`[start] ${err.message}`);
  shutdown(stopping ? 0 : 1);
});
