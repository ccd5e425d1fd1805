// Collaboration load: ROOMS rooms × 2 real providers, each typing 5 characters per second for
// DURATION seconds against one backend process on loopback. Measures remote-edit latency (insert
// at one client → applied at the other) p50/p99, and the backend's CPU and RSS.
//
//   node --import tsx bench/collab-latency.mjs [rooms=100] [seconds=60]
//
// The backend runs as its own process (no embedded executor: PISTON_URL points nowhere, so only
// collaboration is measured). Results go to bench/RESULTS.md under "Collaboration (issue #2)".
import { spawn } from 'node:child_process';
import { startTypingLoad } from './typing-load.mjs';
import { SocketYjsProvider } from '@pairpad/client';
import {
  benchBackendEnv,
  createBenchSession,
  fmt,
  machineLine,
  processCpuSeconds,
  processRssBytes,
  repoRoot,
  summarize,
  writeResultsSection,
  waitUntil,
} from './bench-utils.mjs';

const ROOMS = Number(process.argv[2] ?? 100);
const DURATION_S = Number(process.argv[3] ?? 60);
const PORT = Number(process.env.BENCH_PORT ?? 5300);
const CHARS_PER_SECOND = 5;
const url = `http://127.0.0.1:${PORT}`;
const machine = machineLine();

const backend = spawn('node', ['--import', 'tsx', 'backend/src/main.ts'], {
  cwd: repoRoot,
  env: {
    ...process.env,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PISTON_URL: 'http://127.0.0.1:9',
    MAX_PARTICIPANTS_PER_ROOM: '20',
    SESSIONS_PER_MINUTE_PER_IP: '100000',
    ...benchBackendEnv(),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stopBackend = () => backend.exitCode === null && backend.kill('SIGTERM');
process.on('exit', stopBackend);

await waitUntil(async () => (await fetch(`${url}/health`)).ok, 'backend up');

function connect(sessionId, name) {
  return new SocketYjsProvider({ url, sessionId, name, socketOptions: { transports: ['websocket'], forceNew: true } });
}

const pairs = [];
for (let i = 0; i < ROOMS; i++) {
  const { id } = await createBenchSession(url);
  pairs.push([connect(id, `A${i}`), connect(id, `B${i}`)]);
}
const clients = pairs.flat();
await waitUntil(() => clients.every((client) => client.synced), 'all clients synced', 60_000);

const load = startTypingLoad(clients, CHARS_PER_SECOND);

// Warm up 5 s, then measure.
await new Promise((resolve) => setTimeout(resolve, 5_000));
load.measure(true);
const cpuStart = processCpuSeconds(backend.pid);
const wallStart = performance.now();
let peakRss = 0;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, processRssBytes(backend.pid));
}, 1_000);
await new Promise((resolve) => setTimeout(resolve, DURATION_S * 1000));
load.measure(false);
const cpuSeconds = processCpuSeconds(backend.pid) - cpuStart;
const wallSeconds = (performance.now() - wallStart) / 1000;
clearInterval(rssSampler);
const lost = load.stop();
await new Promise((resolve) => setTimeout(resolve, 1_000));
const converged = pairs.every(([a, b]) => a.doc.getText('code').toString() === b.doc.getText('code').toString());
const rssEnd = processRssBytes(backend.pid);
clients.forEach((client) => client.destroy());
stopBackend();

const stats = summarize(load.latencies);
const cpuPercent = (cpuSeconds / wallSeconds) * 100;
const target = stats.p99 < 50;
console.table({
  rooms: ROOMS,
  clients: clients.length,
  edits: stats.count,
  p50: stats.p50,
  p95: stats.p95,
  p99: stats.p99,
  cpuPercent,
  peakRssMiB: peakRss / 2 ** 20,
});

writeResultsSection(
  'Collaboration (issue #2)',
  `### Remote-edit latency under load

Command: \`node --import tsx bench/collab-latency.mjs ${ROOMS} ${DURATION_S}\` — ${new Date().toISOString().slice(0, 10)}, ${machine}.
${ROOMS} rooms × 2 real \`SocketYjsProvider\` clients (websocket) in one Node process, each typing ${CHARS_PER_SECOND} characters per second at random positions for ${DURATION_S} s (after 5 s warm-up), against one backend process (\`backend/src/main.ts\`, NODE_ENV=production). Latency is insert at one client → update applied at the other client of the room, same clock.

| rooms | clients | edits measured | p50 ms | p95 ms | p99 ms | max ms | backend CPU | backend peak RSS | not delivered at end | converged |
|---|---|---|---|---|---|---|---|---|---|---|
| ${ROOMS} | ${clients.length} | ${stats.count} | ${fmt(stats.p50)} | ${fmt(stats.p95)} | ${fmt(stats.p99)} | ${fmt(stats.max)} | ${fmt(cpuPercent)} % of one core | ${fmt(peakRss / 2 ** 20)} MiB (end ${fmt(rssEnd / 2 ** 20)} MiB) | ${lost} in flight | ${converged ? 'yes' : 'NO'} |

Target p99 < 50 ms: **${target ? 'met' : 'MISSED'}**. The load generator (200 clients) shares the machine's 2 cores with the backend, so these figures include its own scheduling delay.`,
);
console.log(`p99 ${fmt(stats.p99)} ms → target ${target ? 'met' : 'MISSED'}; converged: ${converged}`);
process.exit(converged ? 0 : 1);
