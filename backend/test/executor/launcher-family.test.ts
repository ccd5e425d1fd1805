import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectCgroups } from '@pairpad/executor/cgroups';
import type { StageLimits } from '@pairpad/executor/config';
import { FAMILY_SIZE, LAUNCHER_NAME, LauncherPool, compiledFamily, encodeOrders, type Launcher } from '@pairpad/executor/launcher';
import type { ExecutorLogger } from '@pairpad/executor/logger';
import type { StageOutcome } from '@pairpad/executor/stage-result';
import { superviseStage } from '@pairpad/executor/stage-supervisor';
import { eventually, startTestExecutor, testSandboxUid, type TestExecutor } from './helpers';

/**
 * Launcher families (launcher.ts): one spawned bash (or the compiled family,
 * native/pairpad-launcher.c: every test runs against both) forks FAMILY_SIZE launchers, whose
 * exits reach us through their control sockets. Here without bwrap or cgroups: a stand-in for
 * bwrap runs the program and reports its status on fd 3 as bwrap's --json-status-fd does. The
 * last suite kills a real family under a real sandboxed job.
 */

const isRoot = process.getuid?.() === 0;
const uid = testSandboxUid();
const credentials = isRoot ? { uid, gid: uid } : undefined;
const BASH = '/bin/bash';
/** What bwrap --json-status-fd 3 does for us: the program's exit status, on fd 3. */
const FAKE_BWRAP = 'exec 9>&3 3>&-; "$@" 9>&-; echo "{ \\"exit-code\\": $? }" >&9';

/** The compiled family, built here from its source (the test does not depend on setup having built it). */
function buildCompiledFamily(): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-launcher-'));
  chmodSync(dir, 0o755); // run as the sandbox uid when we are root
  const source = new URL('../../../packages/executor/native/pairpad-launcher.c', import.meta.url);
  try {
    execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', path.join(dir, 'pairpad-launcher'), source.pathname], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  return compiledFamily([dir]);
}
const COMPILED = buildCompiledFamily();

const limits = (timeout = 30_000): StageLimits => ({
  timeout,
  cpuTime: 10_000,
  memoryLimit: 256 * 1024 * 1024,
  maxProcessCount: 64,
  maxOpenFiles: 64,
  maxFileSize: 1_000_000,
  outputMaxSize: 64 * 1024,
});

const quietLogger = (warnings: string[] = []): ExecutorLogger => ({
  info: () => undefined,
  warn: (message) => warnings.push(message),
  error: (message) => warnings.push(message),
});

/** Runs `script` (bash) as a stage through `launcher`, with `stdin`. */
function runThrough(launcher: Launcher, script: string, stdin = '', timeout?: number, args: readonly string[] = []): Promise<StageOutcome> {
  const outcome = superviseStage(launcher.child, {
    stdin,
    limits: limits(timeout),
    cgroup: undefined,
    exitCodeEncodesSignal: true,
    killGroup: false,
  });
  // A launcher spawned on its own (the pool was empty) is our child: no status on fd 3 needed.
  const program = [BASH, '--norc', '-c', script, 'program', ...args];
  const argv = launcher.reportsStatus ? [BASH, '--norc', '-c', FAKE_BWRAP, 'fake-bwrap', ...program] : program;
  launcher.start(encodeOrders({ files: [], dataChannels: 0, fileSizeBlocks: 2000, openFiles: 64, cpuSeconds: 10, argv }), []);
  return outcome;
}

async function parentOf(pid: number): Promise<number | undefined> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

const alive = (pid: number) =>
  fs.access(`/proc/${pid}`).then(
    () => true,
    () => false,
  );

