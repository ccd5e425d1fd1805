// Small helpers shared by the root scripts (setup, start, dev, test-all). Plain Node, no deps,
// because they run before `npm install` has happened.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function log(message) {
  console.log(`\x1b[36m[pairpad]\x1b[0m ${message}`);
}

export function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command inheriting stdio; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolvePromise(127));
  });
}

/** Newest modification time (ms) of any file under the given paths, skipping build output. */
export function newestMtime(paths) {
  let newest = 0;
  const skip = new Set(['node_modules', '.next', 'dist', 'test-results', 'playwright-report']);
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) if (!skip.has(entry)) visit(join(path, entry));
    } else {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const path of paths) visit(resolve(root, path));
  return newest;
}

export function mtimeOf(path) {
  const full = resolve(root, path);
  return existsSync(full) ? statSync(full).mtimeMs : 0;
}

/** Every `*.test.ts` under a folder, sorted (Node 20's test runner does not expand globs). */
export function findTests(folder) {
  const found = [];
  const visit = (path) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) visit(full);
      else if (entry.endsWith('.test.ts')) found.push(full);
    }
  };
  if (existsSync(folder)) visit(folder);
  return found.sort();
}
