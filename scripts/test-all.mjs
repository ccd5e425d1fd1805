// `npm test`: typecheck, lint, formatting, backend unit + integration tests, production build, end-to-end
// tests in Chromium, and the container suite (real images under a Docker engine; skipped, by
// name, on a machine that cannot have one). Every suite runs (a failure does not hide the
// others' results) and the last line is `N passed, N failed` over all of them.
//
// Suites run in lanes, the lanes at the same time (see LANES): each suite spends much of its
// time waiting (on a browser, a server, a container, a timer), so two cores serve three lanes.
// While more than one lane runs, every output line is prefixed with its suite's name and also
// written to .pairpad/test-output/<suite>.log. `--serial` runs one suite at a time, unprefixed.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findTests, log as rootLog, root, run as runInherited } from './lib.mjs';

const outDir = join(root, '.pairpad', 'test-output');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const serial = process.argv.includes('--serial');
const only = process.argv.slice(2).filter((arg) => arg !== '--serial');
const results = [];

/**
 * The suite whose commands are running, per lane (AsyncLocalStorage would do; an explicit
 * argument keeps it visible). `prefixed` is false when one lane runs alone: output is inherited.
 */
let prefixed = false;
const laneWidth = 10;
function log(suite, message) {
  if (!prefixed) return rootLog(message);
  const line = `\x1b[36m[${suite.padEnd(laneWidth)}]\x1b[0m ${message}`;
  console.log(line);
  appendFileSync(join(outDir, `${suite}.log`), `${message}\n`);
}

/** Runs a command; while lanes run side by side, its lines are prefixed and kept in the suite's log. */
function run(suite, command, args, options = {}) {
  if (!prefixed) return runInherited(command, args, options);
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const pipe = (stream, write) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) write(line);
      });
      stream.on('end', () => rest && write(rest));
    };
    const write = (line) => {
      process.stdout.write(`\x1b[36m[${suite.padEnd(laneWidth)}]\x1b[0m ${line}\n`);
      appendFileSync(join(outDir, `${suite}.log`), `${line}\n`);
    };
    pipe(child.stdout, write);
    pipe(child.stderr, write);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolvePromise(127));
  });
}

function record(lane, suite, passed, failed, note = '', skipped = false) {
  results.push({ lane, suite, passed, failed, note, skipped });
  log(lane, skipped ? `${suite}: skipped (${note})` : `${suite}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`);
}

async function check(lane, suite, command, args, env = {}) {
  log(lane, `▶ ${suite}`);
  const code = await run(lane, command, args, { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env } });
  record(lane, suite, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

function parseTap(file) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const count = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') };
}

/** node --test over the given files, spec to the output and TAP to a file the counts are read from. */
function nodeTests(lane, files, tap, concurrency) {
  return run(
    lane,
    'node',
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: join(root, 'backend') },
  );
}

/**
 * Backend test files run BACKEND_TEST_CONCURRENCY at a time (default 2): each file owns its ports
 * (0), temp folders, databases and servers, so files do not share state. (Node 20's runner sorts
 * the files by path whatever their order here, so the long chaos file cannot be started first.)
 */
async function backendTests(lane) {
  log(lane, '▶ backend unit + integration tests');
  const tap = join(outDir, 'backend.tap');
  const code = await nodeTests(lane, findTests(join(root, 'backend', 'test')), tap, process.env.BACKEND_TEST_CONCURRENCY ?? '2');
  const counts = parseTap(tap);
  if (!counts) return record(lane, 'backend tests', 0, 1, `runner exited ${code} without results`);
  // A crash outside any test still fails the suite.
  const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  record(lane, 'backend tests', counts.passed, failed, counts.skipped ? `${counts.skipped} skipped` : '');
}

async function e2eTests(lane) {
  log(lane, '▶ end-to-end tests (Chromium)');
  const json = join(outDir, 'e2e.json');
  const code = await run(lane, 'npx', ['playwright', 'test', '--reporter=list,json'], {
    cwd: join(root, 'e2e'),
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json },
  });
  if (!existsSync(json)) return record(lane, 'e2e tests', 0, 1, `playwright exited ${code} without results`);
  const stats = JSON.parse(readFileSync(json, 'utf8')).stats ?? {};
  const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (code !== 0 && !stats.unexpected ? 1 : 0);
  // Retries are off (playwright.config.ts); should one be turned on, a test that passed only on
  // its retry still fails the run: a retry hides a defect.
  const notes = [stats.skipped ? `${stats.skipped} skipped` : '', stats.flaky ? `${stats.flaky} passed only on retry` : ''];
  record(lane, 'e2e tests', stats.expected ?? 0, failed, notes.filter(Boolean).join(', '));
}

