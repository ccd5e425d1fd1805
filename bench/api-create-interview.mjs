// Creating an interview through the public API (issue 23): POST /api/v1/interviews with a
// personal API token, as an applicant tracking system books one, against a backend in its own
// process on loopback. Target: p95 ≤ 30 ms. No peer: no other open-source interview pad offers
// such an API to measure against.
//
//   node --import tsx bench/api-create-interview.mjs [creates=300] [concurrency=4] [baselineRoot]
//
// Per engine (SQLite in a temp DATA_DIR; PostgreSQL 15, the tests' throwaway server): 20
// warm-up creates, then `creates` one after another, then `creates` with `concurrency` in flight.
// Each body names a bank question (the room is opened and seeded from it), a candidate and an
// interviewer (looked up among the members). Latency is the client's: request sent → 201 read.
// With `baselineRoot` (another checkout, e.g. /work/main), its backend is measured too, paired:
// per engine, baseline then this tree then baseline then this tree, each on a fresh database,
// and each side's figures are its two runs pooled.
// Results go to bench/RESULTS.md under "Public API: create an interview (issue 23)".
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import {
  BENCH_ADMIN,
  fmt,
  machineLine,
  processCpuSeconds,
  repoRoot,
  signInBench,
  spawnBackendFromSource,
  summarize,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The backend of the checkout at `root`, from source, in its own process (production mode, its own SQLite folder unless DATABASE_URL). */
async function startServer(env, root = repoRoot) {
  const port = await freePort();
  const child = spawnBackendFromSource(
    port,
    { PISTON_URL: 'http://127.0.0.1:9', API_REQUESTS_PER_MINUTE_PER_TOKEN: '1000000', ...env },
    root,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/health/live`)).ok, 'backend up', 60_000);
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

async function tokenFor(url) {
  const { cookie, csrfToken } = await signInBench(url);
  const created = await fetch(`${url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'bench', scopes: ['read', 'write'] }),
  });
  if (created.status !== 201) throw new Error(`token: ${created.status} ${await created.text()}`);
  return (await created.json()).secret;
}

