import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { eventually, isIdleLauncher, processesOfUid, type ExecuteBody } from './helpers';
import { contained, hostileBody, py, type HostileName } from './hostile-programs';
import { PistonConnectClient } from './piston-connect-client';

/**
 * The executor run by an ordinary user, as on a VM without root, under pm2 or in the shipped
 * container (uid 10001): no writable cgroups, jobs under the server's own uid. The user is
 * created here, and before any job runs it already owns 100 other processes, as a busy
 * server's threads and other software would: a process limit counted per uid (RLIMIT_NPROC
 * set before bwrap) made bwrap's own clone fail with EAGAIN. The executor is bundled into a
 * temporary folder so that the user needs no access to this checkout.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const canRun = process.getuid?.() === 0 && ['/usr/sbin/useradd', '/usr/bin/setpriv', '/usr/bin/bwrap'].every((tool) => existsSync(tool));
const SECRET = `pairpad-nonroot-secret-${process.pid}`;
const USER = `pp-nonroot-${process.pid % 100000}`;

interface Started {
  child: ChildProcess;
  url: string;
}

async function startAsUser(uid: number, gid: number, bundle: string, workDir: string): Promise<Started> {
  const child = spawn('/usr/bin/setpriv', ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', process.execPath, bundle], {
    cwd: path.dirname(bundle),
    env: {
      PATH: '/usr/bin:/bin',
      EXECUTOR_HOST: '127.0.0.1',
      EXECUTOR_PORT: '0',
      EXECUTOR_WORK_DIR: workDir,
      EXECUTOR_RUNTIMES: 'python,bash',
      EXECUTOR_MAX_CONCURRENT_JOBS: '2',
      EXECUTOR_RUN_TIMEOUT: '8000',
      PAIRPAD_TEST_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`executor did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"message":"executor listening","url":"([^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`executor exited ${code}: ${output}`));
    });
  });
  return { child, url };
}

async function execute(url: string, body: Record<string, unknown>): Promise<ExecuteBody> {
  const response = await fetch(`${url}/api/v2/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as ExecuteBody;
}

describe(
  'executor run by an ordinary user (no root, no cgroups)',
  { skip: canRun ? false : 'needs root (to create the user), setpriv and bwrap' },
  () => {
    let dir = '';
    let uid = 0;
    let executor: Started | undefined;
    let crowd: ChildProcess | undefined;
    const results = new Map<HostileName | 'hello', ExecuteBody>();
    let worstHealthMs = 0;

    before(async () => {
      spawnSync('/usr/sbin/userdel', [USER]);
      const added = spawnSync('/usr/sbin/useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
        encoding: 'utf8',
      });
      assert.equal(added.status, 0, added.stderr);
      uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', USER], { encoding: 'utf8' }).stdout.trim());
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pairpad-nonroot-'));
      await fs.chmod(dir, 0o755);
      const bundle = path.join(dir, 'executor.mjs');
      await build({
        entryPoints: [path.join(here, '../../../packages/executor/src/main.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        outfile: bundle,
        // Resolved at run time and optional (the TypeScript runtime); not offered here.
        external: ['typescript'],
        banner: {
          js: "import { createRequire as pairpadCreateRequire } from 'node:module'; const require = pairpadCreateRequire(import.meta.url);",
        },
        logLevel: 'warning',
      });
      await fs.chmod(bundle, 0o644);
      const workDir = path.join(dir, 'work');
      await fs.mkdir(workDir);
      await fs.chown(workDir, uid, gid);
      // The user's other processes: 100 sleepers, more than the job's process limit (64).
      crowd = spawn(
        '/usr/bin/setpriv',
        [
          '--reuid',
          String(uid),
          '--regid',
          String(gid),
          '--clear-groups',
          '/bin/sh',
          '-c',
          'i=0; while [ $i -lt 100 ]; do sleep 600 & i=$((i+1)); done; wait',
        ],
        {
          stdio: 'ignore',
          detached: true,
        },
      );
      await eventually(async () => (await processesOfUid(uid)).length >= 100, 10_000, '100 processes of the user');
      executor = await startAsUser(uid, gid, bundle, workDir);
      const ready = async () => {
        const response = await fetch(`${executor?.url}/health`);
        const body = (await response.json()) as { ready?: boolean };
        return response.status === 200 && body.ready === true;
      };
      await eventually(ready, 30_000, 'executor ready');

      const port = new URL(executor.url).port;
      let running = true;
      const names: HostileName[] = ['forkBomb', 'memoryBomb', 'infiniteLoop', 'network', 'environment', 'setsidEscape'];
      const jobs = Promise.all([
        ...names.map(async (name) => results.set(name, await execute(executor!.url, hostileBody(name, port)))),
        // Sent while the fork bomb runs: a job of its own, with its own process count.
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          results.set('hello', await execute(executor!.url, py('import os\nprint("hello", os.getuid())')));
        })(),
      ]).finally(() => {
        running = false;
      });
      const health = (async () => {
        while (running) {
          const started = performance.now();
          const response = await fetch(`${executor?.url}/health`);
          await response.json();
          worstHealthMs = Math.max(worstHealthMs, performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await Promise.all([jobs, health]);
    });

    after(async () => {
      executor?.child.kill('SIGTERM');
      if (crowd?.pid) {
        try {
          process.kill(-crowd.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (uid)
        await eventually(async () => (await processesOfUid(uid)).length === 0, 10_000, 'the user has no process left').catch(
          () => undefined,
        );
      spawnSync('/usr/sbin/userdel', [USER]);
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    const run = (name: HostileName | 'hello') => {
      const result = results.get(name);
      assert.ok(result, `${name} answered`);
      return result.run;
    };

    it("runs jobs under the user's own uid although the user already has 100 processes", () => {
      const r = run('hello');
      assert.equal(r.status, null, r.message ?? r.stderr);
      assert.equal(r.stdout, `hello ${uid}\n`);
    });

    it('contains a fork bomb to its own process count, the other job and the server unharmed', () => {
      const r = run('forkBomb');
      assert.equal(r.status, 'TO', r.message ?? '');
      // Bounds with room for a loaded machine: an uncontained bomb never ends, and a server it
      // starved would stop answering; neither is a matter of a second more or less.
      assert.ok((r.wall_time ?? 0) < 10_000, `wall ${r.wall_time}`);
      assert.ok(worstHealthMs < 5_000, `worst health latency ${worstHealthMs.toFixed(0)} ms`);
    });

    it('stops a memory bomb at the memory limit (RLIMIT_DATA)', () => {
      const r = run('memoryBomb');
      assert.notEqual(r.status, null, 'the memory bomb was stopped');
      assert.match(r.stderr, /MemoryError/, r.stderr);
    });

    it('stops an infinite loop at its CPU limit', () => {
      const r = run('infiniteLoop');
      assert.equal(r.status, 'TO', `${r.message} ${r.signal}`);
      // The CPU limit (1 s) stopped it, not the wall clock (8 s, its run_timeout): it ended before
      // the wall clock would have ended it. (A bound of a few seconds failed on a machine at load 16,
      // where a second of CPU takes several seconds of wall time.)
      assert.ok((r.wall_time ?? 0) < 8000, `wall ${r.wall_time}`);
    });

    it('has no network', () => contained.network(run('network')));

    it("never shows the server's environment", () => contained.environment(run('environment'), SECRET));

    it('runs interactive sessions over /api/v2/connect the same way: stdin live, SIGINT, the uid, a fork bomb contained', async () => {
      const url = executor!.url;
      const interactive = await PistonConnectClient.connect(url);
      interactive.init(py('import os\nname = input("name? ")\nprint(f"hi {name} from", os.getuid())'));
      await interactive.waitForOutput('name? ');
      interactive.stdin('Ada\n');
      assert.equal((await interactive.closed).code, 4999);
      assert.equal(interactive.output('stdout'), `name? hi Ada from ${uid}\n`);

      const interrupted = await PistonConnectClient.connect(url);
      interrupted.init(py('import time\nprint("ready", flush=True)\nwhile True:\n    time.sleep(0.05)'));
      await interrupted.waitForOutput('ready\n');
      interrupted.signal('SIGINT');
      assert.equal((await interrupted.closed).code, 4999);
      assert.match(interrupted.output('stderr'), /KeyboardInterrupt/);
      assert.equal(interrupted.exit('run')?.signal, 'SIGINT');

      const bomb = await PistonConnectClient.connect(url);
      bomb.init(hostileBody('forkBomb', new URL(url).port));
      assert.equal((await bomb.closed).code, 4999);
      assert.equal(bomb.exit('run')?.status, 'TO', JSON.stringify(bomb.exit('run')));
    });

    it('leaves no job process behind (only the 100 sleepers and the server remain)', async () => {
      assert.equal(run('setsidEscape').stdout, 'parent leaving\n');
      const strays = async () => {
        const found: string[] = [];
        for (const entry of await processesOfUid(uid)) {
          const pid = entry.split(' ')[0] ?? '';
          const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
          // The crowd, the server and its idle pre-spawned stage launchers (waiting for orders).
          const launcher = executor?.child.pid !== undefined && (await isIdleLauncher(pid, executor.child.pid));
          const expected =
            cmdline === 'sleep 600' || cmdline.startsWith('/bin/sh -c i=0') || cmdline.startsWith(process.execPath) || launcher;
          if (!expected && cmdline) found.push(`${pid} ${cmdline}`);
        }
        return found;
      };
      let left: string[] = [];
      await eventually(async () => (left = await strays()).length === 0, 5000, 'no job process left').catch((error: Error) =>
        assert.fail(`${error.message}; left: ${left.slice(0, 20).join(', ')}`),
      );
    });
  },
);
