// Collaboration load split over two backend nodes sharing one Redis (issue #7): ROOMS rooms × 2
// real providers typing 5 characters per second for DURATION seconds, first with each room's two
// clients on different nodes (every edit crosses Redis), then a same-node baseline (both clients
// of a room on one node, rooms spread over both nodes) on the same two-node Redis setup.
//
//   node --import tsx bench/collab-two-nodes.mjs [rooms=100] [seconds=60]
//
// Latency is insert at one client → update applied at the other client, same clock. The
// cross-node overhead is the difference between the two runs. Results go to bench/RESULTS.md
// under "Two nodes on Redis (issue #7)".
import { startTypingLoad } from './typing-load.mjs';
import { SocketYjsProvider } from '@pairpad/client';
import { startRedisServer } from '../backend/test/helpers/redis-server.ts';
import {
  createBenchSession,
  fmt,
  machineLine,
  processCpuSeconds,
  spawnBackendFromSource,
  summarize,
  writeResultsSection,
  waitUntil,
} from './bench-utils.mjs';

const ROOMS = Number(process.argv[2] ?? 100);
const DURATION_S = Number(process.argv[3] ?? 60);
const BASE_PORT = Number(process.env.BENCH_PORT ?? 5310);
const CHARS_PER_SECOND = 5;
const machine = machineLine();

const redis = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
const nodes = [0, 1].map((index) => {
  const port = BASE_PORT + index;
  const child = spawnBackendFromSource(port, {
    PISTON_URL: 'http://127.0.0.1:9',
    REDIS_URL: redis.url,
    MAX_PARTICIPANTS_PER_ROOM: '20',
    SESSIONS_PER_MINUTE_PER_IP: '100000',
  });
  return { url: `http://127.0.0.1:${port}`, child };
});
const stopAll = () => nodes.forEach(({ child }) => child.exitCode === null && child.kill('SIGTERM'));
process.on('exit', stopAll);

for (const node of nodes) {
  await waitUntil(async () => (await fetch(`${node.url}/health`)).ok, `backend ${node.url} up`);
}

const connect = (url, sessionId, name) =>
  new SocketYjsProvider({ url, sessionId, name, socketOptions: { transports: ['websocket'], forceNew: true } });

/** One measured run; `placement(i)` gives the two node indexes of room i's clients. */
async function runPhase(label, placement) {
  const pairs = [];
  for (let i = 0; i < ROOMS; i++) {
    const [first, second] = placement(i);
    const { id } = await createBenchSession(nodes[first].url);
    pairs.push([connect(nodes[first].url, id, `A${i}`), connect(nodes[second].url, id, `B${i}`)]);
  }
  const clients = pairs.flat();
  await waitUntil(() => clients.every((client) => client.synced), `${label}: all clients synced`, 60_000);
  const load = startTypingLoad(clients, CHARS_PER_SECOND);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  load.measure(true);
  const cpuStart = nodes.map(({ child }) => processCpuSeconds(child.pid));
  const wallStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, DURATION_S * 1000));
  load.measure(false);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpuPercent = nodes.map(({ child }, index) => ((processCpuSeconds(child.pid) - cpuStart[index]) / wallSeconds) * 100);
  const lost = load.stop();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const converged = pairs.every(([a, b]) => a.doc.getText('code').toString() === b.doc.getText('code').toString());
  clients.forEach((client) => client.destroy());
  const stats = summarize(load.latencies);
  console.table({
    label,
    rooms: ROOMS,
    edits: stats.count,
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    cpuA: cpuPercent[0],
    cpuB: cpuPercent[1],
    lost,
    converged,
  });
  return { label, stats, cpuPercent, lost, converged };
}

const cross = await runPhase('cross-node', () => [0, 1]);
const same = await runPhase('same-node', (i) => (i % 2 === 0 ? [0, 0] : [1, 1]));
// Nodes first, so they don't log a lost Redis on the way out.
await Promise.all(
  nodes.map(({ child }) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null)).concat(stopAll()),
);
await redis.stop();

const signed = (value) => `${value >= 0 ? '+' : '−'}${fmt(Math.abs(value))}`;
const row = ({ label, stats, cpuPercent, lost, converged }) =>
  `| ${label} | ${stats.count} | ${fmt(stats.p50)} | ${fmt(stats.p95)} | ${fmt(stats.p99)} | ${fmt(stats.max)} | ${fmt(cpuPercent[0])} % / ${fmt(cpuPercent[1])} % | ${lost} | ${converged ? 'yes' : 'NO'} |`;
writeResultsSection(
  'Two nodes on Redis (issue #7)',
  `### Remote-edit latency with rooms split over two backend nodes

Command: \`node --import tsx bench/collab-two-nodes.mjs ${ROOMS} ${DURATION_S}\` — ${new Date().toISOString().slice(0, 10)}, ${machine}.
Two backend processes (\`backend/src/main.ts\`, NODE_ENV=production, \`REDIS_URL\` set) and one local \`redis-server\` (AOF, fsync every second). ${ROOMS} rooms × 2 real \`SocketYjsProvider\` clients (websocket) in one Node process, each typing ${CHARS_PER_SECOND} characters per second for ${DURATION_S} s after a 5 s warm-up. **cross-node**: each room's two clients on different nodes, so every edit goes client → node A → Redis (append + publish) → node B → client. **same-node**: both clients of a room on one node (rooms alternate between the nodes), same Redis setup, so each edit is still appended and published but delivered locally.

| placement | edits measured | p50 ms | p95 ms | p99 ms | max ms | backend CPU (A / B, one core = 100 %) | not delivered at end | converged |
|---|---|---|---|---|---|---|---|---|
${row(cross)}
${row(same)}

Cross-node overhead: p50 **${signed(cross.stats.p50 - same.stats.p50)} ms**, p99 **${signed(cross.stats.p99 - same.stats.p99)} ms**. Load generator, both backends and Redis share the machine's cores, so the figures include their scheduling delay.`,
);
console.log(`cross-node overhead: p50 ${signed(cross.stats.p50 - same.stats.p50)} ms, p99 ${signed(cross.stats.p99 - same.stats.p99)} ms`);
process.exit(cross.converged && same.converged ? 0 : 1);
