// Hello-world latency through the executor's API vs the bare interpreter run directly.
// Run from the repo root:  node --import tsx bench/executor-latency.mjs [runs=100]
// Writes the "Latency" part of "## Executor (issue #3)" in bench/RESULTS.md.
import {
  HELLO,
  loadAverage,
  loadSentence,
  machine,
  percentile,
  prepareDirect,
  runApi,
  runDirect,
  startBenchExecutor,
  waitForQuiet,
  writeResultsSection,
} from './executor-bench-common.mjs';

const runs = Number(process.argv[2] ?? 100);
const languages = Object.keys(HELLO);
const wait = await waitForQuiet();
const handle = await startBenchExecutor(languages.join(','));
const rows = [];
try {
  for (const language of languages) {
    const dir = await prepareDirect(language);
    // Warm both paths (page cache, JIT of the server) before measuring.
    for (let i = 0; i < 10; i++) {
      await runDirect(language, dir);
      await runApi(handle.url, language);
    }
    const direct = [];
    const api = [];
    // Interleaved so that both see the same machine state.
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await runDirect(language, dir);
      direct.push(performance.now() - t);
      t = performance.now();
      await runApi(handle.url, language);
      api.push(performance.now() - t);
    }
    const row = { language };
    for (const p of [50, 95]) {
      const d = percentile(direct, p);
      const a = percentile(api, p);
      row[`direct p${p}`] = d.toFixed(1);
      row[`api p${p}`] = a.toFixed(1);
      row[`added p${p}`] = (a - d).toFixed(1);
      row[`ratio p${p}`] = (a / d).toFixed(2);
    }
    rows.push(row);
  }
} finally {
  await handle.close();
}
const loadAtEnd = await loadAverage();
console.table(rows);
console.log(`load average: ${wait.atStart} at start, ${loadAtEnd} at end`);
const health = handle.health();
const cols = ['language', 'direct p50', 'api p50', 'added p50', 'ratio p50', 'direct p95', 'api p95', 'added p95', 'ratio p95'];
const table = [
  `| ${cols.join(' | ')} |`,
  `|${cols.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`),
].join('\n');
const python = rows.find((r) => r.language === 'python');
const verdict = Number(python['added p50']) <= 15 ? 'met' : 'MISSED';
await writeResultsSection(
  'Latency',
  `Command: \`node --import tsx bench/executor-latency.mjs ${runs}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Sandbox: ${health.sandbox.kind}, cgroup ${health.sandbox.cgroup}. ${runs} sequential hello-world runs per language after 10 warm-up runs, API and direct interleaved (one direct run, then one API run); times in ms, wall clock seen by the client (an HTTP client in the same Node process as the executor). "direct" runs the same program with the bare toolchain, spawned from Node (c: gcc -O2 compile + run, as the API does).
${loadSentence(wait, loadAtEnd)}

${table}

Target (python, added ≤ 15 ms at p50): **${verdict}** (${python['added p50']} ms).`,
);
