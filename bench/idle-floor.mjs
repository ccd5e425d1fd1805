// What the transport alone costs for idle connections (issue #14, target 3): CONNECTIONS idle
// connections held against a server that does nothing but accept them (bench/idle-floor-server.mjs),
// one layer at a time — bare ws with engine.io's heartbeat done by hand, engine.io, Socket.IO —
// each its own fresh process, then PairPad's whole backend for comparison (idle-connections.mjs
// measures it alone), and with BENCH_LAYERS=…,hocuspocus the peer (bench/hocuspocus-server.mjs) under
// the same load. Same measures as idle-connections.mjs: settled RSS above the idle process's,
// live heap after forced collections (over the inspector), CPU over IDLE_S seconds of nobody typing.
//
//   node --import tsx bench/idle-floor.mjs [connections=10000] [idleSeconds=60]
//
// Results go to bench/RESULTS.md under "Idle connections: the transport's floor (issue #14)";
// BENCH_NO_WRITE=1 prints only; BENCH_LAYERS=ws,socket.io picks layers (pairpad is one);
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server there.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { Socket as EngineSocket } from 'engine.io-client';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { connectIdleClients } from './idle-clients.mjs';
import { openHeapProbe } from './heap-probe.mjs';
import { QuietWebSocket } from './quiet-websocket.mjs';
import {
  buildBackendBundle,
  fmt,
  machineLine,
  processCpuSeconds,
  repoRoot,
  settledRss,
  sleep,
  spawnBackendBundle,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

const CONNECTIONS = Number(process.argv[2] ?? 10_000);
const IDLE_S = Number(process.argv[3] ?? 60);
const PORT = Number(process.env.BENCH_PORT ?? 5350);
const INSPECTOR_PORT = PORT + 1;
const LAYERS = (process.env.BENCH_LAYERS ?? 'ws,engine.io,socket.io,pairpad').split(',');
const machine = machineLine();

/** Opens one idle client of `layer`; resolves once it is connected. Clients answer pings as their libraries do. */
function connectOne(layer) {
  return new Promise((resolve, reject) => {
    if (layer === 'ws') {
      const socket = new WebSocket(`ws://127.0.0.1:${PORT}`);
      socket.on('message', (data) => String(data) === '2' && socket.send('3'));
      socket.once('open', () => resolve({ close: () => socket.terminate() })).once('error', reject);
    } else if (layer === 'engine.io') {
      const socket = new EngineSocket(`ws://127.0.0.1:${PORT}`, { transports: ['websocket'] });
      socket.once('open', () => resolve({ close: () => socket.close() })).once('error', reject);
    } else {
      const socket = io(`http://127.0.0.1:${PORT}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      socket.once('connect', () => resolve({ close: () => socket.close() })).once('connect_error', reject);
    }
  });
}

/** Hocuspocus's own provider, two to a document, with the same awareness fields as PairPad's idle participants. */
async function connectHocuspocusClients() {
  const clients = [];
  for (let batch = 0; batch < CONNECTIONS; batch += 100) {
    const created = [];
    for (let person = batch; person < Math.min(CONNECTIONS, batch + 100); person++) {
      const provider = new HocuspocusProvider({
        url: `ws://127.0.0.1:${PORT}`,
        name: `room-${Math.floor(person / 2)}`,
        WebSocketPolyfill: QuietWebSocket,
      });
      provider.awareness.setLocalStateField('user', { name: `P${person}`, color: '#1f77b4' });
      provider.awareness.setLocalStateField('cursor', { anchor: 0, head: 0 });
      created.push(provider);
    }
    await waitUntil(() => created.every((provider) => provider.synced), `hocuspocus batch ${batch} synced`, 120_000);
    clients.push(...created.map((provider) => ({ close: () => provider.destroy() })));
  }
  return clients;
}

async function connectLayerClients(layer) {
  if (layer === 'pairpad')
    return (await connectIdleClients(`http://127.0.0.1:${PORT}`, CONNECTIONS, 2)).clients.map((client) => ({
      close: () => client.destroy(),
    }));
  if (layer === 'hocuspocus') return connectHocuspocusClients();
  const clients = [];
  // 100 handshakes in flight at a time, as idle-clients.mjs's batches.
  while (clients.length < CONNECTIONS)
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - clients.length) }, () => connectOne(layer)))));
  return clients;
}

