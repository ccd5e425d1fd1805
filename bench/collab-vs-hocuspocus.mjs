// PairPad's backend against Hocuspocus, side by side (issue #14): the same typing load — ROOMS
// rooms × 2 typists × 5 characters per second for SECONDS — driven by one load generator at each
// server in turn (PairPad, Hocuspocus, PairPad, Hocuspocus, …), each server its own fresh process
// on loopback, each with its own client library (SocketYjsProvider / HocuspocusProvider). Then the
// idle cost: memory per idle room (one connection) and per extra idle connection.
//
//   node --import tsx bench/collab-vs-hocuspocus.mjs [rooms=100] [seconds=60] [rounds=2] [idleRooms=500]
//
// BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server process there (open it in Chrome's
// DevTools or speedscope); BENCH_SYSTEMS=pairpad (or hocuspocus) runs only that system's phases.
// BENCH_HEAP_SNAPSHOT=<dir> writes heap snapshots of each server's idle phase (before and with the
// idle rooms; compare them in DevTools' Comparison view).
//
// Latency is insert at one client → update applied at the other client of the room, same clock.
// CPU is the server process's user + system time over the measured window (one core = 100 %).
// Results go to bench/RESULTS.md under "Collaboration against Hocuspocus (issue #14)".
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { startTypingLoad } from './typing-load.mjs';
import { SocketYjsProvider } from '@pairpad/client';
import { openHeapProbe } from './heap-probe.mjs';
import { QuietWebSocket, socketErrors } from './quiet-websocket.mjs';
import {
  benchBackendEnv,
  buildBackendBundle,
  createBenchSession,
  fmt,
  machineLine,
  processCpuSeconds,
  processRssBytes,
  repoRoot,
  settledRss,
  sleep,
  summarize,
  waitUntil,
  writeResultsSection,
} from './bench-utils.mjs';

const ROOMS = Number(process.argv[2] ?? 100);
const DURATION_S = Number(process.argv[3] ?? 60);
const ROUNDS = Number(process.argv[4] ?? 2);
const IDLE_ROOMS = Number(process.argv[5] ?? 500);
const PORT = Number(process.env.BENCH_PORT ?? 5320);
const CHARS_PER_SECOND = 5;
const WARM_UP_MS = 5_000;
const machine = machineLine();
const medianOf = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2;
};

/** Starts a server process and resolves once `ready()` says it accepts work. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** BENCH_IDLE_WARM_UP=n (default 100): rooms with two connections each, connected before the idle baseline. */
const IDLE_WARM_UP_ROOMS = Number(process.env.BENCH_IDLE_WARM_UP ?? 100);
/** BENCH_HEAP_SNAPSHOT=<dir>: heap snapshots of each server in the idle phase, before and with the idle rooms. */
const HEAP_SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT;
const SYSTEM_NAMES = (process.env.BENCH_SYSTEMS ?? `pairpad,${process.env.BENCH_BASE_ROOT ? 'base,' : ''}hocuspocus`).split(',');

/** The idle phase reads each server's live heap over its inspector, on the port after the server's. */
const INSPECTOR_PORT = PORT + 1;

async function startProcess(args, env, ready, { inspect = false } = {}) {
  const profiling = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
  const inspecting = inspect ? [`--inspect=127.0.0.1:${INSPECTOR_PORT}`] : [];
  const child = spawn('node', [...profiling, ...inspecting, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  // A server that died at once (a port still held by a stray process) must not pass for up because
  // that stray answers the health check.
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was up`))),
  );
  await Promise.race([waitUntil(() => ready(output), `${args.join(' ')} up`, 60_000), exited]);
  exited.catch(() => undefined);
  return child;
}

async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
}

/** PairPad's backend from `root` (this checkout, or another one for an A/B of two versions). */
function pairpadSystem(label, root) {
  return {
    label,
    async start(options) {
      const url = `http://127.0.0.1:${PORT}`;
      const child = await startProcess(
        [join(root, 'backend/dist/server.js')],
        {
          PORT: String(PORT),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          PISTON_URL: 'http://127.0.0.1:9',
          MAX_PARTICIPANTS_PER_ROOM: '20',
          SESSIONS_PER_MINUTE_PER_IP: '1000000',
          ...benchBackendEnv(),
        },
        async () => (await fetch(`${url}/health`)).ok,
        options,
      );
      return {
        child,
        async newRoom() {
          return (await createBenchSession(url)).id;
        },
        connect(room, name) {
          return new SocketYjsProvider({ url, sessionId: room, name, socketOptions: { transports: ['websocket'], forceNew: true } });
        },
      };
    },
  };
}

