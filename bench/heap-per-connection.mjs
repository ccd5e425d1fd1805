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
import path from 'node:path';
import { connectIdleClients } from './idle-clients.mjs';
import { openHeapProbe } from './heap-probe.mjs';
import { buildBackendBundle, fmt, sleep, spawnBackendBundle, waitUntil } from './bench-utils.mjs';

const CONNECTIONS = Number(process.argv[2] ?? 2000);
const PER_ROOM = Number(process.argv[3] ?? 2);
const PORT = Number(process.env.BENCH_PORT ?? 5390);
const INSPECTOR_PORT = PORT + 1;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const url = `http://127.0.0.1:${PORT}`;

buildBackendBundle();
const backend = spawnBackendBundle(PORT, { nodeArgs: [`--inspect=127.0.0.1:${INSPECTOR_PORT}`], stderr: 'ignore' });
process.on('exit', () => backend.exitCode === null && backend.kill('SIGKILL'));
await waitUntil(async () => (await fetch(`${url}/health`)).ok, 'backend up', 60_000);

const probe = await openHeapProbe(INSPECTOR_PORT);
const snapshot = (name) => (snapshotDir ? probe.snapshot(path.join(snapshotDir, `${name}.heapsnapshot`)) : undefined);

const before = await probe.liveMemory();
await snapshot('base');
const { clients, rooms } = await connectIdleClients(url, CONNECTIONS, PER_ROOM);
await sleep(3_000);
const after = await probe.liveMemory();
await snapshot('loaded');
const perConnection = (key) => (after[key] - before[key]) / clients.length / 1024;
console.log(
  `${clients.length} connections, ${PER_ROOM} per room (${rooms} rooms): live heap ${fmt(perConnection('heapUsed'))} KiB per connection ` +
    `(${fmt((after.heapUsed - before.heapUsed) / 2 ** 20, 1)} MiB in all), external ${fmt(perConnection('external'))} KiB; ` +
    `RSS ${fmt(perConnection('rss'))} KiB per connection${snapshotDir ? ' (inflated by the snapshots)' : ''}`,
);
clients.forEach((client) => client.destroy());
probe.close();
backend.kill('SIGTERM');
process.exit(0);
