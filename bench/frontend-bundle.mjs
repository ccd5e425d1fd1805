// First-load JavaScript of the room page, gzipped, from the production build: the scripts the
// room page's HTML references (what a browser downloads before the page is interactive).
// Scripts loaded later on demand (the editor and language modes) are listed separately.
// What a browser downloads until the editor is ready, over the network: bench/room-page-js.mjs.
//
//   node bench/frontend-bundle.mjs      (builds the frontend first when there is no build)
//
// Results go to bench/RESULTS.md under "Frontend bundle (issue #2)".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fmt, machineLine, repoRoot, spawnForBench, stopStarted, writeResultsSection } from './bench-utils.mjs';

const PORT = Number(process.env.BENCH_FRONTEND_PORT ?? 3300);
const machine = machineLine();

if (!existsSync(join(repoRoot, 'frontend/.next/BUILD_ID'))) {
  const build = spawnSync('npm', ['run', 'build', '-w', 'frontend'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) process.exit(1);
}
spawnForBench('npx', ['next', 'start', '-p', String(PORT)], {
  cwd: join(repoRoot, 'frontend'),
  env: { NEXT_TELEMETRY_DISABLED: '1' },
  stdio: 'ignore',
});

const base = `http://127.0.0.1:${PORT}`;
const deadline = Date.now() + 60_000;
let html = '';
for (;;) {
  try {
    const response = await fetch(`${base}/interview/00000000-0000-4000-8000-000000000000?name=Bench`);
    html = await response.text();
    break;
  } catch {
    if (Date.now() > deadline) throw new Error('next start did not come up');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const scripts = [...html.matchAll(/<script([^>]*)\bsrc="([^"]+)"([^>]*)>/g)].map((match) => ({
  src: match[2],
  noModule: /nomodule/i.test(match[1] + match[3]),
}));
let firstLoad = 0;
let polyfills = 0;
const rows = [];
for (const { src, noModule } of scripts) {
  const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
  const gzipped = gzipSync(body, { level: 9 }).byteLength;
  if (noModule) polyfills += gzipped;
  else firstLoad += gzipped;
  rows.push({ src: src.split('/').pop(), gzipKiB: Number((gzipped / 1024).toFixed(1)), noModule });
}
// Every emitted client chunk, to show what stays out of the first load.
const chunkDir = join(repoRoot, 'frontend/.next/static/chunks');
// Chunks loaded only when someone picks them in the Settings menu, found by a class name only they hold.
const onDemand = [
  { what: 'Vim key bindings (`@replit/codemirror-vim`)', marker: 'cm-vimMode', gzipped: 0 },
  { what: 'Emacs key bindings (`@replit/codemirror-emacs`)', marker: 'cm-emacsMode', gzipped: 0 },
];
let allChunks = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full);
    else if (entry.endsWith('.js')) {
      const body = readFileSync(full);
      const gzipped = gzipSync(body, { level: 9 }).byteLength;
      allChunks += gzipped;
      for (const chunk of onDemand) if (body.includes(chunk.marker)) chunk.gzipped += gzipped;
    }
  }
};
walk(chunkDir);
stopStarted();
console.table(rows);
const target = firstLoad < 350 * 1024;
console.log(
  `first-load JS (gzip): ${fmt(firstLoad / 1024)} KiB; nomodule polyfills ${fmt(polyfills / 1024)} KiB; all client chunks ${fmt(allChunks / 1024)} KiB`,
);

writeResultsSection(
  'Frontend bundle (issue #2)',
  `Command: \`node bench/frontend-bundle.mjs\` — ${new Date().toISOString().slice(0, 10)}, ${machine}. Production build (\`next build\`), page \`/interview/:id\`.

| what | gzipped |
|---|---|
| **first-load JS of the room page** (every \`<script src>\` in its HTML, modern browsers) | **${fmt(firstLoad / 1024)} KiB** |
| legacy \`nomodule\` polyfills (skipped by modern browsers) | ${fmt(polyfills / 1024)} KiB |
| all client chunks of the whole app (editor, language modes and home page included, loaded on demand) | ${fmt(allChunks / 1024)} KiB |
${onDemand.map((chunk) => `| on demand: ${chunk.what}, only when chosen | ${fmt(chunk.gzipped / 1024)} KiB |`).join('\n')}

Target under 350 KB first-load: **${target ? 'met' : 'MISSED'}**. The editor (CodeMirror + yCollab) and each language mode are separate chunks loaded after first paint; the Vim and Emacs bindings load only when someone picks them.`,
);
process.exit(0);