// BENCH_BASE_ROOT=<another checkout, built with `npm run build -w backend`> adds that version of
// PairPad as a third system ("base"), measured in the same interleaved run.
const BASE_ROOT = process.env.BENCH_BASE_ROOT;
const SYSTEMS = {
  pairpad: pairpadSystem('PairPad backend', repoRoot),
  ...(BASE_ROOT ? { base: pairpadSystem(`PairPad backend at ${BASE_ROOT}`, BASE_ROOT) } : {}),
  hocuspocus: {
    label: 'Hocuspocus 4.7 (defaults, in memory)',
    async start(options) {
      const child = await startProcess(
        ['bench/hocuspocus-server.mjs', String(PORT)],
        {},
        (output) => output.includes('listening'),
        options,
      );
      let rooms = 0;
      return {
        child,
        async newRoom() {
          return `room-${rooms++}`;
        },
        connect(room) {
          // The provider manages its own websocket: one per person, as one browser tab has.
          const provider = new HocuspocusProvider({ url: `ws://127.0.0.1:${PORT}`, name: room, WebSocketPolyfill: QuietWebSocket });
          // The typing load wants `doc`, `synced` and `destroy()` as SocketYjsProvider has them.
          return {
            doc: provider.document,
            remoteOrigin: provider,
            get synced() {
              return provider.synced;
            },
            destroy() {
              provider.destroy();
            },
          };
        },
      };
    },
  },
};

async function connectRooms(server, rooms, perRoom) {
  const groups = [];
  for (let i = 0; i < rooms; i++) {
    const room = await server.newRoom();
    const clients = [];
    for (let j = 0; j < perRoom; j++) clients.push(server.connect(room, `P${i}-${j}`));
    groups.push({ room, clients });
  }
  const clients = groups.flatMap((group) => group.clients);
  await waitUntil(() => clients.every((client) => client.synced), 'all clients synced', 120_000);
  return groups;
}

async function typingPhase(systemName) {
  const system = SYSTEMS[systemName];
  const server = await system.start();
  const pairs = await connectRooms(server, ROOMS, 2);
  const clients = pairs.flatMap((pair) => pair.clients);
  const load = startTypingLoad(clients, CHARS_PER_SECOND);
  await sleep(WARM_UP_MS);
  load.measure(true);
  const pid = server.child.pid;
  const cpuStart = processCpuSeconds(pid);
  const wallStart = performance.now();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, processRssBytes(pid));
  }, 1_000);
  await sleep(DURATION_S * 1000);
  load.measure(false);
  const cpuSeconds = processCpuSeconds(pid) - cpuStart;
  const cpuPercent = (cpuSeconds / ((performance.now() - wallStart) / 1000)) * 100;
  clearInterval(sampler);
  load.stop();
  // Edits still in flight get a moment to land before "not delivered" is counted.
  await sleep(2_000);
  const lost = load.pending();
  const converged = pairs.every(({ clients: [a, b] }) => a.doc.getText('code').toString() === b.doc.getText('code').toString());
  clients.forEach((client) => client.destroy());
  await stopProcess(server.child);
  const stats = summarize(load.latencies);
  // Per delivered edit, so a load generator that falls behind on a busy machine (fewer edits in the
  // window) does not flatter whichever server it happened to be driving.
  const cpuMsPerThousandEdits = (cpuSeconds * 1e6) / Math.max(1, stats.count);
  const result = { system: systemName, stats, cpuPercent, cpuMsPerThousandEdits, peakRss, lost, converged };
  console.table({
    system: systemName,
    edits: stats.count,
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    cpuPercent,
    cpuMsPerThousandEdits,
    peakRssMiB: peakRss / 2 ** 20,
    lost,
    converged,
  });
  return result;
}

