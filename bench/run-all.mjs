// `npm run bench`: every benchmark in turn; each writes its own section of bench/RESULTS.md.
// Run on a quiet machine: the figures are only as good as the load around them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, repoRoot } from './bench-utils.mjs';

const BENCHES = [
  ['collab-latency.mjs', ['--import', 'tsx']],
  ['room-memory.mjs', ['--expose-gc', '--import', 'tsx']],
  ['frontend-bundle.mjs', []],
  ['room-page-js.mjs', []],
  ['executor-latency.mjs', ['--import', 'tsx']],
  ['executor-throughput.mjs', ['--import', 'tsx']],
  ['run-latency.mjs', ['--import', 'tsx']],
  ['collab-two-nodes.mjs', ['--import', 'tsx']],
];

let failed = 0;
for (const [script, nodeArgs] of BENCHES) {
  if (!existsSync(join(benchDir, script))) continue;
  console.log(`\n=== ${script}`);
  const result = spawnSync('node', [...nodeArgs, join('bench', script)], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
console.log(failed === 0 ? '\nall benchmarks ran; see bench/RESULTS.md' : `\n${failed} benchmark(s) failed`);
process.exit(failed === 0 ? 0 : 1);
