import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import type { ConsoleEntries, QueueStats, RuntimeView, TestRunRecord } from '@pairpad/protocol';
import { ConfigError, loadConfig } from '../../src/config';
import { ExecutorPool } from '../../src/runs';
import type { BackendHandle } from '../../src/server';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { listenForRuns, setCode, setStdin, startRun, waitFinished, type RunLog } from './run-helpers';
import { spawnExecutor, type StandaloneExecutor } from './standalone-executor';

/**
 * Two real standalone executors (their own processes, the real sandbox, port 0) behind one
 * backend (PISTON_URLS), driven by real Socket.IO clients: runs are spread (least loaded), a
 * console stays on the executor that started it, one executor SIGKILLed mid-run fails its run
 * in words while the next runs go to the other, and it rejoins once restarted.
 */

/** Waits for a name on its console, then greets it: a run that holds its executor until told. */
const GREETER = 'print("started", flush=True)\nname = input()\nprint("hello " + name, flush=True)\n';

interface TestRoom {
  backend: BackendHandle;
  sessionId: string;
  provider: SocketYjsProvider;
  runs: RunLog;
  /** Everything its console printed for a job. */
  output(jobId: string): string;
}

describe('two executors behind one backend (PISTON_URLS): routing, stickiness, one killed mid-run', () => {
  let executors: StandaloneExecutor[] = [];
  let backend: BackendHandle;
  const providers: SocketYjsProvider[] = [];

  before(async () => {
    executors = await Promise.all([spawnExecutor(), spawnExecutor()]);
    backend = await startTestBackend({
      PISTON_URL: '',
      PISTON_URLS: executors.map((executor) => executor.url).join(','),
      EXECUTION_POOL_CHECK_MS: '200',
    });
  });
  after(async () => {
    for (const provider of providers) provider.destroy();
    await backend?.close();
    await Promise.all(executors.map((executor) => executor.kill()));
  });

  const queueStats = async (on = backend): Promise<QueueStats> => (await (await fetch(`${on.url}/api/queue-stats`)).json()) as QueueStats;
  const inFlight = async (on = backend): Promise<number[]> => (await queueStats(on)).executors.map((executor) => executor.inFlight);

  async function openRoom(on = backend): Promise<TestRoom> {
    const session = await createSession(on);
    const provider = connectClient(on, { sessionId: session.id, name: 'Ivy' });
    providers.push(provider);
    const runs = listenForRuns(provider);
    const printed = new Map<string, string>();
    provider.socket.on('console:entries', ({ jobId, entries }: ConsoleEntries) => {
      const text = entries.map((entry) => (entry.kind === 'stdout' || entry.kind === 'stderr' ? entry.text : '')).join('');
      printed.set(jobId, (printed.get(jobId) ?? '') + text);
    });
    await waitSynced(provider);
    return { backend: on, sessionId: session.id, provider, runs, output: (jobId) => printed.get(jobId) ?? '' };
  }

  async function startGreeter(room: TestRoom): Promise<string> {
    setCode(room.provider, GREETER);
    setStdin(room.provider, '');
    await waitFor(() => room.backend.rooms.get(room.sessionId)?.code === GREETER, { what: 'the code reached the server' });
    const run = await startRun(room.provider);
    assert.equal(run.interactive, true, 'an empty Input box: the console is its stdin');
    await waitFor(() => room.output(run.jobId).includes('started'), { timeoutMs: 30_000, what: 'the program started' });
    return run.jobId;
  }

  async function answer(room: TestRoom, jobId: string, name: string): Promise<void> {
    const ack = await room.provider.request('console:input', { jobId, text: `${name}\n` });
    assert.ok(ack.ok, JSON.stringify(ack));
    const done = await waitFinished(room.runs, jobId);
    assert.equal(done.state, 'completed', JSON.stringify(done.error));
    assert.match(room.output(jobId), new RegExp(`hello ${name}`));
  }

  let rooms: TestRoom[] = [];
  /** The executor (index in PISTON_URLS) each room's console run is on, and the run. */
  const consoles: { on: number; jobId: string }[] = [];

  it('spreads runs: a console goes to the least loaded executor, so two at once hold one executor each', async () => {
    await waitFor(async () => (await queueStats()).executors.every((executor) => executor.up === true), {
      what: 'both executors checked and up',
    });
    rooms = [await openRoom(), await openRoom()];
    const first = await startGreeter(rooms[0]!);
    const loads = await inFlight();
    assert.deepEqual([...loads].sort(), [0, 1], 'the first console holds one executor');
    consoles.push({ on: loads.indexOf(1), jobId: first });
    const second = await startGreeter(rooms[1]!);
    assert.deepEqual(await inFlight(), [1, 1], 'the second went to the other, the less loaded one');
    consoles.push({ on: 1 - consoles[0]!.on, jobId: second });
    const stats = await queueStats();
    assert.deepEqual(
      stats.executors.map((executor) => [executor.name, executor.byKind['interactive-run']]),
      [
        ['executor-1', 1],
        ['executor-2', 1],
      ],
    );
    assert.ok(!JSON.stringify(stats).includes('127.0.0.1'), 'the public queue stats name executors, never their addresses');
    const metrics = await (await fetch(`${backend.url}/metrics`)).text();
    assert.match(metrics, /executor_jobs_in_flight\{executor="executor-1"\} 1/);
    assert.match(metrics, /executor_jobs_in_flight\{executor="executor-2"\} 1/);
    assert.match(metrics, /executor_up\{executor="executor-2"\} 1/);
  });

  it('one executor SIGKILLed mid-run: its run fails in words, the console on the other stays there and finishes', async () => {
    const [kept, lost] = consoles as [{ on: number; jobId: string }, { on: number; jobId: string }];
    const killedAt = Date.now();
    await executors[lost.on]!.kill();
    const failed = await waitFinished(rooms[1]!.runs, lost.jobId, 10_000);
    assert.ok(Date.now() - killedAt < 5_000, 'noticed at once, not at a timeout');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(failed.error?.message ?? '', /The code executor stopped answering in the middle of the run/);
    await waitFor(async () => (await queueStats()).executors[lost.on]!.up === false, { what: 'the dead executor left the pool' });
    const health = (await (await fetch(`${backend.url}/health/executor`)).json()) as {
      ok: boolean;
      details: { up: number; of: number; executors: { up: boolean; reason?: string }[] };
    };
    assert.equal(health.ok, true, 'one executor up is enough');
    assert.deepEqual([health.details.up, health.details.of], [1, 2]);
    assert.match(health.details.executors[lost.on]!.reason ?? '', /ECONNREFUSED|fetch failed/);
    // The console still running is on the executor that started it: its input reaches its program there.
    assert.equal((await inFlight())[kept.on], 1);
    await answer(rooms[0]!, kept.jobId, 'Ada');
  });

  it('the next runs, test runs and the runtimes list go to the executor that is left', async () => {
    const [kept] = consoles as [{ on: number; jobId: string }];
    const room = rooms[1]!;
    setCode(room.provider, 'print(input() * 2)\n');
    setStdin(room.provider, 'ab');
    await waitFor(() => backend.rooms.get(room.sessionId)?.code.includes('* 2'), { what: 'the code reached the server' });
    for (let index = 0; index < 4; index++) {
      const run = await waitFinished(room.runs, (await startRun(room.provider)).jobId);
      assert.equal(run.state, 'completed', `run ${index + 1}: ${JSON.stringify(run.error)}`);
      assert.equal(run.result?.run?.stdout, 'abab\n');
    }
    const runtimes = (await (await fetch(`${backend.url}/api/runtimes`)).json()) as RuntimeView[];
    assert.deepEqual(
      runtimes.map((runtime) => runtime.language),
      ['python'],
    );
    const testRun = await finishedTestRun(backend, room.sessionId);
    assert.equal(testRun.state, 'completed', JSON.stringify(testRun.error));
    assert.equal(testRun.passed, 1);
    const stats = await queueStats();
    assert.equal(stats.executors[1 - kept.on]!.up, false);
    assert.equal(stats.workerPool.activeWorkers, 0, 'no job is stuck');
  });

  it('the killed executor rejoins once restarted on its address, and takes runs again', async () => {
    const lost = consoles[1]!;
    executors[lost.on] = await spawnExecutor({ port: executors[lost.on]!.port });
    await waitFor(async () => (await queueStats()).executors[lost.on]!.up === true, {
      timeoutMs: 10_000,
      what: 'the restarted executor back in the pool',
    });
    const [first, second] = [await startGreeter(rooms[0]!), await startGreeter(rooms[1]!)];
    assert.deepEqual(await inFlight(), [1, 1], 'one console on each again');
    await Promise.all([answer(rooms[0]!, first, 'Bo'), answer(rooms[1]!, second, 'Cy')]);
  });

  it("two backends sharing the executors count each other's load: a console on one backend sends the other's next run elsewhere", async () => {
    const env = { PISTON_URL: '', PISTON_URLS: executors.map((executor) => executor.url).join(','), EXECUTION_POOL_CHECK_MS: '200' };
    const [one, two] = [await startTestBackend(env), await startTestBackend(env)];
    try {
      // Both fresh and idle: on equal loads either would pick executor-1 first.
      const oneRoom = await openRoom(one);
      const mine = await startGreeter(oneRoom);
      assert.deepEqual(await inFlight(one), [1, 0]);
      await waitFor(async () => (await queueStats(two)).executors[0]!.reported?.sessions === 1, {
        what: "the other backend hears of executor-1's console (its /health: connect sessions)",
      });
      const twoRoom = await openRoom(two);
      const theirs = await startGreeter(twoRoom);
      assert.deepEqual(await inFlight(two), [0, 1], 'the other backend sent its console to executor-2');
      await Promise.all([answer(oneRoom, mine, 'Di'), answer(twoRoom, theirs, 'Ed')]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

/** A test run of `print(input() * 2)` against one case, through the backend's real test-run service and pool. */
async function finishedTestRun(backend: BackendHandle, sessionId: string): Promise<TestRunRecord> {
  let last: TestRunRecord | undefined;
  const stop = backend.runs.testRuns.onUpdate((run) => {
    if (run.sessionId === sessionId) last = run;
  });
  try {
    backend.runs.testRuns.start({
      sessionId,
      clientKey: 'pool-test',
      startedBy: { name: 'Ivy', via: 'room' },
      language: 'python',
      code: 'print(input() * 2)\n',
      tests: [{ name: 'doubles', stdin: 'xy\n', args: [], expected: 'xyxy', compare: 'trim', tolerance: 1e-6, hidden: false }],
    });
    return (await waitFor(() => (last && (last.state === 'completed' || last.state === 'failed') ? last : undefined), {
      timeoutMs: 30_000,
      what: 'the test run to finish',
    })) as TestRunRecord;
  } finally {
    stop();
  }
}

describe('the executor pool on its own: failover before a job starts, sticky choices', () => {
  let executors: StandaloneExecutor[] = [];
  after(async () => {
    await Promise.all(executors.map((executor) => executor.kill()));
  });
  before(async () => {
    executors = await Promise.all([spawnExecutor(), spawnExecutor()]);
  });

  const hello = { language: 'python', version: '*', files: [{ name: 'main.py', content: 'print("hi")' }], stdin: '', args: [] };

  it('a job sent to an executor nobody answers at (not yet checked) goes to the next one; the dead one is left out', async () => {
    const pool = new ExecutorPool({ urls: ['http://127.0.0.1:9', executors[0]!.url], executeTimeoutMs: 30_000, checkIntervalMs: 0 });
    const tried: string[] = [];
    for (let index = 0; index < 3; index++) {
      const answer = await pool.use('run', (executor) => {
        tried.push(executor.name);
        return executor.client.execute(hello);
      });
      assert.equal(answer.run.stdout, 'hi\n');
    }
    assert.equal(pool.executors[0]!.up, false, 'the refusing one is down');
    assert.deepEqual(tried.filter((name) => name === 'executor-1').length, 1, 'tried once, then left out');
    assert.deepEqual(
      pool.stats().map((executor) => executor.inFlight),
      [0, 0],
    );
  });

  it('stick: a session keeps the executor chosen for it (least loaded), counts as load, and is told when it goes', async () => {
    const pool = new ExecutorPool({ urls: executors.map((executor) => executor.url), executeTimeoutMs: 30_000, checkIntervalMs: 0 });
    await pool.checkAll();
    assert.deepEqual(
      pool.executors.map((executor) => executor.up),
      [true, true],
    );
    const first = pool.stick('session-1');
    const second = pool.stick('session-2');
    assert.notEqual(first, second, 'a pin is load: the second session goes to the other executor');
    for (let index = 0; index < 3; index++) assert.equal(pool.stick('session-1'), first, 'the same executor on every later call');
    assert.equal(pool.stuckTo('session-2'), second);
    assert.deepEqual(
      pool.stats().map((executor) => executor.pinned),
      [1, 1],
    );
    const gone: [string, readonly string[]][] = [];
    pool.onDown((executor, keys) => gone.push([executor.name, keys]));
    await executors[pool.executors.indexOf(second)]!.kill();
    await pool.check(second);
    assert.deepEqual(gone, [[second.name, ['session-2']]], 'told which sessions lost their executor');
    assert.equal(pool.stuckTo('session-2'), undefined);
    assert.equal(pool.stick('session-2'), first, 'chosen again among the executors that are up');
    pool.unstick('session-1');
    pool.unstick('session-2');
    assert.deepEqual(
      pool.stats().map((executor) => executor.pinned),
      [0, 0],
    );
    const down = new ExecutorPool({ urls: ['http://127.0.0.1:9'], executeTimeoutMs: 1_000, checkIntervalMs: 0 });
    await down.checkAll();
    assert.throws(() => down.stick('session-3'), { code: 'EXECUTOR_UNAVAILABLE' });
  });
});

describe('PISTON_URLS configuration', () => {
  it('several URLs, trimmed, without trailing slashes; PISTON_URL alone is a pool of one; neither: the embedded executor', () => {
    assert.deepEqual(loadConfig({ PISTON_URLS: ' http://a:2000/ ,https://b:2000' }).executorUrls, ['http://a:2000', 'https://b:2000']);
    assert.deepEqual(loadConfig({ PISTON_URL: 'http://piston:2000/' }).executorUrls, ['http://piston:2000']);
    assert.deepEqual(loadConfig({}).executorUrls, []);
  });

  it('bad values are refused at start, each named', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      assert.fail('accepted');
    };
    assert.match(problems({ PISTON_URL: 'http://a:2000', PISTON_URLS: 'http://b:2000' }), /PISTON_URL and PISTON_URLS are both set/);
    const bad = problems({ PISTON_URLS: 'http://a:2000,,ftp://b,http://a:2000/' });
    assert.match(bad, /PISTON_URLS entry 2 is empty/);
    assert.match(bad, /PISTON_URLS entry 3 \("ftp:\/\/b"\) is not an http:\/\/ or https:\/\/ URL/);
    assert.match(bad, /PISTON_URLS entry 4 \("http:\/\/a:2000\/"\) lists an executor already listed/);
    assert.match(problems({ EXECUTION_POOL_CHECK_MS: '10' }), /EXECUTION_POOL_CHECK_MS/);
  });
});
