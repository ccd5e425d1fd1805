import { spawn, spawnSync } from 'node:child_process';
// Shared helpers for the benchmark scripts: percentiles, process sampling, RESULTS.md sections.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(benchDir, '..');

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

export const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User and system CPU ticks, and the name, from a /proc `stat` file (a process's or a thread's). */
export function statCpuTicks(statPath) {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), user: Number(fields[11]), system: Number(fields[12]) };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuSeconds(pid) {
  const { user, system } = statCpuTicks(`/proc/${pid}/stat`);
  return (user + system) / CLOCK_TICKS;
}

export function processRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
}

export function machineLine() {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at start ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
}

/** Replaces (or appends) the `## heading` section of bench/RESULTS.md, leaving the others alone. */
export function writeResultsSection(heading, body) {
  if (process.env.BENCH_NO_WRITE === '1') return console.log(`(BENCH_NO_WRITE=1: not writing "${heading}")\n${body}`);
  const file = join(benchDir, 'RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const marker = `## ${heading}`;
  const start = current.indexOf(marker);
  const section = `${marker}\n\n${body.trim()}\n\n`;
  let next;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const after = current.indexOf('\n## ', start + marker.length);
    next = current.slice(0, start) + section + (after === -1 ? '' : current.slice(after + 1));
  }
  writeFileSync(file, `${next.trimEnd()}\n`);
}

/** Polls `check` until it returns true (a throw counts as "not yet"); fails after `timeoutMs`. */
export async function waitUntil(check, what, timeoutMs = 30_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process's RSS once it has stopped moving: two samples `intervalMs` apart within 1 MiB, at most 20 samples. */
export async function settledRss(pid, intervalMs) {
  let previous = processRssBytes(pid);
  for (let i = 0; i < 20; i++) {
    await sleep(intervalMs);
    const current = processRssBytes(pid);
    if (Math.abs(current - previous) < 2 ** 20) return current;
    previous = current;
  }
  return previous;
}

const stoppedOnExit = [];

/** Stops every child given to `stopOnExit` that still runs: its process group when it leads one, else itself (SIGTERM). */
export function stopStarted() {
  for (const child of stoppedOnExit) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
}

/** Stops `child` when the bench exits, Ctrl+C included, or at `stopStarted()`. Returns it. */
export function stopOnExit(child) {
  if (stoppedOnExit.length === 0) {
    process.on('exit', stopStarted);
    process.on('SIGINT', () => process.exit(130));
  }
  stoppedOnExit.push(child);
  return child;
}

/**
 * Starts `command` in a process group of its own (so what it starts goes with it), from the
 * repository root unless `cwd` says otherwise, with `env` over this process's; stopped when the
 * bench exits (`stopOnExit`). Returns the child.
 */
export function spawnForBench(command, args, { env = {}, cwd = repoRoot, stdio = ['ignore', 'inherit', 'inherit'] } = {}) {
  return stopOnExit(spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio, detached: true }));
}

/**
 * The servers of a bench in the browser: the backend from source with its embedded executor
 * (Python only, runs and sessions unthrottled, `env` added) and the production frontend
 * (`e2e/support/serve-frontend.mjs`, built first when its sources changed), on `ports`. Resolves,
 * once the executor is ready and the frontend answers, with their addresses; both stop when the
 * bench exits.
 */
export async function startBrowserBenchServers(ports, env = {}) {
  const api = `http://127.0.0.1:${ports.backend}`;
  const frontendUrl = `http://localhost:${ports.frontend}`;
  spawnForBench('node', ['--import', 'tsx', 'backend/src/main.ts'], {
    env: {
      PORT: String(ports.backend),
      HOST: '127.0.0.1',
      CLIENT_URL: frontendUrl,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PISTON_URL: '',
      EXECUTOR_PORT: String(ports.executor),
      EXECUTOR_RUNTIMES: 'python',
      EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '100000',
      SESSIONS_PER_MINUTE_PER_IP: '100000',
      ...env,
      ...benchBackendEnv(),
    },
  });
  spawnForBench('node', ['e2e/support/serve-frontend.mjs'], {
    env: { FRONTEND_PORT: String(ports.frontend), API_URL: `http://localhost:${ports.backend}` },
  });
  await waitUntil(
    async () => (await (await fetch(`${api}/health/executor`)).json()).details?.ready === true,
    'backend and executor ready',
    120_000,
    100,
  );
  await waitUntil(async () => (await fetch(frontendUrl)).ok, 'frontend', 600_000, 100);
  return { api, frontendUrl };
}

