// Live previews (issue 25): CPU of N idle previews of the React template together (target: 20
// under 5 % of the machine). Each is started and its page loaded once (so Vite has optimized its
// dependencies and compiled the modules, as after an interview's first look), the pages closed,
// then the CPU time of every process of every preview (by its PAIRPAD_PREVIEW environment
// variable, /proc/<pid>/stat) is measured over a window.
// `node --import tsx bench/preview-idle.mjs [previews=20] [seconds=60]`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { loadAverage, startBenchExecutor, writeResultsSection } from './executor-bench-common.mjs';
import { PreviewClient } from '../backend/src/previews/preview-client.ts';

const count = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 60);
const TICKS = 100;

const loadStart = await loadAverage();
process.env.EXECUTOR_MAX_PREVIEWS = String(count);
process.env.EXECUTOR_PREVIEW_START_TIMEOUT = '120000';
const executor = await startBenchExecutor('bash');
const client = new PreviewClient(executor.url, undefined);
let current = '';
const front = createServer((req, res) => client.proxy(current, req, res));
await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
const executablePath = ['/usr/bin/chromium', process.env.CHROMIUM_PATH].find((path) => path && existsSync(path));
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });

const ids = [];
for (let i = 0; i < count; i++) {
  const { id } = await client.start('react-vite', []);
  ids.push(id);
  current = id;
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${front.address().port}/`);
  await page.getByRole('heading', { name: 'Hello from React' }).waitFor({ timeout: 120_000 });
  await page.close();
}
await browser.close();

/** CPU seconds of every process of the previews now, and how many processes. */
function previewCpu() {
  let ticks = 0;
  let processes = 0;
  let rss = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!env.includes('PAIRPAD_PREVIEW=')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      rss += Number(fields[21]) * 4096;
      processes++;
    } catch {
      // gone meanwhile
    }
  }
  return { seconds: ticks / TICKS, processes, rss };
}

// Let the last start's work settle, then measure.
await new Promise((resolve) => setTimeout(resolve, 10_000));
const before = previewCpu();
const t0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const after = previewCpu();
const wall = (performance.now() - t0) / 1000;
const used = after.seconds - before.seconds;
const ofCore = (100 * used) / wall;
const ofMachine = ofCore / 2;

for (const id of ids) await client.stop(id);
front.close();
await executor.close();
const loadEnd = await loadAverage();

const text = [
  `Command: \`node --import tsx bench/preview-idle.mjs ${count} ${seconds}\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, real bwrap sandbox (cgroup v1), 2 cores.`,
  `Load average at start ${loadStart}, at end ${loadEnd} (other helpers share the machine; CPU is counted per process of the previews, so it does not depend on that load).`,
  '',
  '| previews | processes | RSS together | window s | CPU s used | % of one core | % of the machine (2 cores) | target |',
  '|---|---|---|---|---|---|---|---|',
  `| ${count} (React + Vite, each page loaded once, then closed) | ${after.processes} | ${Math.round(after.rss / 2 ** 20)} MiB | ${wall.toFixed(1)} | ${used.toFixed(2)} | ${ofCore.toFixed(2)} % | ${ofMachine.toFixed(2)} % | < 5 % |`,
].join('\n');
console.log(text);
await writeResultsSection(`${count} idle previews: CPU`, text, '## Previews (issue #25)');
