// PairPad's executor side by side with raw `isolate` 1.10.1 (the sandbox Piston wraps), issue 21's
// executor target (first set by issue #14).
//
//   ISOLATE_BIN=/path/to/isolate node --import tsx bench/executor-vs-isolate.mjs [sequentialJobs=100] [jobsPerRound=48] [rounds=4]
//
// Build isolate with bench/isolate/build.sh (from github.com/ioi/isolate, tag v1.10.1). Runs as
// root on a cgroup v1 host (isolate 1.10.1 needs v1; 2.x needs v2). Four systems run the same
// python hello-world, interleaved (A B C D, the order rotating) so that they all see the same
// machine:
//   bare      /usr/bin/python3 main.py spawned from Node
//   isolate   Piston's per-job sequence: --init, files written, --run with Piston's flags, --cleanup,
//             driven by bench/isolate/driver.c (a lean C driver: posix_spawn + waitpid, one
//             process, no Node), which this script compiles with `cc -O2`
//   bwrap     setpriv → bwrap with the command line PairPad's sandbox builds, nothing else
//   executor  PairPad's executor as its own process (`tsx packages/executor/src/main.ts`), through
//             POST /api/v2/execute from a keep-alive HTTP client in another process
// Figures: p50 of sequential jobs (isolate's also to its result, before its cleanup), CPU per
// job over each system's whole process tree, and jobs/s with 2, 8 and 32 jobs in flight.
//
// CPU is counted with cpuacct cgroups, never a parent's getrusage (bwrap hands its sandbox's
// pid 1 to the host's init, so a parent never sees it): each system's driver process starts
// in a cpuacct cgroup of its own, and everything it starts stays below it (the executor puts
// its stage cgroups under its own; isolate's boxes go under its configured cg_parent, which is
// the isolate driver's cgroup). isolate's lean driver is charged to isolate, as the server that
// drives it would be; the executor's HTTP client has a cgroup of its own and is not charged to
// the executor (reported apart).
//
// Env: ISOLATE_BIN (required), ISOLATE_CG_ROOT (the config's cg_root, /sys/fs/cgroup),
// BENCH_ISOLATE_DRIVER=node (drive isolate from the Node driver instead, as issue #14 did: the
// same sequence through child_process, Piston's way), BENCH_CC (the C compiler, default cc),
// BENCH_LABEL (the RESULTS.md subsection, default "Latest run"), BENCH_WARMUP (extra warm-up jobs per
// system before measuring, 2 in flight, default 0: a long-running server's steady state), BENCH_SYSTEMS (comma list),
// BENCH_NO_WRITE=1 (don't touch RESULTS.md), BENCH_NO_WAIT=1 (don't wait for a quiet machine),
// BENCH_BASE_ROOT=<another checkout> (adds its executor as system "base": a change's A/B, interleaved),
// BENCH_BASE_ENV='NAME=value …' (the base executor gets these env settings on top; without
// BENCH_BASE_ROOT it is this checkout's: an env change's A/B, e.g. EXECUTOR_MAX_CONCURRENT_JOBS=2).
// Writes "### <label>" of "## Executor against raw isolate 1.10.1 (issue 21)" in bench/RESULTS.md.
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAverage, loadSentence, machine, percentile, waitForQuiet, writeResultsSection } from './executor-bench-common.mjs';

