// JavaScript a browser downloads for the room page until the editor is ready (issue 21's target:
// ≤ 300 KB), measured in real Chromium over the network, as the served frontend sends it: the
// production build under frontend/serve/server.mjs (what the Docker image, systemd, pm2 and
// `npm start` run: Next's `next start` handler, with the build's static JS and CSS sent as the
// brotli files written at build time to browsers that accept br; everything else gzip, as Next
// compresses), the backend bundle behind it, a real session.
//
//   node bench/room-page-js.mjs [loads=3]
//
// For each load (a fresh browser context, so nothing is cached): open /interview/<id>?name=Bench,
// click "Join interview", wait until CodeMirror shows the room's code (`.cm-content` holds the
// seeded starter, which only a synced room has), editable and highlighted (the starter's string in
// a token span of the Python mode), then sum the encoded (transferred) body sizes of
// every script response so far, as Chromium reports them (Playwright's `request.sizes().responseBodySize`). The
// HTML document (its inline RSC payload scripts) is listed apart. Chromium: /usr/bin/chromium
// (CHROMIUM_PATH overrides). BENCH_NO_WRITE=1 prints without writing bench/RESULTS.md.
import { get } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  buildBackendBundle,
  createBenchSession,
  fmt,
  machineLine,
  repoRoot,
  spawnBackendBundle,
  spawnForBench,
  stopOnExit,
  stopStarted,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

const LOADS = Number(process.argv[2] ?? 3);
const BACKEND_PORT = Number(process.env.BENCH_BACKEND_PORT ?? 5330);
const FRONTEND_PORT = Number(process.env.BENCH_FRONTEND_PORT ?? 3330);
const TARGET_BYTES = 300 * 1000;
const machine = machineLine();

if (!existsSync(join(repoRoot, 'frontend/.next/BUILD_ID'))) throw new Error('no frontend build: run `npm run build -w frontend` first');
if (process.env.BENCH_SKIP_BACKEND_BUILD !== '1') buildBackendBundle();

const backendUrl = `http://127.0.0.1:${BACKEND_PORT}`;
const frontendUrl = `http://localhost:${FRONTEND_PORT}`;
// The backend allows the frontend's origin (CORS and the Socket.IO handshake).
process.env.CLIENT_URL = frontendUrl;
stopOnExit(spawnBackendBundle(BACKEND_PORT));
await waitUntil(async () => (await fetch(`${backendUrl}/health`)).ok, 'backend up', 60_000);
spawnForBench(process.execPath, [join(repoRoot, 'frontend/serve/server.mjs'), '-p', String(FRONTEND_PORT)], {
  cwd: join(repoRoot, 'frontend'),
  env: { NEXT_TELEMETRY_DISABLED: '1', API_URL: backendUrl },
  stdio: 'ignore',
});
await waitUntil(async () => (await fetch(`${frontendUrl}/`)).status < 500, 'frontend up', 60_000);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const loads = [];
for (let i = 0; i < LOADS; i++) {
  const session = await createBenchSession(backendUrl);
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = [];
  page.on('response', (response) => responses.push(response));
  const started = performance.now();
  await page.goto(`${frontendUrl}/interview/${session.id}?name=Bench`);
  // The name is prefilled; joining is the person's click (as in e2e/support/room.ts's joinRoom).
  await page.getByRole('button', { name: 'Join interview' }).click({ timeout: 60_000 });
  await page.locator('.cm-content').filter({ hasText: 'Hello' }).waitFor({ timeout: 60_000 });
  // Ready means usable, not only painted: editable, and highlighted by the room language's mode
  // (the starter's string literal in a token span of its own, which only a loaded Python mode makes).
  await page.locator('.cm-content[contenteditable="true"] .cm-line span', { hasText: 'Hello' }).waitFor({ timeout: 60_000 });
  const readyMs = performance.now() - started;
  // Everything requested until now, finished (a chunk may still be streaming when the editor shows).
  const settled = [...responses];
  const scripts = [];
  let documentBytes = 0;
  for (const response of settled) {
    const request = response.request();
    const type = request.resourceType();
    if (type !== 'script' && type !== 'document') continue;
    await response.finished();
    const sizes = await request.sizes();
    const encoding = (await response.allHeaders())['content-encoding'] ?? 'identity';
    if (type === 'document') documentBytes += sizes.responseBodySize;
    else scripts.push({ url: new URL(response.url()).pathname, bytes: sizes.responseBodySize, encoding });
  }
  await context.close();
  const total = scripts.reduce((sum, script) => sum + script.bytes, 0);
  loads.push({ total, scripts, documentBytes, readyMs });
  console.log(
    `load ${i + 1}: ${scripts.length} scripts, ${fmt(total / 1000)} kB transferred (${[...new Set(scripts.map((s) => s.encoding))].join(', ')}), document ${fmt(documentBytes / 1000)} kB, editor ready after ${fmt(readyMs, 0)} ms`,
  );
}
await browser.close();

/** The body size of `path` as the server sends it to a client that accepts only `encoding`. */
const encodedSize = (path, encoding) =>
  new Promise((resolve, reject) => {
    get(`${frontendUrl}${path}`, { headers: { 'accept-encoding': encoding } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
    }).on('error', reject);
  });
// The last load's scripts again, as a browser without brotli gets them (Next's gzip).
let gzipTotal = 0;
for (const script of loads.at(-1).scripts) gzipTotal += await encodedSize(script.url, 'gzip');
stopStarted();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const last = loads.at(-1);
const bySize = [...last.scripts].sort((a, b) => b.bytes - a.bytes);
const biggest = bySize.slice(0, 8);
const encodings = [...new Set(loads.flatMap((load) => load.scripts.map((script) => script.encoding)))].join(', ');
const total = median(loads.map((load) => load.total));
console.table(bySize.map((script) => ({ script: script.url.split('/').pop(), kB: Number((script.bytes / 1000).toFixed(1)) })));
writeResultsSection(
  'Room page JavaScript in Chromium (issue 21)',
  `Command: \`node bench/room-page-js.mjs ${LOADS}\` — ${new Date().toISOString().slice(0, 16)}Z, ${machine}. Production build under \`frontend/serve/server.mjs\` (as the Docker image serves it), real backend and session, Chromium ${browser.version()}; ${LOADS} loads in fresh contexts, nothing cached.

| what (median of ${LOADS} loads) | transferred |
|---|---|
| **JavaScript until the editor shows the room's code, editable and highlighted** (every script response, encoded body as Chromium received it; content-encoding: ${encodings}) | **${fmt(total / 1000)} kB** (${last.scripts.length} scripts) |
| the same scripts (last load) as a browser without brotli gets them (gzip, Next's own compression) | ${fmt(gzipTotal / 1000)} kB |
| the HTML document (with its inline RSC payload) | ${fmt(median(loads.map((load) => load.documentBytes)) / 1000)} kB |
| editor ready after | ${fmt(median(loads.map((load) => load.readyMs)), 0)} ms |

Largest scripts (last load): ${biggest.map((script) => `\`${script.url.split('/').pop()}\` ${fmt(script.bytes / 1000)} kB`).join(', ')}.

Target ≤ 300 kB: **${total <= TARGET_BYTES ? 'met' : 'MISSED'}**.`,
);
process.exit(0);
