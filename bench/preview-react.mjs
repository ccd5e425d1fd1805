// Live previews, React + Vite + TypeScript template (issue 25):
// - first paint after Start: POST start → the app's heading painted in Chromium (target ≤ 3 s);
// - an edit of App.tsx → the new heading painted through Vite's HMR (target p50 ≤ 500 ms).
// The page is served as the backend serves it: a host of its own whose every path is proxied to
// the executor's /preview/<id>/… (the backend's PreviewClient, the token check left out).
// `node --import tsx bench/preview-react.mjs [starts=5] [edits=30]`; BENCH_NO_WRITE=1 to not write RESULTS.md.
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { loadAverage, percentile, startBenchExecutor, writeResultsSection } from './executor-bench-common.mjs';
import { PreviewClient } from '../backend/src/previews/preview-client.ts';

const starts = Number(process.argv[2] ?? 5);
const edits = Number(process.argv[3] ?? 30);
/** The backend's default PREVIEW_EDIT_DEBOUNCE_MS: a keystroke waits this long before it is written through. */
const DEBOUNCE_MS = 100;

const loadStart = await loadAverage();
const executor = await startBenchExecutor('bash');
const client = new PreviewClient(executor.url, undefined);
let current = '';
const front = createServer((req, res) => client.proxy(current, req, res));
front.on('upgrade', (req, socket, head) => client.proxyUpgrade(current, req, socket, head));
await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
const frontUrl = `http://127.0.0.1:${front.address().port}/`;
const executablePath = ['/usr/bin/chromium', process.env.CHROMIUM_PATH].find((path) => path && existsSync(path));
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });

const template = await client.template('react-vite');
const app = template.files.find((file) => file.name === 'src/App.tsx').content;

/** CPU seconds of the processes of preview `id` so far (their /proc stat; the exited ones are not counted). */
function previewCpuSeconds(id) {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`PAIRPAD_PREVIEW=${id}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

const firstPaintCpu = [];
const firstPaint = [];
const listening = [];
const hmr = [];
const lost = [];
for (let round = 0; round < starts; round++) {
  const page = await browser.newPage();
  const t0 = performance.now();
  const { id } = await client.start('react-vite', []);
  const t1 = performance.now();
  current = id;
  await page.goto(frontUrl);
  await page.getByRole('heading', { name: 'Hello from React' }).waitFor();
  const t2 = performance.now();
  firstPaint.push(t2 - t0);
  firstPaintCpu.push(previewCpuSeconds(id) * 1000);
  listening.push(t1 - t0);
  if (round === starts - 1) {
    // Edits on the last preview: write App.tsx, wait for the heading to change on screen.
    for (let i = 0; i < edits; i++) {
      const text = `Edit number ${i}`;
      const painted = page.waitForFunction((expected) => document.querySelector('h1')?.textContent === expected, text, {
        polling: 'raf',
        timeout: 10_000,
      });
      const e0 = performance.now();
      await client.update(id, [{ name: 'src/App.tsx', content: app.replace('Hello from React', text) }], []);
      // An edit that never shows within 10 s is counted as lost (and reported), not waited for.
      const shown = await painted.then(
        () => true,
        () => false,
      );
      if (shown) hmr.push(performance.now() - e0);
      else lost.push(i);
    }
  }
  await page.close();
  await client.stop(id);
}

await browser.close();
front.close();
await executor.close();
const loadEnd = await loadAverage();

const ms = (v) => `${Math.round(v)}`;
const p50 = (values) => percentile(values, 50);
const hmrP50 = p50(hmr);
const text = [
  `Command: \`node --import tsx bench/preview-react.mjs ${starts} ${edits}\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, real bwrap sandbox (cgroup v1), Chromium ${browser.version?.() ?? ''}.`,
  `Load average at start ${loadStart}, at end ${loadEnd} (other helpers' builds and tests share the 2 cores: wall times are pessimistic).`,
  '',
  '| measure | n | p50 ms | p95 ms | min ms | max ms | target |',
  '|---|---|---|---|---|---|---|',
  `| Start → dev server listening (POST answered) | ${listening.length} | ${ms(p50(listening))} | ${ms(percentile(listening, 95))} | ${ms(Math.min(...listening))} | ${ms(Math.max(...listening))} | |`,
  `| Start → first paint of the app | ${firstPaint.length} | ${ms(p50(firstPaint))} | ${ms(percentile(firstPaint, 95))} | ${ms(Math.min(...firstPaint))} | ${ms(Math.max(...firstPaint))} | ≤ 3000 |`,
  `| CPU time of the preview's processes until first paint (load-independent) | ${firstPaintCpu.length} | ${ms(p50(firstPaintCpu))} | ${ms(percentile(firstPaintCpu, 95))} | ${ms(Math.min(...firstPaintCpu))} | ${ms(Math.max(...firstPaintCpu))} | |`,
  `| App.tsx written → new heading painted (HMR) | ${hmr.length} | ${ms(hmrP50)} | ${ms(percentile(hmr, 95))} | ${ms(Math.min(...hmr))} | ${ms(Math.max(...hmr))} | |`,
  `| keystroke → painted (+ ${DEBOUNCE_MS} ms debounce, PREVIEW_EDIT_DEBOUNCE_MS) | ${hmr.length} | ${ms(hmrP50 + DEBOUNCE_MS)} | ${ms(percentile(hmr, 95) + DEBOUNCE_MS)} | | | ≤ 500 |`,
  '',
  `Edits not painted within 10 s: ${lost.length} of ${edits}${lost.length ? ` (edits ${lost.join(', ')})` : ''}.`,
].join('\n');
console.log(text);
await writeResultsSection('React template: first paint and HMR', text, '## Previews (issue #25)');