async function idlePhase(systemName) {
  const server = await SYSTEMS[systemName].start({ inspect: true });
  const pid = server.child.pid;
  const probe = await openHeapProbe(INSPECTOR_PORT);
  // RSS is what a deployer pays; the live heap (after forced collections) is what the rooms and
  // connections keep alive, without V8's heap growth, which moves RSS from run to run. RSS is read
  // after the same collections: read before them, one point's collection shrank the next one's.
  const measure = async () => {
    const heap = (await probe.liveMemory()).heapUsed;
    return { heap, rss: await settledRss(pid, 1_000) };
  };
  // Warm-up rooms, kept connected: the code a room runs is compiled (bytecode, feedback, optimized
  // code: ~10 KiB per room for PairPad at 300 rooms, ~2 KiB for Hocuspocus) before the baseline,
  // so the per-room figures are what each further room costs, as at the targets' 5,000 rooms.
  const warmUp = IDLE_WARM_UP_ROOMS > 0 ? await connectRooms(server, IDLE_WARM_UP_ROOMS, 2) : [];
  const base = await measure();
  if (HEAP_SNAPSHOT_DIR) await probe.snapshot(join(HEAP_SNAPSHOT_DIR, `${systemName}-base.heapsnapshot`));
  const groups = await connectRooms(server, IDLE_ROOMS, 1);
  const withRooms = await measure();
  if (HEAP_SNAPSHOT_DIR) await probe.snapshot(join(HEAP_SNAPSHOT_DIR, `${systemName}-rooms.heapsnapshot`));
  const second = groups.map(({ room }) => server.connect(room, 'second'));
  await waitUntil(() => second.every((client) => client.synced), 'second connections synced', 120_000);
  const withSecond = await measure();
  // Idle heartbeat and presence renewal cost, with everyone connected and nobody typing.
  const cpuStart = processCpuSeconds(pid);
  await sleep(30_000);
  const idleCpuPercent = ((processCpuSeconds(pid) - cpuStart) / 30) * 100;
  // And settled: from 36 s after the last join, when what the joins set off is done (PairPad's
  // archive writes each room that changed within 24–36 s, CHECKPOINT_INTERVAL_MS ± 20 %: the
  // second join is a timeline event), so only what idleness itself costs is left.
  await sleep(6_000);
  const settledStart = processCpuSeconds(pid);
  await sleep(30_000);
  const idleCpuSettledPercent = ((processCpuSeconds(pid) - settledStart) / 30) * 100;
  [...groups.flatMap((group) => group.clients), ...second, ...warmUp.flatMap((group) => group.clients)].forEach((client) =>
    client.destroy(),
  );
  probe.close();
  await stopProcess(server.child);
  const perRoom = (key) => (withRooms[key] - base[key]) / IDLE_ROOMS / 1024;
  const perConnection = (key) => (withSecond[key] - withRooms[key]) / IDLE_ROOMS / 1024;
  const result = {
    system: systemName,
    perRoomKiB: perRoom('rss'),
    perConnectionKiB: perConnection('rss'),
    heapPerRoomKiB: perRoom('heap'),
    heapPerConnectionKiB: perConnection('heap'),
    idleCpuPercent,
    idleCpuSettledPercent,
    baseMiB: base.rss / 2 ** 20,
  };
  console.table(result);
  return result;
}

buildBackendBundle();
const loadBefore = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const typing = Object.fromEntries(SYSTEM_NAMES.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of SYSTEM_NAMES) typing[name].push(await typingPhase(name));
}
// BENCH_IDLE_ROUNDS=n measures the idle phase n times, the systems alternating (P H P H …); the
// table gives each figure's median over the rounds.
const IDLE_ROUNDS = Number(process.env.BENCH_IDLE_ROUNDS ?? 1);
const idleRounds = Object.fromEntries(SYSTEM_NAMES.map((name) => [name, []]));
if (IDLE_ROOMS > 0)
  for (let round = 0; round < IDLE_ROUNDS; round++) for (const name of SYSTEM_NAMES) idleRounds[name].push(await idlePhase(name));
