// Throughput with 2, 8 and 32 concurrent clients: python hello-world through the executor's API
// vs the same program run directly at the same concurrency. Loopback only.
// Run from the repo root:  node --import tsx bench/executor-throughput.mjs [jobsPerLevel=160]
// Writes the "Throughput" part of "## Executor (issue #3)" in bench/RESULTS.md.
import { machine, prepareDirect, runApi, runDirect, startBenchExecutor, writeResultsSection } from './executor-bench-common.mjs';

const jobs = Number(process.argv[2] ?? 160);
const language = 'python';
const handle = await startBenchExecutor(language);
const dir = await prepareDirect(language);

async function drive(concurrency, task) {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const errors = new Map();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) {
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
  const seconds = (performance.now() - started) / 1000;
  return { ok, failed, lost: jobs - ok - failed, perSecond: ok / seconds, errors: [...errors].slice(0, 3) };
}

const rows = [];
try {
  for (let i = 0; i < 4; i++) await runApi(handle.url, language);
  for (const concurrency of [2, 8, 32]) {
    const direct = await drive(concurrency, () => runDirect(language, dir));
    const api = await drive(concurrency, () => runApi(handle.url, language));
    rows.push({
      clients: concurrency,
      'direct jobs/s': direct.perSecond.toFixed(1),
      'api jobs/s': api.perSecond.toFixed(1),
      'api/direct': `${((api.perSecond / direct.perSecond) * 100).toFixed(0)}%`,
      failed: api.failed,
      lost: api.lost,
      errors: api.errors.map(([m, n]) => `${n}× ${m}`).join('; '),
    });
  }
} finally {
  await handle.close();
}
console.table(rows);
const health = handle.health();
const cols = ['clients', 'direct jobs/s', 'api jobs/s', 'api/direct', 'failed', 'lost'];
const table = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
const at32 = rows.find((r) => r.clients === 32);
const ratio32 = parseInt(at32['api/direct'], 10);
const verdict = at32.failed === 0 && at32.lost === 0 && ratio32 >= 80 ? 'met' : 'MISSED';
await writeResultsSection(
  'Throughput',
  `Command: \`node --import tsx bench/executor-throughput.mjs ${jobs}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Sandbox: ${health.sandbox.kind}, cgroup ${health.sandbox.cgroup}, ${health.status === 'ok' ? health.queue.maxConcurrent : '?'} concurrent jobs (default: number of cores), queue 256. ${jobs} python hello-world jobs per level; "direct" spawns /usr/bin/python3 at the same concurrency.

${table}

Target (32 clients: no failed or lost job, throughput ≥ 80% of direct): **${verdict}**.`,
);