const execFileAsync = promisify(execFile);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(benchDir, '..');
const sequentialJobs = Number(process.argv[2] ?? 100);
const jobsPerRound = Number(process.argv[3] ?? 48);
const rounds = Number(process.argv[4] ?? 4);
const LEVELS = [2, 8, 32];
const BLOCKS = 4;
const HEADING = '## Executor against raw isolate 1.10.1 (issue 21)';
const leanIsolate = process.env.BENCH_ISOLATE_DRIVER !== 'node';
const label = process.env.BENCH_LABEL ?? 'Latest run';
const extraWarmup = Number(process.env.BENCH_WARMUP ?? 0);
const baseEnv = Object.fromEntries(
  (process.env.BENCH_BASE_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`BENCH_BASE_ENV: "${pair}" is not NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);
const baseEnvText = Object.entries(baseEnv)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
const baseRoot = process.env.BENCH_BASE_ROOT ?? (baseEnvText ? repoRoot : undefined);
const systems = (process.env.BENCH_SYSTEMS ?? `bare,isolate,bwrap,executor${baseRoot ? ',base' : ''}`).split(',').filter(Boolean);
/** Executor systems: this checkout's, and with BENCH_BASE_ROOT another checkout's (A/B of a change). */
const executorRoots = { executor: repoRoot, ...(baseRoot ? { base: path.resolve(baseRoot) } : {}) };
const isExecutor = (system) => system in executorRoots;

const HOW_TO_GET_ISOLATE = `ISOLATE_BIN must name an isolate 1.10.1 binary built with a config for this host, e.g.:
  apt-get install -y libcap-dev
  git clone --branch v1.10.1 https://github.com/ioi/isolate /tmp/isolate-src
  bench/isolate/build.sh /tmp/isolate-src /work/isolate-1.10.1
  ISOLATE_BIN=/work/isolate-1.10.1/bin/isolate node --import tsx bench/executor-vs-isolate.mjs 100 48 3
(cgroup v1 host: cg_root's memory, cpuacct and cpuset entries must be v1 hierarchies; the bench
creates cg_parent in each. On a cgroup v2 host use isolate 2.x, which this bench does not drive.)`;

// ------------------------------------------------------------------ cgroups

function cpuacctMount() {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fsType, , options = ''] = right.split(' ');
    if (fsType === 'cgroup' && options.split(',').includes('cpuacct')) return left.split(' ')[4];
  }
  throw new Error('no cgroup v1 cpuacct hierarchy: this bench needs a cgroup v1 host (see the header)');
}

const cpuacct = cpuacctMount();
const createdCgroups = [];

async function ensureCgroup(dir) {
  try {
    await fs.mkdir(dir);
    createdCgroups.push(dir);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
}

const usageNs = (dir) => Number(readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8'));

/** The whole machine's idle and busy clock ticks so far (/proc/stat's first line; iowait counts as idle). */
function machineTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((sum, value) => sum + value, 0) };
}

/** Whole-process CPU (all threads) of one pid, ms, from /proc (USER_HZ = 100: 10 ms ticks). */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** isolate's cg_parent, from what `isolate -v --init` says; creates it in the v1 hierarchies. */
async function prepareIsolate(bin) {
  const root = process.env.ISOLATE_CG_ROOT ?? '/sys/fs/cgroup';
  const box = 99;
  await execFileAsync(bin, ['--cleanup', '--cg', `-b${box}`]).catch(() => undefined);
  let stderr = '';
  let stdout = '';
  try {
    ({ stdout, stderr } = await execFileAsync(bin, ['-v', '--init', '--cg', `-b${box}`]));
  } catch (error) {
    stderr = error.stderr ?? '';
  }
  await execFileAsync(bin, ['--cleanup', '--cg', `-b${box}`]).catch(() => undefined);
  const parent = /under parent (\S+)/.exec(stderr)?.[1];
  if (!parent) throw new Error(`cannot tell isolate's cg_parent from: ${stderr.trim()}`);
  // Boxes a killed run left behind (the driver uses ids 100-299) would make --init fail.
  const boxRoot = stdout.trim() ? path.dirname(stdout.trim()) : undefined;
  for (let id = 100; boxRoot && id < 300; id++) {
    if (
      await fs.stat(path.join(boxRoot, String(id))).then(
        () => true,
        () => false,
      )
    )
      await execFileAsync(bin, ['--cleanup', '--cg', `-b${id}`]).catch(() => undefined);
  }
  for (const controller of ['memory', 'cpuacct', 'cpuset']) {
    const dir = path.join(root, controller, parent);
    await ensureCgroup(dir);
    if (controller === 'cpuset') {
      // A new cpuset starts empty: a box under it could run nowhere.
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        if ((await fs.readFile(path.join(dir, file), 'utf8')).trim() === '')
          await fs.writeFile(path.join(dir, file), await fs.readFile(path.join(root, controller, file), 'utf8'));
      }
    }
  }
  await execFileAsync(bin, ['--init', '--cg', `-b${box}`]);
  await execFileAsync(bin, ['--cleanup', '--cg', `-b${box}`]);
  return path.join(root, 'cpuacct', parent);
}

