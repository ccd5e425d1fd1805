// Throughput with 2, 8 and 32 concurrent clients: python hello-world through the executor's API
// vs the same program run directly at the same concurrency. Loopback only.
// Run from the repo root:  node --import tsx bench/executor-throughput.mjs [jobsPerLevel=160]
// Writes the "Throughput" part of "## Executor (issue #3)" in bench/RESULTS.md.
//
// Fairness: "direct" at concurrency N keeps N python3 processes running at once (spawned from
// Node, like the executor does); "api" keeps N HTTP requests in flight, and the executor runs
// at most EXECUTOR_MAX_CONCURRENT_JOBS of them at once (the rest wait in its queue). Each level
// alternates direct and api rounds (ROUNDS of each, jobsPerLevel / ROUNDS jobs per round) so
// that both see the same machine; a warm-up round of each comes first.
import {
  loadAverage,
  loadSentence,
  machine,
  prepareDirect,
  runApi,
  runDirect,
  startBenchExecutor,
  waitForQuiet,
  writeResultsSection,
} from './executor-bench-common.mjs';

const jobs = Number(process.argv[2] ?? 160);
const ROUNDS = 4;
const language = 'python';
const wait = await waitForQuiet();
const handle = await startBenchExecutor(language);
const dir = await prepareDirect(language);

/** Runs `count` tasks with `concurrency` workers; counts failures and jobs never answered. */
async function drive(concurrency, count, task) {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const errors = new Map();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        try {
          await task();
          ok++;
        } catch (error) {
          failed++;
          errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
        }
      }
    }),
  );
  return { ok, failed, lost: count - ok - failed, seconds: (performance.now() - started) / 1000, errors };
}

function add(total, round) {
  total.ok += round.ok;
  total.failed += round.failed;
  total.lost += round.lost;
  total.seconds += round.seconds;
  for (const [message, n] of round.errors) total.errors.set(message, (total.errors.get(message) ?? 0) + n);
}

const rows = [];
try {
  for (const concurrency of [2, 8, 32]) {
    const perRound = Math.max(concurrency, Math.round(jobs / ROUNDS));
    await drive(concurrency, concurrency * 2, () => runDirect(language, dir));
    await drive(concurrency, concurrency * 2, () => runApi(handle.url, language));
    const direct = { ok: 0, failed: 0, lost: 0, seconds: 0, errors: new Map() };
    const api = { ok: 0, failed: 0, lost: 0, seconds: 0, errors: new Map() };
    for (let round = 0; round < ROUNDS; round++) {
      add(direct, await drive(concurrency, perRound, () => runDirect(language, dir)));
      add(api, await drive(concurrency, perRound, () => runApi(handle.url, language)));
    }
    const directRate = direct.ok / direct.seconds;
    const apiRate = api.ok / api.seconds;
    rows.push({
      clients: concurrency,
      jobs: perRound * ROUNDS,
      'direct jobs/s': directRate.toFixed(1),
      'api jobs/s': apiRate.toFixed(1),
      'api/direct': `${((apiRate / directRate) * 100).toFixed(0)}%`,
      failed: api.failed,
      lost: api.lost,
      errors: [...api.errors].map(([m, n]) => `${n}× ${m}`).join('; '),
    });
  }
} finally {
  await handle.close();
}
const loadAtEnd = await loadAverage();
console.table(rows);
console.log(`load average: ${wait.atStart} at start, ${loadAtEnd} at end`);
const health = handle.health();
const cols = ['clients', 'jobs', 'direct jobs/s', 'api jobs/s', 'api/direct', 'failed', 'lost'];
const table = [
  `| ${cols.join(' | ')} |`,
  `|${cols.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`),
].join('\n');
const at32 = rows.find((r) => r.clients === 32);
const ratio32 = parseInt(at32['api/direct'], 10);
const verdict = at32.failed === 0 && at32.lost === 0 && ratio32 >= 80 ? 'met' : 'MISSED';
const cap = health.status === 'ok' ? health.queue.maxConcurrent : '?';
await writeResultsSection(
  'Throughput',
  `Command: \`node --import tsx bench/executor-throughput.mjs ${jobs}\`${process.env.EXECUTOR_MAX_CONCURRENT_JOBS ? ` with EXECUTOR_MAX_CONCURRENT_JOBS=${process.env.EXECUTOR_MAX_CONCURRENT_JOBS}` : ''} — ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Sandbox: ${health.sandbox.kind}, cgroup ${health.sandbox.cgroup}, ${cap} concurrent jobs, queue 256. Python hello-world; at each level a warm-up round of each kind, then ${ROUNDS} direct rounds alternating with ${ROUNDS} API rounds; jobs/s is jobs answered over the time spent in that kind's rounds. "direct" keeps N \`/usr/bin/python3\` processes running at once (spawned from Node); "api" keeps N requests in flight from clients in the executor's own Node process, and the executor runs at most ${cap} at once.
${loadSentence(wait, loadAtEnd)}

${table}

Target (32 clients: no failed or lost job, throughput ≥ 80% of direct): **${verdict}**.`,
);