const idle = Object.fromEntries(
  Object.entries(idleRounds)
    .filter(([, rounds]) => rounds.length > 0)
    .map(([name, rounds]) => [
      name,
      Object.fromEntries(Object.keys(rounds[0]).map((key) => [key, key === 'system' ? name : medianOf(rounds.map((round) => round[key]))])),
    ]),
);
// A profiling or partial run: nothing to compare. (Rounds = 0 with idle rooms is the idle comparison alone.)
if (!SYSTEM_NAMES.includes('pairpad') || !SYSTEM_NAMES.includes('hocuspocus') || (ROUNDS === 0 && IDLE_ROOMS === 0)) process.exit(0);
const loadAfter = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');

const range = (values, digits = 1) => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high || fmt(low, digits) === fmt(high, digits) ? fmt(low, digits) : `${fmt(low, digits)}–${fmt(high, digits)}`;
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2;
};
const row = (name) => {
  const runs = typing[name];
  return `| ${SYSTEMS[name].label} | ${range(
    runs.map((r) => r.stats.count),
    0,
  )} | ${range(runs.map((r) => r.stats.p50))} | ${range(runs.map((r) => r.stats.p95))} | ${range(runs.map((r) => r.stats.p99))} | ${range(runs.map((r) => r.cpuPercent))} % | ${range(
    runs.map((r) => r.cpuMsPerThousandEdits),
    0,
  )} ms | ${range(
    runs.map((r) => r.peakRss / 2 ** 20),
    0,
  )} MiB | ${runs.map((r) => r.lost).join(' / ')} | ${runs.every((r) => r.converged) ? 'yes' : 'NO'} |`;
};
const ratio = (metric) => median(typing.pairpad.map(metric)) / median(typing.hocuspocus.map(metric));
const idleRow = (name) => {
  const result = idle[name];
  return `| ${SYSTEMS[name].label} | ${fmt(result.baseMiB, 0)} MiB | ${fmt(result.perRoomKiB)} KiB | ${fmt(result.perConnectionKiB)} KiB | ${fmt(result.heapPerRoomKiB)} KiB | ${fmt(result.heapPerConnectionKiB)} KiB | ${fmt(result.idleCpuPercent)} % | ${fmt(result.idleCpuSettledPercent)} % |`;
};
const ratios = {
  cpu: ratio((r) => r.cpuPercent),
  cpuPerEdit: ratio((r) => r.cpuMsPerThousandEdits),
  p50: ratio((r) => r.stats.p50),
  p99: ratio((r) => r.stats.p99),
  rss: ratio((r) => r.peakRss),
  ...(IDLE_ROOMS > 0
    ? {
        perRoom: idle.pairpad.perRoomKiB / idle.hocuspocus.perRoomKiB,
        perConnection: idle.pairpad.perConnectionKiB / idle.hocuspocus.perConnectionKiB,
        heapPerRoom: idle.pairpad.heapPerRoomKiB / idle.hocuspocus.heapPerRoomKiB,
        heapPerConnection: idle.pairpad.heapPerConnectionKiB / idle.hocuspocus.heapPerConnectionKiB,
      }
    : {}),
  ...(typing.base
    ? {
        cpuPerEditVsBase:
          median(typing.pairpad.map((r) => r.cpuMsPerThousandEdits)) / median(typing.base.map((r) => r.cpuMsPerThousandEdits)),
      }
    : {}),
};
const letters = SYSTEM_NAMES.map((name) => ({ pairpad: 'P', base: 'B', hocuspocus: 'H' })[name]).join(' ');
const idleSection =
  IDLE_ROOMS > 0
    ? `Idle${IDLE_ROUNDS > 1 ? ` (${IDLE_ROUNDS} rounds, interleaved ${Array.from({ length: IDLE_ROUNDS }, () => letters).join(' ')}; medians)` : ''}: after ${IDLE_WARM_UP_ROOMS} warm-up rooms (two connections each, kept; so the code is compiled before the baseline), ${IDLE_ROOMS} rooms with one connection each, then a second idle connection in each room; then 30 s of nobody typing (heartbeats, and for Hocuspocus presence renewal by every client every 15 s; PairPad keeps presence while connected).

| system | RSS at start | RSS per idle room (one connection) | RSS per extra idle connection | live heap per idle room (one connection) | live heap per extra idle connection | CPU while idle, first 30 s after the last join (${(IDLE_ROOMS + IDLE_WARM_UP_ROOMS) * 2} connections) | CPU while idle, settled (36–66 s after it) |
|---|---|---|---|---|---|---|---|
${SYSTEM_NAMES.map(idleRow).join('\n')}

PairPad ÷ Hocuspocus (target ≤ 1.2 each): RSS per idle room **${fmt(ratios.perRoom, 2)}×**, per idle connection **${fmt(ratios.perConnection, 2)}×**; live heap per idle room **${fmt(ratios.heapPerRoom, 2)}×**, per idle connection **${fmt(ratios.heapPerConnection, 2)}×**. Live heap is \`heapUsed\` after two forced full collections over each server's inspector (bench/heap-probe.mjs); RSS is settled RSS after those collections.`
    : '';