// ------------------------------------------------------------------ processes

/** Starts `argv` inside cpuacct cgroup `dir` (it joins before exec, so all it starts is counted). */
function spawnInCgroup(dir, argv, options) {
  return spawn('/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, ...argv], { cwd: repoRoot, ...options });
}

class Driver {
  constructor(system, cgroupDir, env) {
    this.system = system;
    this.cgroupDir = cgroupDir;
    this.child = spawnInCgroup(
      cgroupDir,
      [process.execPath, '--import', 'tsx', path.join(benchDir, 'executor-vs-isolate-driver.mjs'), system],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      },
    );
    this.pending = [];
    this.child.on('message', (message) => this.pending.shift()?.(message));
    this.child.on('exit', (code) => {
      for (const resolve of this.pending.splice(0)) resolve({ ok: false, error: `driver ${system} exited ${code}` });
    });
    this.ready = this.next();
  }
  next() {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  async send(message) {
    const answer = this.next();
    this.child.send(message);
    const result = await answer;
    if (!result.ok) throw new Error(`${this.system}: ${result.error}`);
    return result;
  }
  async close() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ cmd: 'close' }).catch(() => undefined);
    await exited;
  }
}

/**
 * isolate's lean driver (bench/isolate/driver.c) in its cgroup: one command a line on its stdin,
 * one JSON answer a line on its stdout; answers shaped like the Node driver's.
 */
class LeanDriver {
  constructor(binary, cgroupDir) {
    this.system = 'isolate';
    this.child = spawnInCgroup(cgroupDir, [binary], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ISOLATE_BIN: isolateBin, PATH: '/usr/bin:/bin' },
    });
    this.pending = [];
    let buffered = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.pending.shift()?.(JSON.parse(line));
      }
    });
    this.child.on('exit', (code) => {
      for (const resolve of this.pending.splice(0)) resolve({ ok: false, error: `isolate driver exited ${code}` });
    });
    this.ready = this.next();
  }
  next() {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  async send(message) {
    const answer = this.next();
    this.child.stdin.write(message.cmd === 'round' ? `round ${message.concurrency} ${message.count}\n` : `${message.cmd}\n`);
    const result = await answer;
    if (!result.ok) throw new Error(`isolate driver: ${result.error}`);
    if (message.cmd !== 'round') return result;
    return {
      ok: result.ok_jobs,
      failed: result.failed,
      seconds: result.seconds,
      errors: result.error ? [[result.error, result.failed]] : [],
    };
  }
  async close() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ cmd: 'close' }).catch(() => undefined);
    this.child.stdin.end();
    await exited;
  }
}

/** Compiles bench/isolate/driver.c (isolate's lean driver) into a temporary directory. */
async function buildLeanDriver() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-isolate-driver-'));
  const binary = path.join(dir, 'driver');
  await execFileAsync(process.env.BENCH_CC ?? 'cc', ['-O2', '-Wall', '-o', binary, path.join(benchDir, 'isolate', 'driver.c')]);
  return binary;
}

