// `npm test`: typecheck, lint, formatting, backend unit + integration tests, production build, end-to-end
// tests in Chromium, and the container suite (real images under a Docker engine; skipped, by
// name, on a machine that cannot have one). Every suite runs (a failure does not hide the
// others' results) and the last line is `N passed, N failed` over all of them.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findTests, log, root, run } from './lib.mjs';

const outDir = join(root, '.pairpad', 'test-output');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2);
const results = [];

function record(suite, passed, failed, note = '', skipped = false) {
  results.push({ suite, passed, failed, note, skipped });
  log(skipped ? `${suite}: skipped (${note})` : `${suite}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`);
}

async function check(suite, command, args, env = {}) {
  log(`▶ ${suite}`);
  const code = await run(command, args, { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env } });
  record(suite, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

function parseTap(file) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const count = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') };
}

async function backendTests() {
  log('▶ backend unit + integration tests');
  const files = findTests(join(root, 'backend', 'test'));
  const tap = join(outDir, 'backend.tap');
  const code = await run(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: join(root, 'backend') },
  );
  const counts = parseTap(tap);
  if (!counts) return record('backend tests', 0, 1, `runner exited ${code} without results`);
  // A crash outside any test still fails the suite.
  const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  record('backend tests', counts.passed, failed, counts.skipped ? `${counts.skipped} skipped` : '');
}

async function e2eTests() {
  log('▶ end-to-end tests (Chromium)');
  const json = join(outDir, 'e2e.json');
  const code = await run('npx', ['playwright', 'test', '--reporter=list,json'], {
    cwd: join(root, 'e2e'),
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json },
  });
  if (!existsSync(json)) return record('e2e tests', 0, 1, `playwright exited ${code} without results`);
  const stats = JSON.parse(readFileSync(json, 'utf8')).stats ?? {};
  const failed = (stats.unexpected ?? 0) + (code !== 0 && !stats.unexpected ? 1 : 0);
  // A test that passed only on its retry is counted as passed but named in the note: a retry hides a defect.
  const notes = [stats.skipped ? `${stats.skipped} skipped` : '', stats.flaky ? `${stats.flaky} passed only on retry` : ''];
  record('e2e tests', (stats.expected ?? 0) + (stats.flaky ?? 0), failed, notes.filter(Boolean).join(', '));
}

async function containerTests() {
  log('▶ container tests (Docker images from the repository, run as the compose files say)');
  const folder = join(root, 'backend', 'test-containers');
  const tap = join(outDir, 'containers.tap');
  const skipMarker = join(outDir, 'containers', 'skipped.txt');
  const started = Date.now();
  const code = await run(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...findTests(folder),
    ],
    { cwd: join(root, 'backend') },
  );
  const minutes = `${((Date.now() - started) / 60_000).toFixed(1)} min`;
  if (existsSync(skipMarker)) return record('containers', 0, code === 0 ? 0 : 1, readFileSync(skipMarker, 'utf8').trim(), code === 0);
  const counts = parseTap(tap);
  if (!counts) return record('containers', 0, 1, `runner exited ${code} without results`);
  const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  record('containers', counts.passed, failed, [minutes, counts.skipped ? `${counts.skipped} skipped` : ''].filter(Boolean).join(', '));
}

const suites = {
  typecheck: async () => {
    for (const pkg of ['protocol', 'client', 'executor'])
      await check(`typecheck @pairpad/${pkg}`, 'npx', ['tsc', '-p', `packages/${pkg}`, '--noEmit']);
    await check('typecheck backend', 'npx', ['tsc', '-p', 'backend', '--noEmit']);
    await check('typecheck frontend', 'npx', ['tsc', '-p', 'frontend', '--noEmit']);
    await check('typecheck e2e', 'npx', ['tsc', '-p', 'e2e', '--noEmit']);
  },
  lint: () => check('lint', 'npx', ['eslint', '--max-warnings=0', 'packages', 'backend', 'frontend', 'e2e', 'scripts', 'bench']),
  // Prettier (.prettierrc.json, .prettierignore): `npm run format` writes what this suite checks.
  format: () => check('format', 'npx', ['prettier', '--check', '--log-level=warn', '.']),
  backend: backendTests,
  e2e: async () => {
    if (await check('production build', 'npm', ['run', 'build'])) await e2eTests();
    else record('e2e tests', 0, 1, 'skipped because the build failed');
  },
  containers: containerTests,
};

// Wall time per suite, printed with the summary: the whole run's budget is watched (issue 21).
const timings = [];
const runStarted = Date.now();
const minutesSince = (start) => `${((Date.now() - start) / 60_000).toFixed(1)} min`;
for (const [name, suite] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  await suite();
  timings.push(`${name} ${minutesSince(started)}`);
}

const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log('\nSummary');
for (const result of results) {
  if (result.skipped) console.log(`  - ${result.suite}: skipped (${result.note})`);
  else
    console.log(
      `  ${result.failed > 0 ? '✖' : '✔'} ${result.suite}: ${result.passed} passed, ${result.failed} failed${result.note ? ` (${result.note})` : ''}`,
    );
}
console.log(`  wall time ${minutesSince(runStarted)}: ${timings.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
