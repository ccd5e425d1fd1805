// One system's job driver for bench/executor-vs-isolate.mjs (not run by hand).
//
//   node --import tsx bench/executor-vs-isolate-driver.mjs <bare|isolate|bwrap|executor>
//
// The orchestrator starts it inside the system's own cpuacct cgroup and sends it commands over
// the IPC channel: { cmd: 'job' } runs one python hello-world and answers its times;
// { cmd: 'round', concurrency, count } keeps `concurrency` jobs in flight until `count` are
// done and answers how long that took. For bare, isolate and bwrap this process is the system's
// "server": it spawns what the system needs per job (as Piston's Node server spawns isolate),
// so its own CPU is counted with the sandbox's. For executor it is only the HTTP client: its
// CPU is measured in a cgroup of its own and not charged to the executor.
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const system = process.argv[2];
const SOURCE = 'print("hello, world")\n';
const EXPECTED = 'hello, world\n';
const PYTHON = '/usr/bin/python3';
const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
/** Piston's run defaults: 3 s wall and CPU; PairPad's default run memory limit, 256 MiB. */
const LIMITS = { wallS: 3, cpuS: 3, memoryKiB: 256 * 1024 };

/** Spawns `file args`, feeds `stdin`, collects stdout/stderr; resolves on exit with code. */
function run(file, args, { stdin = '', extraFds = [], onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe', ...extraFds.map(() => 'pipe')], env: ENV, cwd: '/' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
    extraFds.forEach((content, i) => {
      const stream = child.stdio[3 + i];
      stream.on('error', () => undefined);
      stream.end(content);
    });
    onSpawn?.(child);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function check(result, what) {
  if (result.code !== 0 || result.stdout !== EXPECTED) {
    throw new Error(
      `${what}: exit ${result.code} ${result.signal ?? ''} stdout ${JSON.stringify(result.stdout.slice(0, 200))} stderr ${JSON.stringify(result.stderr.slice(0, 300))}`,
    );
  }
}

// ------------------------------------------------------------------ bare interpreter

async function bareSystem() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-bare-'));
  const file = path.join(dir, 'main.py');
  await fs.writeFile(file, SOURCE);
  return {
    async job() {
      const started = performance.now();
      check(await run(PYTHON, [file]), 'python3');
      return { ms: performance.now() - started };
    },
    async close() {
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ isolate as Piston runs it

/**
 * Piston's api/src/job.js, per job: `isolate --init --cg -b N`, the files written into
 * <box>/box/submission, `isolate --run … --cg -s -c /box/submission …` with Piston's flags and
 * a --meta file, the meta file read, and `isolate --cleanup --cg -b N` (which Piston does not
 * wait for before it answers). Piston runs `/bin/bash <pkgdir>/run main.py` inside the box
 * (its package's launcher script); we run python3 directly, which only makes isolate cheaper.
 * Piston calls --init and --cleanup through cp.exec (a shell); we use execFile, cheaper again.
 */
async function isolateSystem() {
  const bin = process.env.ISOLATE_BIN;
  const freeBoxes = Array.from({ length: 200 }, (_, i) => 100 + i);
  const cleanups = new Set();
  return {
    async job() {
      const started = performance.now();
      const box = freeBoxes.shift();
      if (box === undefined) throw new Error('no free isolate box id');
      const meta = `/tmp/pairpad-bench-isolate-${box}-metadata.txt`;
      let resultMs;
      try {
        const { stdout } = await execFileAsync(bin, ['--init', '--cg', `-b${box}`]);
        const submission = path.join(stdout.trim(), 'box', 'submission');
        await fs.mkdir(submission);
        await fs.writeFile(path.join(submission, 'main.py'), SOURCE);
        const result = await run(
          bin,
          [
            '--run',
            `-b${box}`,
            `--meta=${meta}`,
            '--cg',
            '-s',
            '-c',
            '/box/submission',
            '-E',
            'HOME=/tmp',
            '-E',
            'PISTON_LANGUAGE=python',
            '--dir=/etc:noexec',
            '--processes=64',
            '--open-files=2048',
            `--fsize=${Math.floor(10_000_000 / 1000)}`,
            `--wall-time=${LIMITS.wallS}`,
            `--time=${LIMITS.cpuS}`,
            '--extra-time=0',
            `--cg-mem=${LIMITS.memoryKiB}`,
            '--',
            PYTHON,
            'main.py',
          ],
          { stdin: '\n' },
        );
        const metadata = await fs.readFile(meta, 'utf8');
        if (!/^exitcode:0$/m.test(metadata)) throw new Error(`isolate meta: ${metadata.replace(/\n/g, ' ')}`);
        check(result, 'isolate --run');
        resultMs = performance.now() - started;
      } finally {
        // Like Piston: the answer does not wait for the cleanup; the box id is reused after it.
        const cleanup = execFileAsync(bin, ['--cleanup', '--cg', `-b${box}`])
          .then(() => fs.rm(meta, { force: true }))
          .finally(() => {
            freeBoxes.push(box);
            cleanups.delete(cleanup);
          });
        cleanups.add(cleanup);
        if (resultMs === undefined) await cleanup.catch(() => undefined);
      }
      return { resultMs };
    },
    /** Waits for the cleanups still running (a round's time includes them). */
    settle: () => Promise.all([...cleanups]),
    async close() {
      await Promise.all([...cleanups]);
    },
  };
}

// ------------------------------------------------------------------ bwrap alone, PairPad's flags

/**
 * `setpriv → bwrap` with exactly the bubblewrap command line PairPad's sandbox builds
 * (packages/executor/src/bwrap-args.ts, the same /etc snapshot), the file sent in through a
 * socket as `--file 3`, as the executor's launchers do. No launcher, no cgroup, no rlimits:
 * the floor of PairPad's process chain.
 */
async function bwrapSystem() {
  const { bwrapArgs, systemLayout } = await import('@pairpad/executor/bwrap-args');
  const { EtcSnapshot } = await import('@pairpad/executor/etc-snapshot');
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-bwrap-'));
  await fs.chmod(workDir, 0o711);
  const uid = 65100;
  const gid = 65100;
  const etc = await EtcSnapshot.create({
    workDir,
    passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:${uid}:${gid}:sandbox:/box:/bin/sh\n`,
    group: `root:x:0:\nsandbox:x:${gid}:\n`,
    retireAfterMs: 60_000,
    logger: { info() {}, warn: console.error, error: console.error },
  });
  const layout = await systemLayout();
  const help = (await execFileAsync('/usr/bin/bwrap', ['--help'])).stdout;
  const args = bwrapArgs({
    layout,
    etcDir: etc.dir,
    disableUserns: help.includes('--disable-userns'),
    uid,
    gid,
    boxSize: 64 * 1024 * 1024,
    entries: [{ relative: 'main.py', kind: 'file', fdOrTarget: 3, mode: 0o644 }],
    binds: [],
    carryOut: false,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/box', TMPDIR: '/tmp', LANG: 'C.UTF-8' },
    argv: [PYTHON, 'main.py'],
  });
  const argv = ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '/usr/bin/bwrap', ...args];
  return {
    async job() {
      const started = performance.now();
      check(await run('/usr/bin/setpriv', argv, { extraFds: [Buffer.from(SOURCE)] }), 'setpriv + bwrap');
      return { ms: performance.now() - started };
    },
    async close() {
      await etc.close();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ PairPad executor, HTTP API

/** A client of POST /api/v2/execute (keep-alive, as the backend's axios client is). */
async function executorSystem() {
  const url = new URL(process.env.EXECUTOR_URL);
  let agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const body = JSON.stringify({ language: 'python', version: '*', files: [{ name: 'main.py', content: SOURCE }] });
  const post = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/v2/execute',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${answer.message}`));
              else resolve(answer);
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    async job() {
      const started = performance.now();
      const answer = await post();
      if (answer.run.stdout !== EXPECTED || answer.run.code !== 0) throw new Error(`executor: ${JSON.stringify(answer.run).slice(0, 300)}`);
      return { ms: performance.now() - started };
    },
    /**
     * Before a round: drop the sockets left idle while the other systems ran, which the server
     * closes after its keep-alive timeout (5 s), racing our next request (ECONNRESET).
     */
    fresh() {
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    },
    async close() {
      agent.destroy();
    },
  };
}

// ------------------------------------------------------------------ command loop

const factories = { bare: bareSystem, isolate: isolateSystem, bwrap: bwrapSystem, executor: executorSystem };
if (!factories[system]) {
  console.error(`unknown system ${system}; one of ${Object.keys(factories).join(', ')}`);
  process.exit(2);
}
const impl = await factories[system]();

/** One job, sequentially: `ms` until the next job may start, `resultMs` until the answer. */
async function oneJob() {
  const started = performance.now();
  const out = await impl.job();
  if (impl.settle) await impl.settle();
  const ms = performance.now() - started;
  return { ms, resultMs: out.resultMs ?? ms };
}

async function round(concurrency, count) {
  impl.fresh?.();
  let next = 0;
  let ok = 0;
  const errors = new Map();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        try {
          await impl.job();
          ok++;
        } catch (error) {
          errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
        }
      }
    }),
  );
  if (impl.settle) await impl.settle();
  return { ok, failed: count - ok, seconds: (performance.now() - started) / 1000, errors: [...errors] };
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'job') process.send({ ok: true, ...(await oneJob()), cpu: process.cpuUsage() });
    else if (message.cmd === 'round')
      process.send({ ok: true, ...(await round(message.concurrency, message.count)), cpu: process.cpuUsage() });
    else if (message.cmd === 'close') {
      await impl.close();
      process.send({ ok: true });
      process.disconnect();
    }
  } catch (error) {
    process.send({ ok: false, error: error.message });
  }
});
process.send({ ok: true, ready: true });