/** PairPad's executor as its own process (what `npm run executor` starts), in its cgroup. */
async function startExecutor(cgroupDir, root, extraEnv = {}) {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-executor-work-'));
  const child = spawnInCgroup(cgroupDir, [process.execPath, '--import', 'tsx', path.join(root, 'packages/executor/src/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      EXECUTOR_HOST: '127.0.0.1',
      EXECUTOR_PORT: '0',
      EXECUTOR_RUNTIMES: 'python',
      EXECUTOR_MAX_QUEUE: '256',
      EXECUTOR_WORK_DIR: workDir,
      ...extraEnv,
    },
  });
  let url;
  let buffered = '';
  const listening = new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`executor exited ${code}: ${buffered.slice(-2000)}`)));
    child.stderr.on('data', (chunk) => {
      // Every log line is read (and dropped): the executor's per-job log is part of its cost.
      buffered = (buffered + chunk).slice(-20_000);
      const match = /"message":"executor listening","url":"([^"]+)"/.exec(buffered);
      if (match && !url) {
        url = match[1];
        resolve(url);
      }
    });
  });
  await listening;
  for (;;) {
    const health = await fetch(`${url}/health`).then((r) => r.json());
    if (health.status !== 'ok') throw new Error(`executor unhealthy: ${JSON.stringify(health)}`);
    if (health.ready) {
      if (health.runtimes < 1) throw new Error(`executor has no python: ${JSON.stringify(health.failedRuntimes)}`);
      return {
        url,
        pid: child.pid,
        health,
        async close() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
          await fs.rm(workDir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ------------------------------------------------------------------ the run

const isolateBin = process.env.ISOLATE_BIN;
if (systems.includes('isolate')) {
  const usable =
    isolateBin &&
    (await fs.access(isolateBin, fsConstants.X_OK).then(
      () => true,
      () => false,
    ));
  if (!usable) {
    console.error(HOW_TO_GET_ISOLATE);
    process.exit(2);
  }
}
if (process.getuid?.() !== 0) {
  console.error('run as root: isolate and the cpuacct cgroups this bench creates need it');
  process.exit(2);
}

const wait = await waitForQuiet({ threshold: 1.5, maxWaitMs: 3 * 60_000 });
const isolateVersion = systems.includes('isolate') ? (await execFileAsync(isolateBin, ['--version'])).stdout.split('\n')[0] : '';
const cgroupOf = {};
for (const system of systems) {
  if (system === 'isolate') cgroupOf.isolate = await prepareIsolate(isolateBin);
  else {
    cgroupOf[system] = path.join(cpuacct, `pairpad-bench-${system}`);
    await ensureCgroup(cgroupOf[system]);
  }
}
const clientCgroup = (system) => path.join(cpuacct, `pairpad-bench-${system}-client`);
const executors = {};
const drivers = {};
try {
  for (const system of systems.filter(isExecutor)) {
    executors[system] = await startExecutor(cgroupOf[system], executorRoots[system], system === 'base' ? baseEnv : {});
    await ensureCgroup(clientCgroup(system));
  }
  const leanDriverBinary = systems.includes('isolate') && leanIsolate ? await buildLeanDriver() : undefined;
  for (const system of systems) {
    const dir = isExecutor(system) ? clientCgroup(system) : cgroupOf[system];
    if (system === 'isolate' && leanDriverBinary) {
      drivers[system] = new LeanDriver(leanDriverBinary, dir);
      continue;
    }
    drivers[system] = new Driver(
      isExecutor(system) ? 'executor' : system,
      dir,
      isExecutor(system) ? { EXECUTOR_URL: executors[system].url } : {},
    );
  }
  await Promise.all(Object.values(drivers).map((d) => d.ready));

  /** CPU meters of one system: its tree, its Node "server" process, the executor's client. */
  const meters = (system) => ({
    tree: usageNs(cgroupOf[system]) / 1e6,
    server: isExecutor(system) ? processCpuMs(executors[system].pid) : undefined,
    client: isExecutor(system) ? usageNs(clientCgroup(system)) / 1e6 : undefined,
  });
  const diff = (a, b) => ({ tree: b.tree - a.tree, server: b.server - a.server, client: b.client - a.client });

  // Warm-up: page cache, the executor's JIT and pools, isolate's boxes.
  for (let i = 0; i < 10; i++) for (const system of systems) await drivers[system].send({ cmd: 'job' });
  // BENCH_WARMUP: a long-running server's steady state. V8 still optimizes the executor's code
  // 500 jobs after its start (--trace-opt: 154 functions optimized between jobs 200 and 500;
  // TurboFan's threads ~1 ms of CPU a job in a perf recording there), which a 10-job warm-up
  // charges to the measured jobs. Every system gets the same extra jobs, 2 in flight.
  if (extraWarmup > 0) for (const system of systems) await drivers[system].send({ cmd: 'round', concurrency: 2, count: extraWarmup });

  // Sequential, interleaved job by job, in BLOCKS blocks (spread).
  const seq = Object.fromEntries(systems.map((s) => [s, { ms: [], resultMs: [], blocks: [] }]));
  const perBlock = Math.ceil(sequentialJobs / BLOCKS);
  for (let block = 0; block < BLOCKS; block++) {
    const start = Object.fromEntries(systems.map((s) => [s, meters(s)]));
    const firstIndex = Object.fromEntries(systems.map((s) => [s, seq[s].ms.length]));
    for (let i = 0; i < perBlock; i++) {
      for (let k = 0; k < systems.length; k++) {
        const system = systems[(i + k) % systems.length];
        const { ms, resultMs } = await drivers[system].send({ cmd: 'job' });
        seq[system].ms.push(ms);
        seq[system].resultMs.push(resultMs);
      }
    }
    for (const system of systems) {
      const cpu = diff(start[system], meters(system));
      const ms = seq[system].ms.slice(firstIndex[system]);
      seq[system].blocks.push({ jobs: ms.length, cpu, p50: percentile(ms, 50) });
    }
  }

  // Throughput: at each level a warm-up round each, then `rounds` rounds, systems rotating.
  const tput = {};
  for (const concurrency of LEVELS) {
    const count = Math.max(concurrency, jobsPerRound);
    for (const system of systems) await drivers[system].send({ cmd: 'round', concurrency, count: concurrency * 2 });
    const level = Object.fromEntries(
      systems.map((s) => [
        s,
        { ok: 0, failed: 0, seconds: 0, rates: [], cpu: { tree: 0, server: 0, client: 0 }, idleTicks: 0, ticks: 0, errors: [] },
      ]),
    );
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < systems.length; k++) {
        const system = systems[(round + k) % systems.length];
        const before = meters(system);
        const ticksBefore = machineTicks();
        const result = await drivers[system].send({ cmd: 'round', concurrency, count });
        const ticksAfter = machineTicks();
        const cpu = diff(before, meters(system));
        const entry = level[system];
        entry.idleTicks += ticksAfter.idle - ticksBefore.idle;
        entry.ticks += ticksAfter.total - ticksBefore.total;
        entry.ok += result.ok;
        entry.failed += result.failed;
        entry.seconds += result.seconds;
        entry.rates.push(result.ok / result.seconds);
        for (const key of Object.keys(entry.cpu)) entry.cpu[key] += cpu[key] || 0;
        entry.errors.push(...result.errors.map(([m, n]) => `${n}× ${m}`));
      }
    }
    tput[concurrency] = level;
  }

  // ---------------------------------------------------------------- report
  const loadAtEnd = await loadAverage();
  const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
  const range = (values, digits = 1) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
  const seqCpu = (s) => seq[s].blocks.reduce((sum, b) => sum + b.cpu.tree, 0) / seq[s].ms.length;
  const rate = (s, c) => tput[c][s].ok / tput[c][s].seconds;
  /** CPU per job of system s's whole tree over its rounds at level c. */
  const levelCpu = (s, c) => tput[c][s].cpu.tree / tput[c][s].ok;
  const names = {
    bare: 'bare interpreter',
    isolate: `raw \`isolate\` per job (${isolateVersion.replace('The process isolator ', '')}, Piston's flags, ${leanIsolate ? 'lean C driver' : 'Node driver'})`,
    bwrap: "bwrap alone, PairPad's flags (`setpriv` + `bwrap`)",
    executor: 'PairPad executor, whole HTTP API',
    base: `PairPad executor${process.env.BENCH_BASE_ROOT ? ` from ${baseRoot}` : ''}${baseEnvText ? ` with ${baseEnvText}` : ''}`,
  };
  const rows = systems.map((s) => {
    const p50 = percentile(seq[s].ms, 50);
    const toResult = percentile(seq[s].resultMs, 50);
    const blockCpu = seq[s].blocks.map((b) => b.cpu.tree / b.jobs);
    return [
      names[s],
      `${f1(p50)}${s === 'isolate' ? ` (${f1(toResult)} to the result)` : ''}`,
      range(seq[s].blocks.map((b) => b.p50)),
      f1(seqCpu(s)),
      range(blockCpu),
      LEVELS.map((c) => f1(rate(s, c))).join(' / '),
      LEVELS.map((c) => range(tput[c][s].rates, 0)).join(' / '),
      LEVELS.map((c) => f1(levelCpu(s, c))).join(' / '),
    ];
  });
  const table = [
    '| system | p50 sequential (ms) | p50 per block | CPU per job, whole tree, sequential (ms) | per block | jobs/s at 2 / 8 / 32 | per round | CPU per job at 2 / 8 / 32 (ms) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

  const lines = [];
  for (const system of systems.filter(isExecutor)) {
    const server = seq[system].blocks.reduce((sum, b) => sum + b.cpu.server, 0) / seq[system].ms.length;
    const client = seq[system].blocks.reduce((sum, b) => sum + b.cpu.client, 0) / seq[system].ms.length;
    const tputServer = LEVELS.map((c) => f1(tput[c][system].cpu.server / tput[c][system].ok)).join(' / ');
    const tputTree = LEVELS.map((c) => f1(tput[c][system].cpu.tree / tput[c][system].ok)).join(' / ');
    lines.push(
      `${system === 'base' ? `Base executor (${names.base.replace('PairPad executor ', '')})` : 'Executor'} breakdown: of its ${f1(seqCpu(system))} ms per sequential job, its own Node process took ${f1(server)} ms (/proc, 10 ms ticks), its sandboxes the rest; under load (2 / 8 / 32) ${tputTree} ms per job, Node ${tputServer}. The HTTP client (another process, not counted) used ${f1(client)} ms per job.`,
    );
  }
  if (systems.includes('executor') && systems.includes('base')) {
    lines.push(
      `This checkout / base: p50 ${(percentile(seq.executor.ms, 50) / percentile(seq.base.ms, 50)).toFixed(2)}×, CPU per job ${(seqCpu('executor') / seqCpu('base')).toFixed(2)}× (${f1(seqCpu('executor') - seqCpu('base'))} ms), jobs/s at 2 / 8 / 32 ${LEVELS.map((c) => (rate('executor', c) / rate('base', c)).toFixed(2)).join(' / ')}×.`,
    );
  }
  if (systems.includes('executor') && systems.includes('isolate')) {
    const iso = { p50: percentile(seq.isolate.ms, 50), result: percentile(seq.isolate.resultMs, 50), cpu: seqCpu('isolate') };
    const ex = { p50: percentile(seq.executor.ms, 50), cpu: seqCpu('executor') };
    const ratios = LEVELS.map((c) => (rate('executor', c) / rate('isolate', c)).toFixed(2));
    const met = (ok) => (ok ? 'met' : 'MISSED');
    lines.push(
      `Ratios executor / isolate: p50 ${(ex.p50 / iso.result).toFixed(2)}× isolate's time to the result (${(ex.p50 / iso.p50).toFixed(2)}× its whole job); CPU per job ${(ex.cpu / iso.cpu).toFixed(2)}×; jobs/s at 2 / 8 / 32 ${ratios.join(' / ')}×.`,
      `Targets: p50 ≤ isolate's time to the result **${met(ex.p50 <= iso.result)}**; CPU per job ≤ isolate's **${met(ex.cpu <= iso.cpu)}**; jobs/s ≥ isolate's at 2 / 8 / 32 **${LEVELS.map((c) => met(rate('executor', c) >= rate('isolate', c))).join(' / ')}**.`,
      `Issue 21, per level (jobs/s ≥ 1.0× and CPU per job ≤ 1.0× isolate's): ${LEVELS.map((c) => {
        const r = rate('executor', c) / rate('isolate', c);
        const cpu = levelCpu('executor', c) / levelCpu('isolate', c);
        return `at ${c} jobs/s ${r.toFixed(2)}× **${met(r >= 1)}**, CPU per job ${cpu.toFixed(2)}× **${met(cpu <= 1)}**`;
      }).join('; ')}.`,
    );
  }
  lines.push(
    `Whole machine idle during each system's rounds at 2 / 8 / 32 (/proc/stat, everything on the machine, the load generators and kernel threads too): ${systems
      .map((s) => `${s} ${LEVELS.map((c) => `${((100 * tput[c][s].idleTicks) / tput[c][s].ticks).toFixed(1)}`).join(' / ')} %`)
      .join('; ')}.`,
  );
  const failures = systems.flatMap((s) =>
    LEVELS.flatMap((c) => (tput[c][s].failed ? [`${s} at ${c}: ${tput[c][s].failed} failed (${tput[c][s].errors.join('; ')})`] : [])),
  );
  lines.push(failures.length ? `Failures: ${failures.join('; ')}.` : 'No job failed.');

  const text = `Command: \`${baseEnvText ? `BENCH_BASE_ENV='${baseEnvText}' ` : ''}ISOLATE_BIN=… node --import tsx bench/executor-vs-isolate.mjs ${sequentialJobs} ${jobsPerRound} ${rounds}\` — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine()}.
${executors.executor ? `Executor: sandbox ${executors.executor.health.sandbox.kind}, cgroup ${executors.executor.health.sandbox.cgroup}, ${executors.executor.health.queue.maxConcurrent} concurrent jobs${executors.base ? ` (base: ${executors.base.health.queue.maxConcurrent})` : ''}. ` : ''}${sequentialJobs} sequential jobs per system after ${10 + extraWarmup} warm-up jobs${extraWarmup > 0 ? ` (BENCH_WARMUP=${extraWarmup}: ${extraWarmup} of them 2 in flight)` : ''}, interleaved job by job in ${BLOCKS} blocks; then at each level a warm-up round and ${rounds} rounds of ${jobsPerRound} jobs per system, the systems' order rotating per round; jobs/s is jobs over the time of that system's rounds. CPU per job is the cpuacct usage of the system's cgroup (its driver and everything below it) over the sequential phase, and over each level's rounds. isolate is driven by ${leanIsolate ? 'the lean C driver (bench/isolate/driver.c)' : 'the Node driver (BENCH_ISOLATE_DRIVER=node)'}, charged to isolate.
${loadSentence(wait, loadAtEnd)}

${table}

${lines.join('\n')}`;
  console.log(`\n${text}\n`);
  await writeResultsSection(label, text, HEADING);
} finally {
  await Promise.all(Object.values(drivers).map((d) => d.close()));
  await Promise.all(Object.values(executors).map((e) => e.close()));
  for (const dir of createdCgroups.reverse()) await fs.rmdir(dir).catch(() => undefined);
}
