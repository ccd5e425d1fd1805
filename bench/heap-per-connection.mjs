// Live heap per idle connection (issue #14): the backend's heap after full collections, before and
// after CONNECTIONS real SocketYjsProvider connections join (PER_ROOM per room, awareness set as a
// browser tab sets it). RSS (idle-connections.mjs) is what a deployer pays but moves ±30 MiB from run
// to run with V8's heap growth; live heap after a forced GC is repeatable, so a change's effect on
// what connections and rooms keep alive shows here first.
//
//   node --import tsx bench/heap-per-connection.mjs [connections=2000] [perRoom=2]
//
// The backend (`backend/dist/server.js`, built first) runs with --inspect on loopback; the bench
// forces collections and reads process.memoryUsage() over the inspector protocol.
// BENCH_HEAP_SNAPSHOT_DIR=<dir> also writes heap snapshots before and after (base/loaded.heapsnapshot),
// for a diff by constructor. Prints only; nothing goes to RESULTS.md.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { connectIdleClients } from './idle-clients.mjs';
import { fmt, repoRoot, sleep, waitUntil } from './bench-utils.mjs';

const CONNECTIONS = Number(process.argv[2] ?? 2000);
const PER_ROOM = Number(process.argv[3] ?? 2);
const PORT = Number(process.env.BENCH_PORT ?? 5390);
const INSPECTOR_PORT = PORT + 1;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const url = `http://127.0.0.1:${PORT}`;

if (spawnSync('npm', ['run', 'build', '-w', 'backend'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) throw new Error('backend build failed');
const backend = spawn('node', [`--inspect=127.0.0.1:${INSPECTOR_PORT}`, 'backend/dist/server.js'], {
  cwd: repoRoot,
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', PISTON_URL: 'http://127.0.0.1:9', SESSIONS_PER_MINUTE_PER_IP: '1000000' },
  stdio: ['ignore', 'inherit', 'ignore'],
});
process.on('exit', () => backend.exitCode === null && backend.kill('SIGKILL'));
await waitUntil(async () => (await fetch(`${url}/health`)).ok, 'backend up', 60_000);

const [target] = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json();
const inspector = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 2 ** 31 });
await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
let nextId = 1;
const pending = new Map();
let snapshotChunks = [];
inspector.on('message', (raw) => {
  const message = JSON.parse(raw);
  if (message.id && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  } else if (message.method === 'HeapProfiler.addHeapSnapshotChunk') snapshotChunks.push(message.params.chunk);
});
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    inspector.send(JSON.stringify({ id, method, params }));
  });

async function liveMemory() {
  // Twice, so objects freed by the first collection's finalizers go too.
  await call('HeapProfiler.collectGarbage');
  await sleep(500);
  await call('HeapProfiler.collectGarbage');
  const answer = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' });
  return JSON.parse(answer.result.result.value);
}

async function snapshot(name) {
  if (!snapshotDir) return;
  snapshotChunks = [];
  await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  writeFileSync(path.join(snapshotDir, `${name}.heapsnapshot`), snapshotChunks.join(''));
}

const before = await liveMemory();
await snapshot('base');
const { clients, rooms } = await connectIdleClients(url, CONNECTIONS, PER_ROOM);
await sleep(3_000);
const after = await liveMemory();
await snapshot('loaded');
const perConnection = (key) => (after[key] - before[key]) / clients.length / 1024;
console.log(
  `${clients.length} connections, ${PER_ROOM} per room (${rooms} rooms): live heap ${fmt(perConnection('heapUsed'))} KiB per connection ` +
    `(${fmt((after.heapUsed - before.heapUsed) / 2 ** 20, 1)} MiB in all), external ${fmt(perConnection('external'))} KiB; ` +
    `RSS ${fmt(perConnection('rss'))} KiB per connection${snapshotDir ? ' (inflated by the snapshots)' : ''}`,
);
clients.forEach((client) => client.destroy());
inspector.close();
backend.kill('SIGTERM');
process.exit(0);
