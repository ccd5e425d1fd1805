#!/usr/bin/env node
/**
 * Starts the production frontend for the e2e run: builds first when `.next` is missing or older
 * than any source it is built from, then runs the production server (frontend/serve/server.mjs:
 * `next start`'s handler, static JS and CSS in brotli). The backend URL is given at runtime
 * (API_URL), so the same build serves the tests and a normal start.
 *
 * Usage: FRONTEND_PORT=3100 API_URL=http://localhost:5100 node e2e/support/serve-frontend.mjs
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frontend = path.join(root, 'frontend');
const buildId = path.join(frontend, '.next', 'BUILD_ID');
const sources = [
  path.join(frontend, 'src'),
  path.join(frontend, 'public'),
  path.join(frontend, 'next.config.ts'),
  path.join(frontend, 'loaders'),
  path.join(frontend, 'serve', 'precompress.mjs'),
  path.join(frontend, 'package.json'),
  path.join(root, 'packages', 'protocol', 'src'),
  path.join(root, 'packages', 'client', 'src'),
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const changedAt = Math.max(...sources.map(newestMtime));
if (builtAt < changedAt || process.env.E2E_FORCE_BUILD === '1') {
  console.log(builtAt === 0 ? '[e2e] no frontend build yet: building' : '[e2e] frontend sources changed since the last build: rebuilding');
  const build = spawnSync('npm', ['run', 'build', '-w', 'frontend'], { cwd: root, env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  console.log('[e2e] reusing the existing frontend build');
}

const port = process.env.FRONTEND_PORT ?? '3000';
const server = spawn(process.execPath, ['serve/server.mjs', '-p', port], { cwd: frontend, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