export const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** A benched backend's environment on 127.0.0.1:`port`: production mode, warnings only, its own admin and database, then `env`. */
function backendProcessEnv(port, env) {
  return { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...benchBackendEnv(), ...env };
}

/**
 * Starts the backend from source (`tsx backend/src/main.ts`) of the checkout at `root` (this one
 * unless a baseline is compared) on 127.0.0.1:`port`, plus `env` (PISTON_URL, REDIS_URL, limits).
 * Returns the child.
 */
export function spawnBackendFromSource(port, env, root = repoRoot) {
  return spawn('node', ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: root,
    env: backendProcessEnv(port, env),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Builds the backend bundle (`npm run build -w backend`): the benches run what `npm start` runs, not tsx. */
export function buildBackendBundle() {
  if (spawnSync('npm', ['run', 'build', '-w', 'backend'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0)
    throw new Error('backend build failed');
}

/**
 * Starts the backend bundle (`backend/dist/server.js`, built by `buildBackendBundle`) on
 * 127.0.0.1:`port`: production mode, in memory, warnings only, no executor behind it, and session
 * creation unthrottled for the idle benches' thousands of rooms. `nodeArgs` go before the script
 * (--inspect, --cpu-prof); `stderr` is 'inherit' or 'ignore' (the inspector's banner).
 */
export function spawnBackendBundle(port, { nodeArgs = [], stderr = 'inherit' } = {}) {
  return spawn('node', [...nodeArgs, 'backend/dist/server.js'], {
    cwd: repoRoot,
    env: backendProcessEnv(port, { PISTON_URL: 'http://127.0.0.1:9', SESSIONS_PER_MINUTE_PER_IP: '1000000' }),
    stdio: ['ignore', 'inherit', stderr],
  });
}

/** The first admin of every benched backend: sessions are created signed in, as a team member does. */
export const BENCH_ADMIN = { email: 'bench@pairpad.test', password: 'bench-admin-password' };

/**
 * Env for a benched backend: its first admin (ADMIN_EMAIL/ADMIN_PASSWORD) and a throwaway SQLite
 * folder of its own (so runs never share or keep a database), sign-ins unthrottled.
 */
export function benchBackendEnv() {
  return {
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'pairpad-bench-')),
    SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: '1000000',
  };
}

const benchAgents = new Map();

/**
 * Signs in as BENCH_ADMIN once per backend URL: `{ cookie, csrfToken }`, or null for a backend
 * without accounts (an older checkout measured as "base").
 */
export function signInBench(url) {
  if (!benchAgents.has(url)) {
    benchAgents.set(
      url,
      (async () => {
        const response = await fetch(`${url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(BENCH_ADMIN),
        });
        if (response.status === 404) return null;
        if (!response.ok) throw new Error(`bench sign-in: HTTP ${response.status} ${await response.text()}`);
        const cookie = response.headers
          .getSetCookie()
          .map((header) => header.split(';')[0])
          .find((pair) => pair.startsWith('pairpad_session='));
        const { csrfToken } = await response.json();
        return { cookie, csrfToken };
      })(),
    );
  }
  return benchAgents.get(url);
}

/** POST /api/sessions as the bench admin; answers the created session (id, interviewerToken, links). */
export async function createBenchSession(url, body = { language: 'python' }, retried = false) {
  const agent = await signInBench(url);
  const response = await fetch(`${url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(agent ? { cookie: agent.cookie, 'x-csrf-token': agent.csrfToken } : {}) },
    body: JSON.stringify(body),
  });
  // A fresh backend on the same URL (the next round of an interleaved run) knows no earlier sign-in.
  if (response.status === 401 && !retried) {
    benchAgents.delete(url);
    return createBenchSession(url, body, true);
  }
  if (response.status !== 201) throw new Error(`session create: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}
