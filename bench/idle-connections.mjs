// Idle connections (issue #14): CONNECTIONS real SocketYjsProvider connections (websocket), two
// per room, each with its awareness set (name and a cursor, as a browser tab has), held idle
// against one backend process. Measures the backend's RSS above its idle baseline and its CPU
// while nobody types: Socket.IO heartbeats, and the presence sweep (the server keeps presence while
// a participant is connected; an older server needed every client to renew it every 15 s).
//
//   node --import tsx bench/idle-connections.mjs [connections=10000] [idleSeconds=60]
//
// Results go to bench/RESULTS.md under "Idle connections (issue #14)". BENCH_CPU_PROF=<dir> writes a
// V8 CPU profile of the backend there (the idle window is its last IDLE_S seconds); BENCH_NO_WRITE=1
// leaves RESULTS.md alone.
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connectIdleClients } from './idle-clients.mjs';
import {
  CLOCK_TICKS,
  buildBackendBundle,
  fmt,
  machineLine,
  processCpuSeconds,
  settledRss,
  sleep,
  spawnBackendBundle,
  statCpuTicks,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

const CONNECTIONS = Number(process.argv[2] ?? 10_000);
const IDLE_S = Number(process.argv[3] ?? 60);
const PORT = Number(process.env.BENCH_PORT ?? 5330);
const PER_ROOM = 2;
const url = `http://127.0.0.1:${PORT}`;
const machine = machineLine();

buildBackendBundle();
const profiling = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const backend = spawnBackendBundle(PORT, { nodeArgs: profiling });
process.on('exit', () => backend.exitCode === null && backend.kill('SIGKILL'));
await waitUntil(async () => (await fetch(`${url}/health`)).ok, 'backend up', 60_000);

const loadBefore = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const baseline = await settledRss(backend.pid, 2_000);
const started = performance.now();
const { clients, rooms } = await connectIdleClients(url, CONNECTIONS, PER_ROOM);
const connectSeconds = (performance.now() - started) / 1000;
console.log(`${clients.length} connections in ${rooms} rooms synced in ${fmt(connectSeconds)} s`);
const loaded = await settledRss(backend.pid, 2_000);
const cpuStart = processCpuSeconds(backend.pid);
const threadsStart = threadTicks(backend.pid);
const wallStart = performance.now();
// CPU in 10 s slices too, to tell a steady cost (heartbeats) from one that settles (GC after connecting).
const slices = [];
for (let elapsed = 0; elapsed < IDLE_S; elapsed += 10) {
  const before = processCpuSeconds(backend.pid);
  const seconds = Math.min(10, IDLE_S - elapsed);
  await sleep(seconds * 1000);
  slices.push(((processCpuSeconds(backend.pid) - before) / seconds) * 100);
}
const threads = threadCpuText(threadsStart, threadTicks(backend.pid), (performance.now() - wallStart) / 1000);
const idleCpuPercent = ((processCpuSeconds(backend.pid) - cpuStart) / ((performance.now() - wallStart) / 1000)) * 100;
console.log(`idle CPU per 10 s slice: ${slices.map((value) => fmt(value)).join(' / ')} %; by thread: ${threads}`);
const stillConnected = clients.filter((client) => client.connected).length;
const loadAfter = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
clients.forEach((client) => client.destroy());
backend.kill('SIGTERM');
// Let it shut down (and write its CPU profile) before the exit handler's SIGKILL.
await Promise.race([new Promise((resolve) => backend.once('exit', resolve)), sleep(15_000)]);

const aboveBaselineMiB = (loaded - baseline) / 2 ** 20;
const result = {
  connections: clients.length,
  rooms,
  baselineMiB: baseline / 2 ** 20,
  loadedMiB: loaded / 2 ** 20,
  aboveBaselineMiB,
  perConnectionKiB: (loaded - baseline) / clients.length / 1024,
  idleCpuPercent,
  stillConnected,
};
console.table(result);
writeResultsSection(
  'Idle connections (issue #14)',
  `Command: \`node --import tsx bench/idle-connections.mjs ${CONNECTIONS} ${IDLE_S}\` — ${new Date().toISOString().slice(0, 16)}Z, ${machine}; load average before ${loadBefore}, after ${loadAfter}.
${clients.length} real \`SocketYjsProvider\` connections (websocket) from one load-generator process, ${PER_ROOM} per room (${rooms} rooms), each with its awareness set (user and cursor), against one backend process (\`backend/dist/server.js\`, NODE_ENV=production, in memory). RSS settled before and after connecting; then ${IDLE_S} s with nobody typing (Socket.IO heartbeats every SOCKET_PING_INTERVAL_MS, 25 s by default; presence is kept by the server while connected, so no client renews it).

CPU per 10 s slice of the idle window: ${slices.map((value) => fmt(value)).join(' / ')} %. By thread (% of a core, user + system): ${threads}.

| connections | rooms | RSS idle baseline | RSS with connections | above baseline (target ≤ 150 MB) | per connection | backend CPU while idle (target < 5 %) | still connected |
|---|---|---|---|---|---|---|---|
| ${clients.length} | ${rooms} | ${fmt(result.baselineMiB, 0)} MiB | ${fmt(result.loadedMiB, 0)} MiB | **${fmt(aboveBaselineMiB, 0)} MiB** | ${fmt(result.perConnectionKiB)} KiB | **${fmt(idleCpuPercent)} %** | ${stillConnected} |`,
);
process.exit(stillConnected === clients.length ? 0 : 1);

/** CPU ticks of each of the process's threads by name (the main thread as "main"; same-named ones summed). */
function threadTicks(pid) {
  const ticks = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, user, system } = statCpuTicks(`/proc/${pid}/task/${tid}/stat`);
      const key = tid === String(pid) ? 'main' : name;
      const known = ticks.get(key) ?? { user: 0, system: 0 };
      ticks.set(key, { user: known.user + user, system: known.system + system });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ticks;
}

/** The % of a core each thread used between two `threadTicks` readings `seconds` apart, busiest first. */
function threadCpuText(before, after, seconds) {
  const percent = (ticks) => (ticks / CLOCK_TICKS / seconds) * 100;
  return [...after]
    .map(([name, { user, system }]) => ({
      name,
      user: percent(user - (before.get(name)?.user ?? 0)),
      system: percent(system - (before.get(name)?.system ?? 0)),
    }))
    .filter(({ user, system }) => user + system > 0.05)
    .sort((a, b) => b.user + b.system - a.user - a.system)
    .map(({ name, user, system }) => `${name} ${fmt(user + system)} (user ${fmt(user)}, system ${fmt(system)})`)
    .join('; ');
}