function startServer(layer) {
  const nodeArgs = [
    `--inspect=127.0.0.1:${INSPECTOR_PORT}`,
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ];
  if (layer === 'pairpad') return spawnBackendBundle(PORT, { nodeArgs, stderr: 'ignore' });
  const script =
    layer === 'hocuspocus' ? ['bench/hocuspocus-server.mjs', String(PORT)] : ['bench/idle-floor-server.mjs', layer, String(PORT)];
  return spawn('node', [...nodeArgs, ...script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Up: PairPad answers its health check; a floor server (which answers no HTTP request) and Hocuspocus say they listen. */
async function waitUp(layer, server) {
  if (layer === 'pairpad')
    return waitUntil(async () => (await fetch(`http://127.0.0.1:${PORT}/health`).catch(() => undefined))?.ok, 'pairpad up', 60_000);
  let output = '';
  server.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  return waitUntil(() => output.includes('listening'), `${layer} up`, 60_000);
}

async function measureLayer(layer) {
  const server = startServer(layer);
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await waitUp(layer, server);
  // Both RSS readings come before any forced collection (which moves RSS), the heap readings after.
  const baseRss = await settledRss(server.pid, 2_000);
  const probe = await openHeapProbe(INSPECTOR_PORT);
  const baseHeap = (await probe.liveMemory()).heapUsed;
  const clients = await connectLayerClients(layer);
  const loadedRss = await settledRss(server.pid, 2_000);
  const cpuStart = processCpuSeconds(server.pid);
  const wallStart = performance.now();
  await sleep(IDLE_S * 1000);
  const idleCpuPercent = ((processCpuSeconds(server.pid) - cpuStart) / ((performance.now() - wallStart) / 1000)) * 100;
  // Heap last: forcing collections moves RSS.
  const loadedHeap = (await probe.liveMemory()).heapUsed;
  clients.forEach((client) => client.close());
  probe.close();
  server.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000).then(() => server.kill('SIGKILL'))]);
  const result = {
    layer,
    rssMiB: (loadedRss - baseRss) / 2 ** 20,
    heapMiB: (loadedHeap - baseHeap) / 2 ** 20,
    heapPerConnectionKiB: (loadedHeap - baseHeap) / CONNECTIONS / 1024,
    idleCpuPercent,
  };
  console.table(result);
  return result;
}

if (LAYERS.includes('pairpad')) buildBackendBundle();
const loadBefore = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const results = [];
for (const layer of LAYERS) results.push(await measureLayer(layer));
const loadAfter = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');

const LABELS = {
  ws: "`ws` 8 alone, engine.io's heartbeat by hand (text ping / pong)",
  'engine.io': 'engine.io 6.6 (`attach`, websocket only)',
  'socket.io': 'Socket.IO 4.8 (each socket joins a room of two)',
  pairpad: 'PairPad backend (`SocketYjsProvider`, two per room, awareness set)',
  hocuspocus: 'Hocuspocus 4.7 (defaults, in memory; `HocuspocusProvider`, two per document, awareness set)',
};
writeResultsSection(
  "Idle connections: the transport's floor (issue #14)",
  `Command: \`node --import tsx bench/idle-floor.mjs ${CONNECTIONS} ${IDLE_S}\` — ${new Date().toISOString().slice(0, 16)}Z, ${machine}; load average before ${loadBefore}, after ${loadAfter}.
${CONNECTIONS} idle websocket connections against a server that only accepts them (\`bench/idle-floor-server.mjs\`), one layer of PairPad's transport at a time, then against PairPad's backend${LAYERS.includes('hocuspocus') ? " and Hocuspocus (its own heartbeat and its clients' awareness renewal every 15 s)" : ''}, each a fresh process, in the order listed; a ping every 25 s with 20 s to answer (PairPad's defaults). RSS settled, above the idle process's; live heap after forced collections over the inspector; CPU over ${IDLE_S} s idle (one core = 100 %).

| server | RSS above baseline | live heap above baseline | live heap per connection | idle CPU |
|---|---|---|---|---|
${results.map((result) => `| ${LABELS[result.layer]} | ${fmt(result.rssMiB, 0)} MiB | ${fmt(result.heapMiB, 0)} MiB | ${fmt(result.heapPerConnectionKiB)} KiB | ${fmt(result.idleCpuPercent)} % |`).join('\n')}

Target 3: ≤ 150 MB (143 MiB) above baseline and < 5 % of a core at 10,000 connections.`,
);
process.exit(0);
