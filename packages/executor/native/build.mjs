// Builds the compiled stage-launcher family (pairpad-launcher.c) beside its source, when a C
// compiler is here; without one the executor's launchers stay bash scripts (launcher.ts).
//   node packages/executor/native/build.mjs [--quiet]
// Run by scripts/setup.mjs and by the executor's image; exits 0 either way, saying which.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const cc = process.env.CC ?? 'cc';
const result = spawnSync(cc, ['-O2', '-Wall', '-Werror', '-o', path.join(dir, 'pairpad-launcher'), path.join(dir, 'pairpad-launcher.c')], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const quiet = process.argv.includes('--quiet');
if (result.error || result.status !== 0) {
  console.warn(`stage launcher not compiled (${result.error?.message ?? `${cc} exited ${result.status}`}): the executor uses bash's`);
} else if (!quiet) {
  console.log(`compiled ${path.join(dir, 'pairpad-launcher')}`);
}