if (socketErrors.count > 0) console.log(`Hocuspocus client sockets that failed and were retried: ${socketErrors.count}`);
console.log(
  'PairPad / Hocuspocus ratios (medians):',
  Object.fromEntries(Object.entries(ratios).map(([key, value]) => [key, Number(value.toFixed(2))])),
);

const command = `\`${BASE_ROOT ? `BENCH_BASE_ROOT=${BASE_ROOT} ` : ''}${IDLE_ROUNDS > 1 ? `BENCH_IDLE_ROUNDS=${IDLE_ROUNDS} ` : ''}node --import tsx bench/collab-vs-hocuspocus.mjs ${ROOMS} ${DURATION_S} ${ROUNDS} ${IDLE_ROOMS}\` — ${new Date().toISOString().slice(0, 16)}Z, ${machine}; load average before ${loadBefore}, after ${loadAfter}.`;
if (ROUNDS === 0) {
  writeResultsSection(`Idle rooms against Hocuspocus (issue #14), ${IDLE_ROOMS} rooms`, `Command: ${command}\n\n${idleSection}`);
} else {
  writeResultsSection(
    `Collaboration against Hocuspocus (issue #14), ${ROOMS} rooms${typing.base ? ', A/B with an earlier PairPad' : ''}`,
    `Command: ${command}
${ROOMS} rooms × 2 typists × ${CHARS_PER_SECOND} chars/s for ${DURATION_S} s (after ${WARM_UP_MS / 1000} s warm-up), one load generator, each server a fresh process, interleaved ${Array.from({ length: ROUNDS }, () => letters).join(' ')} (P = PairPad${typing.base ? ', B = the earlier PairPad' : ''}, H = Hocuspocus). PairPad: \`backend/dist/server.js\` (the bundle \`npm start\` runs; NODE_ENV=production, no Redis) with \`SocketYjsProvider\` (websocket); Hocuspocus: \`bench/hocuspocus-server.mjs\` (built-in server, defaults) with \`HocuspocusProvider\` over \`ws\`. Ranges are over the rounds.

| system | edits measured | p50 ms | p95 ms | p99 ms | server CPU (one core = 100 %) | server CPU per 1,000 edits | peak RSS | not delivered at end | converged |
|---|---|---|---|---|---|---|---|---|---|
${SYSTEM_NAMES.map(row).join('\n')}

PairPad ÷ Hocuspocus (medians): CPU **${fmt(ratios.cpu, 2)}×**, CPU per edit **${fmt(ratios.cpuPerEdit, 2)}×** (target ≤ 1.0), p50 ${fmt(ratios.p50, 2)}×, p99 **${fmt(ratios.p99, 2)}×** (target ≤ 0.8), peak RSS ${fmt(ratios.rss, 2)}×.${typing.base ? ` PairPad ÷ the earlier PairPad, CPU per edit: **${fmt(ratios.cpuPerEditVsBase, 2)}×**.` : ''}

${idleSection}`,
  );
}
process.exit(0);
