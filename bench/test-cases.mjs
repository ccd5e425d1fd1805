// Issue #12's figure: 20 test cases as one test run (POST /api/v2/pairpad/batch: compile once,
// cases in parallel within the executor's slots) against 20 separate executes of the same
// program sent one after the other, as a client without the batch endpoint runs them.
// Rounds alternate A B A B so both see the same machine state.
// Run from the repo root:  node --import tsx bench/test-cases.mjs [rounds=5]
// Writes "### Test cases (issue #12)" in "## Executor (issue #3)" of bench/RESULTS.md.
import { machine, measureOnExecutor, percentile, postExecutor, writeResultsSection } from './executor-bench-common.mjs';

const rounds = Number(process.argv[2] ?? 5);
const CASES = 20;
const PROGRAMS = {
  'c++': {
    name: 'main.cpp',
    content: '#include <iostream>\nint main(){ long a, s = 0; while (std::cin >> a) s += a; std::cout << s << std::endl; }\n',
    target: 0.25,
  },
  python: { name: 'main.py', content: 'import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\n', target: 0.7 },
};
const stdinOf = (i) => `${i} ${i * 2} ${i * 3}`;
const expected = (i) => `${i * 6}\n`;

async function batch(url, language) {
  const { name, content } = PROGRAMS[language];
  const body = await postExecutor(url, 'pairpad/batch', {
    language,
    version: '*',
    files: [{ name, content }],
    cases: Array.from({ length: CASES }, (_, i) => ({ stdin: stdinOf(i) })),
  });
  body.cases.forEach((c, i) => {
    if (c.stdout !== expected(i)) throw new Error(`batch case ${i}: ${JSON.stringify(c)}`);
  });
}

async function separate(url, language) {
  const { name, content } = PROGRAMS[language];
  for (let i = 0; i < CASES; i++) {
    const body = await postExecutor(url, 'execute', { language, version: '*', files: [{ name, content }], stdin: stdinOf(i) });
    if (body.run.stdout !== expected(i)) throw new Error(`execute ${i}: ${JSON.stringify(body.run)}`);
  }
}

async function measure(handle) {
  const rows = [];
  for (const language of Object.keys(PROGRAMS)) {
    await batch(handle.url, language);
    await separate(handle.url, language);
    const times = { batch: [], separate: [] };
    for (let round = 0; round < rounds; round++) {
      for (const [kind, run] of [
        ['batch', batch],
        ['separate', separate],
      ]) {
        const started = performance.now();
        await run(handle.url, language);
        times[kind].push(performance.now() - started);
      }
    }
    const b = percentile(times.batch, 50);
    const s = percentile(times.separate, 50);
    const ratio = b / s;
    rows.push(
      `| ${language} | ${b.toFixed(0)} | ${s.toFixed(0)} | ${ratio.toFixed(2)}× | ≤ ${PROGRAMS[language].target}× | ${ratio <= PROGRAMS[language].target ? 'met' : 'MISSED'} |`,
    );
    console.log(rows.at(-1));
  }
  return rows;
}

const { result: rows, load } = await measureOnExecutor(Object.keys(PROGRAMS).join(','), measure);
await writeResultsSection(
  'Test cases (issue #12)',
  `\`node --import tsx bench/test-cases.mjs ${rounds}\` on ${machine()}, ${new Date().toISOString().slice(0, 10)}. ` +
    `${CASES} cases (stdin differs per case, output checked), median of ${rounds} alternating rounds; executor slots = cores. ${load}\n\n` +
    '| language | one batch (ms) | 20 sequential executes (ms) | ratio | target | |\n|---|---|---|---|---|---|\n' +
    rows.join('\n'),
);
