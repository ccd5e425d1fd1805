import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunJobs, RunQueue, TestRunService, type JobRunner, type JobSpec } from '../../src/runs';
import { AppError, type RunRecord, type RunResult } from '@pairpad/protocol';
import { waitFor } from '../helpers/wait-for';

const ROOM_A = 'room-a';
const ROOM_B = 'room-b';

/** A job whose one file's content (`code`) names it in the controlled runner. */
function spec(sessionId: string, { code = 'print(1)', ...overrides }: Partial<JobSpec> & { code?: string } = {}): JobSpec {
  return {
    sessionId,
    clientKey: `client-${sessionId}`,
    startedBy: { name: 'Ada', via: 'room' },
    language: 'python',
    version: '*',
    files: [{ name: 'main.py', content: code }],
    stdin: '',
    ...overrides,
  };
}

const okResult = (stdout: string): RunResult => ({
  outcome: 'success',
  statusText: 'Finished (exit code 0)',
  language: 'python',
  version: '3.11.2',
  compile: null,
  run: { stdout, stderr: '', output: stdout, code: 0, signal: null, status: null, message: null, cpuTime: 1, wallTime: 2, memory: 3 },
});

/** A runner whose jobs finish only when the test says so. */
function controlledRunner() {
  const pending = new Map<string, { resolve: (result: RunResult) => void; reject: (error: unknown) => void; spec: JobSpec }>();
  const runner: JobRunner = (job, signal) =>
    new Promise<RunResult>((resolve, reject) => {
      pending.set(job.files[0]?.content ?? '', { resolve, reject, spec: job });
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  return { runner, pending };
}

interface QueueOverrides {
  maxConcurrent?: number;
  maxQueuedPerRoom?: number;
  runsPerMinutePerClient?: number;
  retainFinishedMs?: number;
  now?: () => number;
}

/** Runs (RunJobs) in the one queue (RunQueue), driven through one object as the tests below use them. */
function queueWith(runner: JobRunner, overrides: QueueOverrides = {}) {
  const clock = overrides.now ? { now: overrides.now } : {};
  const shared = new RunQueue({
    maxConcurrent: overrides.maxConcurrent ?? 2,
    runsPerMinutePerClient: overrides.runsPerMinutePerClient ?? 100,
    ...clock,
  });
  const jobs = new RunJobs({
    runner,
    queue: shared,
    maxQueuedPerRoom: overrides.maxQueuedPerRoom ?? 2,
    ...(overrides.retainFinishedMs ? { retainFinishedMs: overrides.retainFinishedMs } : {}),
    ...clock,
  });
  const updates: RunRecord[] = [];
  jobs.onUpdate((run) => updates.push(run));
  const queue = {
    submit: (job: JobSpec) => jobs.submit(job),
    get: (jobId: string) => jobs.get(jobId),
    stats: () => {
      const { byKind: _byKind, ...stats } = shared.stats();
      return stats;
    },
    cancelRoom: (sessionId: string, error: AppError) => shared.cancelRoom(sessionId, error),
    close: () => shared.close(),
  };
  return { queue, updates, shared };
}

/** A test-run service on the same queue whose batches finish only when the test says so. */
function testRunsOn(shared: RunQueue) {
  const batches: Array<{ resolve: () => void; signal: AbortSignal }> = [];
  const client = {
    batch: (_request: unknown, signal?: AbortSignal) =>
      new Promise<never>((_resolve, reject) => {
        batches.push({ resolve: () => reject(new AppError('EXECUTOR_UNAVAILABLE', 'done for the test')), signal: signal! });
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      }),
  };
  // One executor, this client: what `use` does with the work, minus the routing.
  const executors = { use: <T>(_kind: string, work: (executor: { client: typeof client }) => Promise<T>) => work({ client }) };
  const service = new TestRunService({ executors: executors as never, queue: shared, limits: { maxCodeBytes: 65_536 } });
  const tests = [{ name: 'one', stdin: '', args: [], expected: '1', compare: 'trim' as const, tolerance: 1e-6, hidden: false }];
  const start = (sessionId: string, clientKey = `client-${sessionId}`) =>
    service.start({ sessionId, clientKey, startedBy: { name: 'Ada', via: 'room' }, language: 'python', code: 'print(1)', tests });
  return { service, batches, start };
}

const statesOf = (updates: RunRecord[], jobId: string) => updates.filter((u) => u.jobId === jobId).map((u) => u.state);

describe('job queue', () => {
  it('walks each job through queued → running → completed and publishes every step', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, updates } = queueWith(runner);
    const job = queue.submit(spec(ROOM_A, { code: 'one' }));
    assert.equal(job.state, 'running', 'submit answers the current state: a free room starts at once');
    await waitFor(() => pending.has('one'));
    assert.equal(queue.get(job.jobId)?.state, 'running');
    pending.get('one')!.resolve(okResult('1\n'));
    await waitFor(() => queue.get(job.jobId)?.state === 'completed');
    assert.deepEqual(statesOf(updates, job.jobId), ['queued', 'running', 'completed']);
    const done = queue.get(job.jobId)!;
    assert.equal(done.result?.run?.stdout, '1\n');
    assert.ok(done.startedAt! >= done.queuedAt && done.finishedAt! >= done.startedAt!);
    assert.ok(Object.isFrozen(done), 'published records are immutable');
    assert.deepEqual(
      { ...queue.stats(), averageTaskTime: 0 },
      {
        totalWorkers: 2,
        activeWorkers: 0,
        idleWorkers: 2,
        queuedTasks: 0,
        completedTasks: 1,
        failedTasks: 0,
        averageTaskTime: 0,
        activeRooms: 0,
      },
    );
  });

  it('runs one job per room at a time: a second run in the same room waits, another room runs at once', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, updates } = queueWith(runner, { maxConcurrent: 4 });
    const first = queue.submit(spec(ROOM_A, { code: 'a1' }));
    const second = queue.submit(spec(ROOM_A, { code: 'a2' }));
    const other = queue.submit(spec(ROOM_B, { code: 'b1' }));
    await waitFor(() => pending.has('a1') && pending.has('b1'));
    assert.equal(queue.get(second.jobId)?.state, 'queued');
    assert.ok(!pending.has('a2'));
    assert.equal(queue.stats().queuedTasks, 1);
    pending.get('a1')!.resolve(okResult('a1'));
    await waitFor(() => pending.has('a2'));
    assert.equal(queue.get(first.jobId)?.state, 'completed');
    assert.equal(queue.get(second.jobId)?.state, 'running');
    pending.get('a2')!.resolve(okResult('a2'));
    pending.get('b1')!.resolve(okResult('b1'));
    await waitFor(() => queue.get(second.jobId)?.state === 'completed' && queue.get(other.jobId)?.state === 'completed');
    assert.deepEqual(statesOf(updates, second.jobId), ['queued', 'running', 'completed']);
  });

  it('respects the global concurrency cap across rooms', async () => {
    const { runner, pending } = controlledRunner();
    const { queue } = queueWith(runner, { maxConcurrent: 2 });
    const jobs = ['r1', 'r2', 'r3'].map((room) => queue.submit(spec(room, { code: room })));
    await waitFor(() => pending.size === 2);
    assert.equal(queue.stats().activeWorkers, 2);
    assert.equal(queue.get(jobs[2]!.jobId)?.state, 'queued');
    pending.get('r1')!.resolve(okResult(''));
    await waitFor(() => pending.has('r3'));
    assert.equal(queue.stats().activeWorkers, 2);
  });

  it('refuses more than the per-room queue limit with RATE_LIMITED and changes nothing', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, updates } = queueWith(runner, { maxQueuedPerRoom: 2 });
    queue.submit(spec(ROOM_A, { code: 'running' }));
    await waitFor(() => pending.has('running'));
    queue.submit(spec(ROOM_A, { code: 'q1' }));
    queue.submit(spec(ROOM_A, { code: 'q2' }));
    const before = updates.length;
    assert.throws(
      () => queue.submit(spec(ROOM_A, { code: 'q3' })),
      (error: unknown) => error instanceof AppError && error.code === 'RATE_LIMITED' && /2 runs waiting/.test(error.message),
    );
    assert.equal(updates.length, before, 'no update for a refused job');
    assert.equal(queue.stats().queuedTasks, 2);
    // Another room is not affected.
    queue.submit(spec(ROOM_B, { code: 'b' }));
  });

  it('limits runs per client per minute (sliding window)', () => {
    let now = 1_000_000;
    const { queue } = queueWith(() => new Promise<RunResult>(() => undefined), {
      runsPerMinutePerClient: 2,
      maxQueuedPerRoom: 10,
      maxConcurrent: 10,
      now: () => now,
    });
    queue.submit(spec('r1', { clientKey: 'ip-1' }));
    queue.submit(spec('r2', { clientKey: 'ip-1' }));
    assert.throws(
      () => queue.submit(spec('r3', { clientKey: 'ip-1' })),
      (error: unknown) => error instanceof AppError && error.code === 'RATE_LIMITED',
    );
    queue.submit(spec('r3', { clientKey: 'ip-2' }));
    now += 60_001;
    queue.submit(spec('r4', { clientKey: 'ip-1' }));
  });

  it('a runner failure ends the job failed with the error in words, frees the room and runs the next job', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, updates } = queueWith(runner);
    const failing = queue.submit(spec(ROOM_A, { code: 'down' }));
    const next = queue.submit(spec(ROOM_A, { code: 'after' }));
    await waitFor(() => pending.has('down'));
    pending.get('down')!.reject(new AppError('EXECUTOR_UNAVAILABLE', 'The code executor is not reachable (ECONNREFUSED).'));
    await waitFor(() => pending.has('after'));
    const failed = queue.get(failing.jobId)!;
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.error, { code: 'EXECUTOR_UNAVAILABLE', message: 'The code executor is not reachable (ECONNREFUSED).' });
    assert.equal(failed.result, null);
    assert.deepEqual(statesOf(updates, failing.jobId), ['queued', 'running', 'failed']);
    assert.equal(queue.get(next.jobId)?.state, 'running');
    assert.equal(queue.stats().failedTasks, 1);
  });

  it('an unexpected exception becomes INTERNAL_ERROR without internals', async () => {
    const { queue } = queueWith(async () => {
      throw new TypeError('secret stack detail');
    });
    const job = queue.submit(spec(ROOM_A));
    await waitFor(() => queue.get(job.jobId)?.state === 'failed');
    assert.equal(queue.get(job.jobId)?.error?.code, 'INTERNAL_ERROR');
    assert.doesNotMatch(queue.get(job.jobId)?.error?.message ?? '', /secret/);
  });

  it('cancelling a room fails its queued jobs and stops its running one; close refuses new jobs', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, updates } = queueWith(runner);
    const running = queue.submit(spec(ROOM_A, { code: 'long' }));
    const waiting = queue.submit(spec(ROOM_A, { code: 'waiting' }));
    await waitFor(() => pending.has('long'));
    queue.cancelRoom(ROOM_A, new AppError('SESSION_NOT_FOUND', 'The interview session ended; the run was stopped.'));
    await waitFor(() => queue.get(running.jobId)?.state === 'failed');
    assert.deepEqual(statesOf(updates, waiting.jobId), ['queued', 'failed']);
    assert.equal(queue.get(running.jobId)?.error?.code, 'SESSION_NOT_FOUND');
    assert.ok(!pending.has('waiting'), 'the cancelled job never ran');
    queue.close();
    assert.throws(
      () => queue.submit(spec(ROOM_B)),
      (error: unknown) => error instanceof AppError && error.code === 'SERVER_SHUTTING_DOWN',
    );
  });

  it('forgets finished jobs after their retention time', async () => {
    let now = 0;
    const { queue } = queueWith(async () => okResult(''), { retainFinishedMs: 1_000, now: () => now });
    const old = queue.submit(spec(ROOM_A));
    await waitFor(() => queue.get(old.jobId)?.state === 'completed');
    now = 5_000;
    queue.submit(spec(ROOM_B));
    assert.equal(queue.get(old.jobId), undefined);
  });

  it('test runs are one more kind of job: they share the concurrency cap and the per-client rate limit with runs', async () => {
    const { runner, pending } = controlledRunner();
    const { queue, shared } = queueWith(runner, { maxConcurrent: 2, runsPerMinutePerClient: 3 });
    const testRuns = testRunsOn(shared);
    queue.submit(spec(ROOM_A, { code: 'a', clientKey: 'ip-1' }));
    const tests = testRuns.start(ROOM_B, 'ip-1');
    await waitFor(() => pending.has('a') && testRuns.batches.length === 1);
    // Both slots are taken (one run, one test run): a third job of either kind waits.
    const waiting = queue.submit(spec('room-c', { code: 'c', clientKey: 'ip-2' }));
    assert.equal(queue.get(waiting.jobId)?.state, 'queued');
    assert.deepEqual(
      Object.fromEntries(Object.entries(shared.stats().byKind).map(([kind, stats]) => [kind, [stats.activeWorkers, stats.queuedTasks]])),
      { run: [1, 1], 'interactive-run': [0, 0], 'test-run': [1, 0] },
    );
    // ip-1 started a run and a test run; its third job of any kind is its last this minute.
    testRuns.start('room-d', 'ip-1');
    assert.throws(
      () => queue.submit(spec('room-e', { clientKey: 'ip-1' })),
      (error: unknown) => error instanceof AppError && error.code === 'RATE_LIMITED',
    );
    assert.throws(
      () => testRuns.start('room-f', 'ip-1'),
      (error: unknown) => error instanceof AppError && error.code === 'RATE_LIMITED',
    );
    // The test run ends: its slot goes to the waiting run.
    testRuns.batches[0]!.resolve();
    await waitFor(() => pending.has('c'));
    assert.equal(tests.state, 'queued', 'the record returned at start is the queued one');
    assert.equal(shared.stats().byKind['test-run'].failedTasks, 1);
  });
});