async function containerTests(lane) {
  log(lane, '▶ container tests (Docker images from the repository, run as the compose files say)');
  const tap = join(outDir, 'containers.tap');
  const skipMarker = join(outDir, 'containers', 'skipped.txt');
  const started = Date.now();
  const code = await nodeTests(lane, findTests(join(root, 'backend', 'test-containers')), tap, 1);
  const minutes = `${((Date.now() - started) / 60_000).toFixed(1)} min`;
  if (existsSync(skipMarker)) return record(lane, 'containers', 0, code === 0 ? 0 : 1, readFileSync(skipMarker, 'utf8').trim(), code === 0);
  const counts = parseTap(tap);
  if (!counts) return record(lane, 'containers', 0, 1, `runner exited ${code} without results`);
  const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
  record(
    lane,
    'containers',
    counts.passed,
    failed,
    [minutes, counts.skipped ? `${counts.skipped} skipped` : ''].filter(Boolean).join(', '),
  );
}

const suites = {
  typecheck: async (lane) => {
    for (const pkg of ['protocol', 'client', 'executor'])
      await check(lane, `typecheck @pairpad/${pkg}`, 'npx', ['tsc', '-p', `packages/${pkg}`, '--noEmit']);
    await check(lane, 'typecheck backend', 'npx', ['tsc', '-p', 'backend', '--noEmit']);
    await check(lane, 'typecheck frontend', 'npx', ['tsc', '-p', 'frontend', '--noEmit']);
    await check(lane, 'typecheck e2e', 'npx', ['tsc', '-p', 'e2e', '--noEmit']);
  },
  lint: (lane) => check(lane, 'lint', 'npx', ['eslint', '--max-warnings=0', 'packages', 'backend', 'frontend', 'e2e', 'scripts', 'bench']),
  // Prettier (.prettierrc.json, .prettierignore): `npm run format` writes what this suite checks.
  format: (lane) => check(lane, 'format', 'npx', ['prettier', '--check', '--log-level=warn', '.']),
  backend: backendTests,
  e2e: async (lane) => {
    // Next's build checks the frontend's types again unless told not to: the typecheck suite does
    // it when it runs too (frontend/next.config.ts).
    const buildEnv = selected('typecheck') ? { PAIRPAD_BUILD_SKIP_TYPES: '1' } : {};
    if (await check(lane, 'production build', 'npm', ['run', 'build'], buildEnv)) await e2eTests(lane);
    else record(lane, 'e2e tests', 0, 1, 'skipped because the build failed');
  },
  containers: containerTests,
};

/**
 * Suites in the same lane run one after another; lanes run at the same time. The two longest
 * (production build then the browser tests; the backend tests) start at once; the container suite
 * (mostly Docker and waiting on containers) is followed by the static checks.
 */
const LANES = [['e2e'], ['backend'], ['containers', 'typecheck', 'lint', 'format']];

/** User + system CPU of this process's waited-for descendants, in minutes (Linux; else undefined). */
function childCpuMinutes() {
  if (!existsSync('/proc/self/stat')) return undefined;
  // After the command's closing parenthesis: cutime and cstime are the 14th and 15th fields, in clock ticks (100 per second).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100 / 60;
}

// Wall time per suite, printed with the summary: the whole run's budget is watched (issue 21).
const timings = {};
const runStarted = Date.now();
const minutesSince = (start) => `${((Date.now() - start) / 60_000).toFixed(1)} min`;
const selected = (name) => only.length === 0 || only.includes(name);
const lanes = (serial ? [LANES.flat()] : LANES).map((lane) => lane.filter(selected)).filter((lane) => lane.length > 0);
prefixed = lanes.length > 1;
await Promise.all(
  lanes.map(async (lane) => {
    for (const name of lane) {
      const started = Date.now();
      await suites[name](name);
      timings[name] = minutesSince(started);
    }
  }),
);

// In the order of `suites`, whichever lane finished first.
const order = Object.keys(suites);
results.sort((a, b) => order.indexOf(a.lane) - order.indexOf(b.lane));
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
const perSuite = order.filter((name) => timings[name]).map((name) => `${name} ${timings[name]}`);
console.log(
  `  wall time ${minutesSince(runStarted)} (${lanes.length > 1 ? 'lanes side by side' : 'one suite at a time'}): ${perSuite.join(', ')}`,
);
// CPU of every process the run waited for (not containers, whose processes belong to the Docker
// daemon): on a shared machine the wall time follows the load, this much less.
const cpu = childCpuMinutes();
if (cpu !== undefined) console.log(`  CPU ${cpu.toFixed(1)} min (user + system of the suites' processes)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
