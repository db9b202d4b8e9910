// `npm run bench`: real PostgreSQL and Redis, a fresh bench database, then every figure of
// bench/ (each its own process), bench/results/latest.json and a table.
// `-- --quick` runs a smaller version; `-- --profile` writes CPU profiles of the web and worker
// processes to data/bench/profiles; names (e.g. `-- upload-ack memory`) run only those figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, run, bootstrap, waitForOtherBuilds } from './lib/project.mjs';

const FIGURES = ['upload-ack', 'pipeline-throughput', 'progress-latency', 'similar-quality', 'similar-scale', 'library-paging', 'memory', 'bullmq-overhead', 'summary-stream', 'summary-quality', 'search-quality', 'search-scale', 'ocr-accuracy', 'question-latency'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const chosen = args.filter((arg) => !arg.startsWith('--'));
const unknown = chosen.filter((name) => !FIGURES.includes(name));
const workDir = path.join(ROOT, 'data/bench');
const resultsFile = path.join(ROOT, 'bench/results/latest.json');
const log = (msg) => console.log(`[bench] ${msg}`);
// A figure still running after this long is stopped (it then stops its own web and worker); the
// pipeline figure measures three configurations (six rounds of 220 documents), and similar-scale's
// 1M documents (insert, an index build of about an hour here, the import of 1,000) need longer.
const LONGER = { 'pipeline-throughput': 3, 'similar-scale': 10, 'search-scale': 2 };
const figureTimeoutMs = (figure) => (quick ? 4 : 12) * (LONGER[figure] ?? 1) * 60_000;
const services = [];

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const fmt = (x) => (typeof x === 'number' ? (Math.abs(x) >= 100 ? Math.round(x).toString() : String(Math.round(x * 100) / 100)) : String(x ?? ''));

/** The results as a Markdown table (also what bench/README.md quotes). */
function table(results, failures) {
  const rows = results.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baselineValue)} ${r.unit} | ${fmt(r.ratio)} | ${r.goal ?? ''} | ${r.goal ? (r.met ? 'met' : '**missed**') : ''} |`);
  const failed = failures.map((f) => `| ${f} | failed (see output above) | | | | |`);
  return ['| figure | value | baseline | ratio | goal | |', '|---|---|---|---|---|---|', ...rows, ...failed].join('\n');
}

async function main() {
  if (unknown.length > 0) throw new Error(`Unknown figure(s) ${unknown.join(', ')}; choose from ${FIGURES.join(', ')}`);
  const started = Date.now();
  const machineInfo = machine();
  const { databaseUrl, redisUrl } = await bootstrap({
    services,
    databaseName: 'docsum_bench',
    freshDatabase: true,
    redisDb: 5,
    beforeBuild: () => waitForOtherBuilds(log),
  });

  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const results = [];
  const failures = [];
  for (const figure of chosen.length > 0 ? FIGURES.filter((f) => chosen.includes(f)) : FIGURES) {
    const resultFile = path.join(workDir, `${figure}.json`);
    const env = {
      ...process.env,
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_REDIS_URL: redisUrl,
      BENCH_RESULT_FILE: resultFile,
      ...(profile ? { BENCH_PROFILE_DIR: path.join(workDir, 'profiles') } : {}),
    };
    const figureStart = Date.now();
    log(`${figure}${quick ? ' (quick)' : ''}`);
    const ok = await run(process.execPath, ['--import', 'tsx', `bench/${figure}.ts`, ...(quick ? ['--quick'] : [])], { env, timeout: figureTimeoutMs(figure), killSignal: 'SIGTERM' })
      .then(() => true, (err) => (console.error(`[bench] ${figure}: ${err.message}`), false));
    if (ok && fs.existsSync(resultFile)) results.push(...JSON.parse(fs.readFileSync(resultFile, 'utf8')));
    else failures.push(figure);
    log(`${figure} took ${Math.round((Date.now() - figureStart) / 1000)} s`);
  }

  const report = {
    date: new Date(started).toISOString(),
    mode: quick ? 'quick' : 'full',
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: machineInfo,
    results,
    failures,
  };
  fs.writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${table(results, failures)}\n`);
  log(`${report.mode} run: ${report.durationSeconds} s on ${machineInfo.cores} cores; results in ${path.relative(ROOT, resultsFile)}`);
  return failures.length === 0;
}

const ok = await main().catch((err) => {
  console.error(`[bench] ${err.message}`);
  return false;
});
for (const service of services.reverse()) await service.stop().catch((err) => console.error(err.message));
process.exit(ok ? 0 : 1);
