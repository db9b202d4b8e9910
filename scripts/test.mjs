// `npm test`: real PostgreSQL and Redis, a fresh test database, then vitest and Playwright.
// `npm test -- <args>` runs only vitest with those args; `npm test -- e2e/<spec>` only Playwright with
// them (the first-run setup spec always runs first). The last line printed is "<N> passed, <M> failed".
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, run, bootstrap } from './lib/project.mjs';

const args = process.argv.slice(2);
const browserOnly = args.length > 0 && args.every((arg) => arg.startsWith('e2e/'));
const resultsDir = path.join(ROOT, 'data/test-results');
const services = [];
let interrupted = false;
const totals = { passed: 0, failed: 0 };

// A Ctrl-C reaches the running test runner too; we then skip what is left and clean up.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { interrupted = true; });

// Runs one test runner and adds its test cases (read from its JSON report) to the totals.
async function suite(name, cmd, cmdArgs, env, report, count) {
  fs.rmSync(report, { force: true });
  const ok = await run(cmd, cmdArgs, { env }).then(() => true, (err) => (console.error(`[test] ${err.message}`), false));
  const [passed, failed] = fs.existsSync(report) ? count(JSON.parse(fs.readFileSync(report, 'utf8'))) : [0, 0];
  totals.passed += passed;
  totals.failed += failed;
  if (!ok && failed === 0) {
    console.error(`[test] ${name} failed without a failing test case (see its output above): counted as 1 failure`);
    totals.failed += 1;
  }
  return ok;
}

async function main() {
  const { databaseUrl: testDatabaseUrl, redisUrl: testRedisUrl } = await bootstrap({
    services,
    databaseName: 'docsum_test',
    freshDatabase: true,
    redisDb: 1,
    // qpdf: the hostile-file tests encrypt PDFs with it; img2pdf: the format tests make scanned PDFs with it.
    extraAptPackages: ['chromium', 'qpdf', 'img2pdf'],
  });

  fs.mkdirSync(resultsDir, { recursive: true });
  const env = { ...process.env, TEST_DATABASE_URL: testDatabaseUrl, TEST_REDIS_URL: testRedisUrl, CHROMIUM_PATH: '/usr/bin/chromium' };
  const vitestReport = path.join(resultsDir, 'vitest.json');
  const playwrightReport = path.join(resultsDir, 'playwright.json');
  let ok = browserOnly || await suite('vitest', path.join(ROOT, 'node_modules/.bin/vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`, ...args], env, vitestReport,
    (r) => [r.numPassedTests, r.numFailedTests]);
  if ((args.length === 0 || browserOnly) && !interrupted) {
    const specs = browserOnly ? ['e2e/first-run.setup.ts', ...args] : [];
    ok = (await suite('playwright', path.join(ROOT, 'node_modules/.bin/playwright'), ['test', '--reporter=list,json', ...specs],
      { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport }, playwrightReport,
      (r) => [r.stats.expected + r.stats.flaky, r.stats.unexpected])) && ok;
  }
  return ok && !interrupted;
}

const ok = await main().catch((err) => {
  console.error(`[test] ${err.message}`);
  totals.failed ||= 1;
  return false;
});
for (const service of services.reverse()) await service.stop().catch((err) => console.error(err.message));
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok ? 0 : 1);