let serial = 0;
async function createOne(url, token) {
  serial += 1;
  const body = JSON.stringify({
    title: `Backend engineer #${serial}`,
    questionId: 'two-sum',
    language: 'python',
    interviewers: [BENCH_ADMIN.email],
    candidateName: `Candidate ${serial}`,
    candidateEmail: `candidate${serial}@example.test`,
  });
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/interviews`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 201) throw new Error(`create: ${response.status}`);
  return ms;
}

async function measure(server, token, creates, concurrency) {
  const { url } = server;
  const times = [];
  const cpuBefore = processCpuSeconds(server.pid);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < creates) {
        next += 1;
        times.push(await createOne(url, token));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = processCpuSeconds(server.pid) - cpuBefore;
  return { times, seconds, cpuSeconds, creates };
}

/** Several runs of one phase as one: latencies pooled, rates and CPU over the runs' sums. */
function pooled(runs) {
  const times = runs.flatMap((run) => run.times);
  const creates = runs.reduce((sum, run) => sum + run.creates, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpuSeconds = runs.reduce((sum, run) => sum + run.cpuSeconds, 0);
  return { ...summarize(times), perSecond: creates / seconds, cpuMs: (cpuSeconds * 1000) / creates };
}

/**
 * The machine's floor at the same moment: GET /health/live (no database, no token) one after
 * another. On a loaded machine it shows how much of a create's latency is waiting for a core.
 */
async function measureFloor(url, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await (await fetch(`${url}/health/live`)).arrayBuffer();
    times.push(performance.now() - started);
  }
  return { ...summarize(times), times };
}

async function runOnce(env, root, creates, concurrency) {
  const server = await startServer(env, root);
  try {
    const token = await tokenFor(server.url);
    for (let i = 0; i < 20; i++) await createOne(server.url, token);
    const sequential = await measure(server, token, creates, 1);
    const parallel = await measure(server, token, creates, concurrency);
    const floor = await measureFloor(server.url, creates);
    return { sequential, parallel, floor };
  } finally {
    await server.close();
  }
}

/** One engine, for each tree (baseline first), `rounds` times in turn; `freshEnv()` gives each run its database. */
async function runEngine(name, freshEnv, trees, creates, concurrency, rounds) {
  const runs = new Map(trees.map((tree) => [tree.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const tree of trees) runs.get(tree.label).push(await runOnce(await freshEnv(), tree.root, creates, concurrency));
  }
  return trees.map((tree) => {
    const mine = runs.get(tree.label);
    return {
      name,
      tree: tree.label,
      sequential: pooled(mine.map((run) => run.sequential)),
      parallel: pooled(mine.map((run) => run.parallel)),
      floor: summarize(mine.flatMap((run) => run.floor.times)),
    };
  });
}

async function main() {
  const creates = Number(process.argv[2] ?? 300);
  const concurrency = Number(process.argv[3] ?? 4);
  const baselineRoot = process.argv[4];
  const trees = [
    ...(baselineRoot ? [{ label: `baseline (${baselineRoot})`, root: baselineRoot }] : []),
    { label: 'this tree', root: repoRoot },
  ];
  const rounds = baselineRoot ? 2 : 1;
  const machine = machineLine();
  const results = [];
  results.push(...(await runEngine('SQLite (better-sqlite3 12, WAL)', () => ({}), trees, creates, concurrency, rounds)));
  const { startPostgresServer } = await import('../backend/test/helpers/postgres.ts');
  const postgres = await startPostgresServer();
  try {
    let databases = 0;
    const freshEnv = async () => ({ DATABASE_URL: await postgres.createDatabase(`bench_api_${(databases += 1)}`) });
    results.push(...(await runEngine('PostgreSQL 15 (pg 8, loopback)', freshEnv, trees, creates, concurrency, rounds)));
  } finally {
    await postgres.stop();
  }

  const row = (label, m) =>
    `| ${label} | ${fmt(m.p50)} / **${fmt(m.p95)}** / ${fmt(m.p99)} / ${fmt(m.max)} | ${m.perSecond.toFixed(0)} | ${fmt(m.cpuMs, 2)} |`;
  const lines = [
    machine,
    '',
    `\`node --import tsx bench/api-create-interview.mjs ${creates} ${concurrency}${baselineRoot ? ` ${baselineRoot}` : ''}\`: the backend in its own process on loopback (\`tsx backend/src/main.ts\`, production mode; PISTON_URL points nowhere: no code runs), a read+write token; per engine 20 warm-up creates, then ${creates} \`POST /api/v1/interviews\` one after another, then ${creates} with ${concurrency} in flight. Each names a bank question (two-sum: the room is opened and seeded with its starter), a candidate and an interviewer member. Latency as the client sees it (sent → 201 read).${
      baselineRoot
        ? ` Paired: per engine the baseline's backend, then this tree's, twice in turn (each run on a fresh database); each row pools a side's two runs.`
        : ''
    }`,
    '',
    '| engine, tree, load | p50 / p95 / p99 / max (ms) | creates/s | backend CPU per create (ms) |',
    '|---|---|---|---|',
  ];
  for (const result of results) {
    const label = baselineRoot ? `${result.name}, ${result.tree}` : result.name;
    lines.push(
      row(`${label}, sequential`, result.sequential),
      row(`${label}, ${concurrency} in flight`, result.parallel),
      `| reference: GET /health/live on the same backend, sequential | ${fmt(result.floor.p50)} / ${fmt(result.floor.p95)} / ${fmt(result.floor.p99)} / ${fmt(result.floor.max)} | | |`,
    );
  }
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  const mine = results.filter((result) => result.tree === 'this tree');
  const worst = mine.reduce((a, b) => (Math.max(a.sequential.p95, a.parallel.p95) >= Math.max(b.sequential.p95, b.parallel.p95) ? a : b));
  const worstP95 = Math.max(worst.sequential.p95, worst.parallel.p95);
  const met = worstP95 <= 30;
  const floorP95 = Math.max(...mine.map((result) => result.floor.p95));
  lines.push(
    '',
    `Load average at the end: ${load}. Backend CPU per create is user + system time of the backend process (/proc) over the phase, divided by the creates: what a create costs whatever the machine's load.`,
    '',
    `Target (p95 ≤ 30 ms, every engine and load): **${met ? 'met' : 'missed'} in this run** — worst p95 of this tree ${fmt(worstP95)} ms (${worst.name}${
      worst.parallel.p95 >= worst.sequential.p95 ? `, ${concurrency} in flight` : ', sequential'
    }).${
      floorP95 > 30
        ? ` The floor's p95 (a route that touches nothing) was ${fmt(floorP95)} ms at the same moment: this machine was too loaded for a pass to be possible.`
        : ''
    } No peer: CoderPad, CodeSignal and HackerRank have such APIs but are closed services (nothing to run here), and the open-source pads measured elsewhere in this file have none.`,
  );
  writeResultsSection('Public API: create an interview (issue 23)', lines.join('\n'));
  console.log(lines.join('\n'));
}

await main();
