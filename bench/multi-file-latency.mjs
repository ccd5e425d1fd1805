// Multi-file runs vs single-file runs through the embedded executor's API (issue #25).
// Run from the repo root:  node --import tsx bench/multi-file-latency.mjs [runs=40]
// Writes "### Multi-file runs" under "## Projects (issue #25)" in bench/RESULTS.md.
import { machine, measureOnExecutor, percentile, postExecutor, writeResultsSection } from './executor-bench-common.mjs';

const runs = Number(process.argv[2] ?? 40);

const pythonModules = (count) => Array.from({ length: count }, (_, i) => ({ name: `pkg/m${i}.py`, content: `V = ${i}\n` }));
const pythonWorkspace = (count) => [
  {
    name: 'main.py',
    content: `${pythonModules(count)
      .map((_, i) => `from pkg.m${i} import V as v${i}`)
      .join('\n')}\nprint(sum([${pythonModules(count)
      .map((_, i) => `v${i}`)
      .join(', ')}]))\n`,
  },
  { name: 'pkg/__init__.py', content: '' },
  ...pythonModules(count),
];
const sum = (count) => `${(count * (count - 1)) / 2}\n`;

const cSources = (count) =>
  Array.from({ length: count }, (_, i) => ({ name: `src/f${i}.c`, content: `#include "fns.h"\nint f${i}(void) { return ${i}; }\n` }));
const cWorkspace = (count) => [
  {
    name: 'main.c',
    content: `#include <stdio.h>\n#include "fns.h"\nint main(void) { printf("%d\\n", ${
      Array.from({ length: count }, (_, i) => `f${i}()`).join(' + ') || '0'
    }); return 0; }\n`,
  },
  { name: 'include/fns.h', content: Array.from({ length: count }, (_, i) => `int f${i}(void);`).join('\n') + '\n' },
  ...cSources(count),
];

const SQL_SETUP = [
  { name: 'question/schema.sql', content: 'CREATE TABLE t (v INTEGER);\n' },
  {
    name: 'question/seed.sql',
    content: `INSERT INTO t (v) VALUES ${Array.from({ length: 1000 }, (_, i) => `(${i})`).join(', ')};\n`,
  },
];

/** [label, language, files, expected stdout] */
const CASES = [
  ['python, 1 file', 'python', [{ name: 'main.py', content: 'print(0)\n' }], '0\n'],
  ['python, 4 files (from memory)', 'python', pythonWorkspace(2), sum(2)],
  ['python, 22 files (staged on disk)', 'python', pythonWorkspace(20), sum(20)],
  ['c, 1 file', 'c', [{ name: 'main.c', content: '#include <stdio.h>\nint main(void) { printf("0\\n"); return 0; }\n' }], '0\n'],
  ['c, 6 files (4 sources + header)', 'c', cWorkspace(4), sum(4)],
  ['sqlite3, 1 file', 'sqlite3', [{ name: 'main.sql', content: 'SELECT 0;\n' }], '0\n'],
  [
    'sqlite3, query + schema + 1,000-row seed',
    'sqlite3',
    [{ name: 'main.sql', content: 'SELECT count(*) FROM t;\n' }, ...SQL_SETUP],
    '1000\n',
  ],
  // A role and a database created from template0, seeded, queried and dropped, per run.
  [
    'postgresql, query + schema + 1,000-row seed',
    'postgresql',
    [{ name: 'main.sql', content: 'SELECT count(*) FROM t;\n' }, ...SQL_SETUP],
    '1000\n',
  ],
];

async function execute(url, language, files, expected) {
  const args = { sqlite3: ['-list'], postgresql: ['-A', '-t'] }[language] ?? [];
  const body = await postExecutor(url, 'execute', { language, version: '*', files, args });
  if (body.run.stdout !== expected) throw new Error(`${language}: wrong output ${JSON.stringify(body.run)}`);
}

async function measure(handle) {
  const offered = new Set(
    handle.health().status === 'ok' ? (await (await fetch(`${handle.url}/api/v2/runtimes`)).json()).map((rt) => rt.language) : [],
  );
  const rows = [];
  for (const [label, language, files, expected] of CASES) {
    if (!offered.has(language)) {
      console.error(`${label}: ${language} is not offered here, skipped`);
      continue;
    }
    for (let i = 0; i < 5; i++) await execute(handle.url, language, files, expected);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await execute(handle.url, language, files, expected);
      times.push(performance.now() - t);
    }
    rows.push({ case: label, p50: percentile(times, 50).toFixed(1), p95: percentile(times, 95).toFixed(1) });
  }
  return rows;
}

process.env.EXECUTOR_POSTGRES ??= 'on';
// A shared machine may never be quiet: wait a minute at most (the load is recorded either way).
const {
  result: rows,
  load,
  handle,
} = await measureOnExecutor('python,c,sqlite3,postgresql', measure, { maxWaitMs: 60_000, checkMs: 15_000 });
console.table(rows);
const table = ['| case | p50 ms | p95 ms |', '|---|---|---|', ...rows.map((r) => `| ${r.case} | ${r.p50} | ${r.p95} |`)].join('\n');
await writeResultsSection(
  'Multi-file runs',
  `Command: \`node --import tsx bench/multi-file-latency.mjs ${runs}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Sandbox: ${handle.health().sandbox.kind}, cgroup ${handle.health().sandbox.cgroup}. ${runs} sequential runs per case after 5 warm-up runs; wall clock seen by an HTTP client in the executor's own process (POST /api/v2/execute). Up to 4 files go into the box from memory; more are written to the job's directory first. PostgreSQL (EXECUTOR_POSTGRES=on): each run creates a role and a database from template0, runs the schema, the seed and the query through psql in the sandbox, then drops both.
${load}

${table}`,
  '## Projects (issue #25)',
);
