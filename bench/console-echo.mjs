// The room's console in Chromium: echo latency across two pages, and a 10,000-line flood.
//
//   node --import tsx bench/console-echo.mjs [probes=100]
//
// Starts the real backend (embedded executor, real sandbox, runs over /api/v2/connect) and the
// production frontend (built when stale) on their own ports, opens one room in two browser
// contexts (a candidate who types, an interviewer who watches), then:
//   1. Echo: the candidate runs a cat-style Python program and types `probe-N` + Enter into the
//      console, N times; latency = the Enter keydown in the typist's page (event.timeStamp) → the
//      program's echoed line appearing in the watcher's terminal (a MutationObserver on xterm's
//      rows). Both pages share the machine's clock (performance.timeOrigin + now).
//   2. Flood: a program printing 10,000 lines (print(i), 48,890 bytes, under the 64 KiB output
//      cap); time until "9999" shows in each page, and the longest main-thread task in each page
//      meanwhile (PerformanceObserver "longtask").
// Results go to bench/RESULTS.md under "Console (issue #13)".
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import {
  createBenchSession,
  fmt,
  machineLine,
  startBrowserBenchServers,
  summarize,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

const PROBES = Number(process.argv[2] ?? 100);
const BACKEND_PORT = Number(process.env.BENCH_BACKEND_PORT ?? 5470);
const FRONTEND_PORT = Number(process.env.BENCH_FRONTEND_PORT ?? 3470);
const EXECUTOR_PORT = Number(process.env.BENCH_EXECUTOR_PORT ?? 2470);
const machine = machineLine();
const CAT = 'import sys\nfor line in sys.stdin:\n    print(line, end="", flush=True)\n';
const FLOOD = 'for i in range(10000):\n    print(i)\n';

const { api, frontendUrl } = await startBrowserBenchServers(
  { backend: BACKEND_PORT, frontend: FRONTEND_PORT, executor: EXECUTOR_PORT },
  { SOCKET_EVENTS_PER_SECOND: '1000' },
);

const session = await createBenchSession(api, { language: 'python', name: 'Ivy' });
const executablePath = ['/usr/bin/chromium', process.env.CHROMIUM_PATH].find((path) => path && existsSync(path));
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });
const typist = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
const watcher = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
await watcher.goto(`${frontendUrl}/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`);
await typist.goto(`${frontendUrl}/interview/${session.id}?name=Cara`);
// A browser that has not joined is asked its name (the link's ?name= pre-fills it).
for (const page of [typist, watcher]) await page.getByRole('button', { name: 'Join interview' }).click();
for (const page of [typist, watcher]) await page.getByTestId('connection-status').getByText('Connected').waitFor();

// Every page: the time each row text first appeared in the console, and the longest tasks.
const instrument = () =>
  Promise.all(
    [typist, watcher].map((page) =>
      page.evaluate(() => {
        window.__rows = new Map();
        window.__longest = 0;
        window.__longtasks = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            window.__longtasks++;
            window.__longest = Math.max(window.__longest, entry.duration);
          }
        }).observe({ type: 'longtask' });
        const scan = () => {
          const rows = document.querySelector('[data-testid="console-terminal"] .xterm-rows');
          if (!rows) return;
          const at = performance.timeOrigin + performance.now();
          for (const row of rows.children) {
            const text = row.textContent?.trim() ?? '';
            if (text && !window.__rows.has(text)) window.__rows.set(text, at);
          }
        };
        new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
      }),
    ),
  );
await instrument();

async function setCode(code) {
  await typist.locator('.cm-content').click();
  await typist.keyboard.press('ControlOrMeta+a');
  await typist.keyboard.insertText(code);
  await waitUntil(async () => (await watcher.locator('.cm-content').textContent())?.includes(code.split('\n')[0]), 'code synced');
}

// 1. Echo.
await setCode(CAT);
await typist.getByRole('button', { name: 'Run' }).click();
const input = typist.getByLabel('Console input');
await input.waitFor();
await typist.evaluate(() => {
  window.__keydowns = [];
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' && event.target?.getAttribute?.('data-testid') === 'console-input')
        window.__keydowns.push(performance.timeOrigin + event.timeStamp);
    },
    { capture: true },
  );
});
const loadBefore = loadavg()[0];
const echoes = [];
for (let i = 0; i < PROBES + 5; i++) {
  const probe = `probe-${i}`;
  await input.fill(probe);
  await input.press('Enter');
  await waitUntil(() => watcher.evaluate((text) => window.__rows.has(text), probe), `echo of ${probe}`, 10_000, 5);
  const [sent, seen] = await Promise.all([
    typist.evaluate((n) => window.__keydowns[n], i),
    watcher.evaluate((text) => window.__rows.get(text), probe),
  ]);
  // The first few warm the path (JIT, sockets): not counted.
  if (i >= 5) echoes.push(seen - sent);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const echo = summarize(echoes);
await typist.getByTestId('console-stop').click();
await waitUntil(async () => (await watcher.getByTestId('run-status').textContent())?.startsWith('Killed'), 'cat stopped', 15_000);
const echoLongest = await Promise.all([typist, watcher].map((page) => page.evaluate(() => window.__longest)));

// 2. Flood.
await instrument();
await setCode(FLOOD);
const clicked = await typist.evaluate(() => performance.timeOrigin + performance.now());
await typist.getByRole('button', { name: 'Run' }).click();
for (const page of [typist, watcher]) {
  await waitUntil(() => page.evaluate(() => window.__rows.has('9999')), 'the last line shown', 60_000, 20);
}
const flood = await Promise.all(
  [typist, watcher].map((page) =>
    page.evaluate(
      (t0) => ({ lastLineMs: window.__rows.get('9999') - t0, longest: window.__longest, longtasks: window.__longtasks }),
      clicked,
    ),
  ),
);
const status = await watcher.getByTestId('run-status').textContent();
const loadAfter = loadavg()[0];
await browser.close();

const body = `
\`node --import tsx bench/console-echo.mjs ${PROBES}\` on ${machine}.

Two Chromium pages in one room (production frontend, real backend, embedded executor over
\`/api/v2/connect\`), 1366×768.

**Echo** (candidate types a line + Enter into the console of a cat-style Python program → the
program's echo shown in the interviewer's terminal; ${echo.count} probes after 5 warm-ups, 100 ms apart):
p50 ${fmt(echo.p50)} ms, p95 ${fmt(echo.p95)} ms, p99 ${fmt(echo.p99)} ms, max ${fmt(echo.max)} ms
(targets: p50 ≤ 50 ms, p99 ≤ 150 ms). Longest main-thread task meanwhile: typist ${fmt(echoLongest[0])} ms, watcher ${fmt(echoLongest[1])} ms.

**Flood** (\`for i in range(10000): print(i)\`, 48,890 bytes, under the 64 KiB cap; run status "${status}"):
last line "9999" shown ${fmt(flood[0].lastLineMs, 0)} ms (typist) / ${fmt(flood[1].lastLineMs, 0)} ms (watcher) after the Run click;
longest main-thread task during it ${fmt(flood[0].longest)} ms / ${fmt(flood[1].longest)} ms (${flood[0].longtasks} / ${flood[1].longtasks} tasks over 50 ms).

Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.
`;
console.log(body);
writeResultsSection('Console (issue #13)', body);
process.exit(0);