for (const [kind, familyBinary] of [
  ['bash', undefined],
  ['compiled', COMPILED],
] as const)
  describe(`launcher families (${kind})`, { skip: kind === 'compiled' && !familyBinary && 'no C compiler here' }, () => {
    let pool: LauncherPool;
    const warnings: string[] = [];

    before(async () => {
      const cgroups = await detectCgroups('rlimit', quietLogger());
      pool = new LauncherPool(BASH, cgroups, 8, quietLogger(warnings), credentials, FAMILY_SIZE, familyBinary);
      pool.warm();
      await eventually(() => pool.idleCount >= 8, 20_000, 'a warm pool');
    });
    after(async () => {
      await pool?.close();
    });

    it(`forks its launchers from families of ${FAMILY_SIZE}: members have a parent that is not us`, async () => {
      const launchers = await Promise.all(Array.from({ length: 3 }, () => pool.take()));
      const parents = await Promise.all(launchers.map((l) => parentOf(l.child.pid ?? -1)));
      assert.ok(
        parents.every((p) => p !== undefined && p !== process.pid),
        `parents ${parents.join(', ')}`,
      );
      assert.ok(launchers.every((l) => l.reportsStatus));
      const results = await Promise.all(launchers.map((l, i) => runThrough(l, `exit ${i + 3}`)));
      assert.deepEqual(
        results.map((r) => r.exitCode),
        [3, 4, 5],
      );
    });

    it('runs 400 stages, 8 at a time: each sees only its own stdin, stdout, stderr and exit code', async () => {
      let next = 0;
      let members = 0;
      const failures: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 400) {
            const id = next++;
            const launcher = await pool.take();
            if (launcher.reportsStatus) members++;
            // Output in several writes, with pauses, so that concurrent stages interleave in time.
            const r = await runThrough(
              launcher,
              `read -r line; echo "out $line"; echo "err ${id}" >&2; sleep 0.0$((RANDOM % 5)); echo "end $line"; exit ${id % 50}`,
              `in ${id}\n`,
            );
            const expected = { stdout: `out in ${id}\nend in ${id}\n`, stderr: `err ${id}\n`, exitCode: id % 50 };
            const got = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
            if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${id}: ${JSON.stringify(got)}`);
          }
        }),
      );
      assert.deepEqual(failures, []);
      assert.ok(members > 200, `${members} of 400 stages ran in family members`);
    });

    it("a stage holds no fd but its stdio: no sibling's sockets, no family's, no control socket", async () => {
      const launchers = await Promise.all(Array.from({ length: 3 }, () => pool.take()));
      const results = await Promise.all(launchers.map((l) => runThrough(l, 'exec ls /proc/self/fd')));
      assert.deepEqual(
        results.map((r) => r.stdout),
        ['0\n1\n2\n3\n', '0\n1\n2\n3\n', '0\n1\n2\n3\n'],
      );
    });

    it('hands every argument over byte for byte (the orders escape their separator)', async () => {
      const args = [
        '',
        'a b',
        '\x01',
        '\x02',
        '\x03',
        '\x03\x04',
        '\x03\x05\x04',
        '\x02\x03',
        '\x7f',
        'é日本',
        '*',
        '$HOME',
        'x\ny',
        '\\',
        '\'"',
      ];
      const r = await runThrough(await pool.take(), 'printf "%s|" "$@"', '', undefined, args);
      assert.equal(r.stdout, args.map((a) => `${a}|`).join(''));
    });

    it('signal deaths come back as bwrap reports them (128 + N), as waitpid would say', async () => {
      const r = await runThrough(await pool.take(), 'kill -TERM $$');
      assert.equal(r.exitCode, null);
      assert.equal(r.signalNumber, 15);
    });

    it('a launcher hung before its orders is killed by its stage wall clock, and the pool goes on', async () => {
      const launcher = await pool.take();
      assert.ok(launcher.child.pid);
      process.kill(launcher.child.pid, 'SIGSTOP');
      const r = await runThrough(launcher, 'echo never', '', 300);
      assert.equal(r.wallTimedOut, true);
      assert.equal(r.signalNumber, 9);
      assert.equal(r.stdout, '');
      assert.equal((await runThrough(await pool.take(), 'echo fine')).stdout, 'fine\n');
    });

    it('a launcher that died before its stage was watched does not hang the stage', async () => {
      const launcher = await pool.take();
      const pid = launcher.child.pid ?? -1;
      process.kill(pid, 'SIGKILL');
      await eventually(() => launcher.child.exitCode !== null || launcher.child.signalCode !== null, 20_000, 'the launcher seen dead');
      const r = await runThrough(launcher, 'echo never');
      assert.equal(r.stdout, '');
      assert.notEqual(r.exitCode, 0);
    });

    it('a family killed from outside: its idle members are sent away, the pool refills and works', async () => {
      const launcher = await pool.take();
      const head = await parentOf(launcher.child.pid ?? -1);
      assert.ok(head && head !== process.pid);
      const siblings: number[] = [];
      for (const entry of await fs.readdir('/proc')) {
        if (/^\d+$/.test(entry) && (await parentOf(Number(entry))) === head) siblings.push(Number(entry));
      }
      process.kill(head, 'SIGKILL');
      // The member we hold already is ours: it runs its stage (as an orphan, its family gone).
      const r = await runThrough(launcher, 'echo orphan');
      assert.equal(r.stdout, 'orphan\n');
      await eventually(async () => (await Promise.all(siblings.map(alive))).every((a) => !a), 20_000, 'the idle siblings gone');
      assert.ok(
        warnings.some((w) => /family exited early/.test(w)),
        warnings.join('; '),
      );
      await eventually(() => pool.idleCount >= 8, 20_000, 'the pool refilled');
      assert.equal((await runThrough(await pool.take(), 'echo refilled')).stdout, 'refilled\n');
    });

    it('closed, it leaves no launcher and no family behind', async () => {
      const taken = await pool.take();
      const head = await parentOf(taken.child.pid ?? -1);
      await runThrough(taken, 'true');
      await pool.close();
      const left: string[] = [];
      await eventually(
        async () => {
          left.length = 0;
          for (const entry of await fs.readdir('/proc')) {
            if (!/^\d+$/.test(entry)) continue;
            const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
            if (argv.at(-1) === LAUNCHER_NAME && (await parentOf(Number(entry))) === process.pid) left.push(entry);
          }
          return left.length === 0 && !(head !== undefined && (await alive(head)));
        },
        20_000,
        'no launcher left',
      );
    });
  });

describe('launcher families under the real sandbox', { skip: !isRoot && 'needs root (bwrap as the sandbox uid)' }, () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({
      EXECUTOR_SANDBOX_UID: String(uid),
      EXECUTOR_SANDBOX_GID: String(uid),
      EXECUTOR_RUNTIMES: 'python',
      EXECUTOR_RUN_TIMEOUT: '60000',
    });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('a family killed mid-job takes its running stage down at once (bwrap --die-with-parent), and later jobs run', async () => {
    const job = ex.execute({
      language: 'python',
      version: '*',
      files: [{ content: 'import time\nprint("started", flush=True)\ntime.sleep(60)' }],
      run_timeout: 60_000,
    });
    // The running stage's bwrap: a process of the sandbox uid named bwrap whose parent is a
    // family (argv ending in LAUNCHER_NAME) of ours.
    let family: number | undefined;
    await eventually(
      async () => {
        for (const entry of await fs.readdir('/proc')) {
          if (!/^\d+$/.test(entry)) continue;
          const status = await fs.readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
          if (/^Name:\s+bwrap$/m.exec(status) === null || /^Uid:\s+(\d+)/m.exec(status)?.[1] !== String(uid)) continue;
          const parent = await parentOf(Number(entry));
          if (parent === undefined || (await parentOf(parent)) !== process.pid) continue;
          const argv = (await fs.readFile(`/proc/${parent}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
          if (argv.at(-1) === LAUNCHER_NAME) family = parent;
        }
        return family !== undefined;
      },
      20_000,
      'the running stage',
    );
    const started = performance.now();
    process.kill(family ?? -1, 'SIGKILL');
    const result = await job;
    // Killed by the family's death, not by its own 60 s clock.
    assert.ok(performance.now() - started < 50_000, 'ended before its own wall clock');
    assert.notEqual(result.run.code, 0);
    assert.equal(result.run.status === 'TO', false);
    const next = await ex.execute({ language: 'python', version: '*', files: [{ content: 'print("after")' }] });
    assert.equal(next.run.stdout, 'after\n');
  });
});
