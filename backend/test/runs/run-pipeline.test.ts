import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExecuteAccepted, JobStatus, QueueStats, RuntimeView } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { codeOf, createSession, startBackendWithExecutor, trackedClients, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { listenForRuns, setCode, setStdin, startRun, startRunAck, waitFinished, waitForValue } from './run-helpers';

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('run pipeline: real backend, embedded executor, real providers', () => {
  let backend: BackendHandle;
  const { connect: client } = trackedClients(() => backend);

  before(async () => {
    backend = await startBackendWithExecutor('python,c', { PISTON_RUN_TIMEOUT: '2000', EXECUTION_MAX_QUEUED_PER_ROOM: '2' });
  });
  after(async () => {
    await backend?.close();
  });

  it('one participant runs; both receive the same result with the shared stdin', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice', token: session.interviewerToken });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    const aliceRuns = listenForRuns(alice);
    const bobRuns = listenForRuns(bob);
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    setCode(alice, 'import sys\nname = input()\nprint(f"Hello, {name}!")\nprint("to stderr", file=sys.stderr)\n');
    setStdin(bob, 'Ada\n');
    await waitFor(() => backend.rooms.get(session.id)?.doc.getText('stdin').toString() === 'Ada\n' && codeOf(bob).includes('Hello'), {
      what: 'code and stdin on the server',
    });

    const queued = await startRun(bob);
    assert.equal(queued.startedBy.name, 'Bob');
    assert.equal(queued.startedBy.via, 'room');
    assert.equal(queued.language, 'python');
    const [fromAlice, fromBob] = await Promise.all([waitFinished(aliceRuns, queued.jobId), waitFinished(bobRuns, queued.jobId)]);
    assert.equal(fromAlice.state, 'completed');
    assert.deepEqual(fromAlice, fromBob, 'both see the same record');
    assert.equal(fromAlice.result?.statusText, 'Finished (exit code 0)');
    assert.equal(fromAlice.result?.run?.stdout, 'Hello, Ada!\n');
    assert.equal(fromAlice.result?.run?.stderr, 'to stderr\n');
    assert.ok((fromAlice.result?.run?.wallTime ?? 0) > 0);
    assert.deepEqual(
      aliceRuns.states(queued.jobId).filter((state) => state !== 'queued'),
      ['running', 'completed'],
    );

    const status = (await (await fetch(`${backend.url}/api/execute/status/${queued.jobId}`)).json()) as JobStatus;
    assert.deepEqual(status, fromAlice, 'REST status answers the same record');
  });

  it('a second run in the same room shows as queued and starts after the first; too many queued → RATE_LIMITED', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    setCode(alice, 'import time\ntime.sleep(0.8)\nprint("slept")\n');
    await waitFor(() => backend.rooms.get(session.id)?.code.includes('slept'));
    const first = await startRun(alice);
    const second = await startRun(alice);
    const third = await startRun(alice);
    assert.equal(second.state, 'queued');
    const refused = await startRunAck(alice, {});
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'RATE_LIMITED');
    const done = await Promise.all([first, second, third].map((run) => waitFinished(runs, run.jobId)));
    assert.ok(done.every((run) => run.state === 'completed' && run.result?.run?.stdout === 'slept\n'));
    assert.ok(done[1]!.startedAt! >= done[0]!.finishedAt!, 'the second started only after the first finished');
    assert.ok(done[2]!.startedAt! >= done[1]!.finishedAt!);
    assert.deepEqual(runs.states(second.jobId), ['queued', 'running', 'completed']);
  });

  it('a C compile error and a time limit reach the room in words', async () => {
    const session = await createSession(backend, { language: 'c' });
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    setCode(alice, 'int main(void) { return x; }\n');
    await waitFor(() => backend.rooms.get(session.id)?.code.includes('return x'));
    const compile = await waitFinished(runs, (await startRun(alice)).jobId);
    assert.equal(compile.result?.outcome, 'compile-error');
    assert.equal(compile.result?.statusText, 'Compile error');
    assert.match(compile.result?.compile?.stderr ?? '', /undeclared/);
    const loop = await waitFinished(runs, (await startRun(alice, { language: 'python', code: 'while True:\n    pass\n' })).jobId);
    assert.equal(loop.result?.statusText, 'Time limit exceeded');
  });

  it('a run started over REST joins the same queue and shows in the room; status is polled to completion', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    const accepted = await postJson(`${backend.url}/api/execute`, { sessionId: session.id, code: 'print(input()[::-1])', stdin: 'olleh' });
    assert.equal(accepted.status, 202);
    const { jobId } = accepted.body as unknown as ExecuteAccepted;
    const status = await waitForValue(
      async () => {
        const body = (await (await fetch(`${backend.url}/api/execute/status/${jobId}`)).json()) as JobStatus;
        return body.state === 'completed' ? body : undefined;
      },
      { timeoutMs: 20_000, what: 'REST job completed' },
    );
    assert.equal(status.result?.run?.stdout, 'hello\n');
    const seen = await waitFinished(runs, jobId);
    assert.equal(seen.startedBy.via, 'api');
    assert.deepEqual(seen, status);
  });

  it('defaults to the room code when none is given over REST, and answers bad requests in words', async () => {
    const session = await createSession(backend);
    const fresh = await postJson(`${backend.url}/api/execute`, { sessionId: session.id });
    assert.equal(fresh.status, 202, 'a session nobody joined yet runs its starter code');
    const starter = await waitForValue(async () => {
      const body = (await (await fetch(`${backend.url}/api/execute/status/${String(fresh.body.jobId)}`)).json()) as JobStatus;
      return body.state === 'completed' ? body : undefined;
    });
    assert.equal(starter.result?.run?.stdout, 'Hello, PairPad!\n');

    const missing = await postJson(`${backend.url}/api/execute`, { sessionId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as { code: string }).code, 'SESSION_NOT_FOUND');
    const invalid = await postJson(`${backend.url}/api/execute`, { sessionId: session.id, code: 42 });
    assert.equal(invalid.status, 400);
    assert.equal((invalid.body.error as { code: string }).code, 'VALIDATION_FAILED');
    const unknownRuntime = await postJson(`${backend.url}/api/execute`, { sessionId: session.id, language: 'cobol' });
    assert.equal(unknownRuntime.status, 202);
    const failed = await waitForValue(async () => {
      const body = (await (await fetch(`${backend.url}/api/execute/status/${String(unknownRuntime.body.jobId)}`)).json()) as JobStatus;
      return body.state === 'failed' ? body : undefined;
    });
    assert.equal(failed.error?.code, 'RUNTIME_UNKNOWN');
    const notFound = await fetch(`${backend.url}/api/execute/status/00000000-0000-4000-8000-000000000000`);
    assert.equal(notFound.status, 404);
    assert.equal(((await notFound.json()) as { error: { code: string } }).error.code, 'JOB_NOT_FOUND');
    assert.equal((await fetch(`${backend.url}/api/execute/status/nope`)).status, 400);
  });

  it('a malformed run:start changes nothing and gets VALIDATION_FAILED', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    for (const payload of [{ code: 5 }, { language: 'has spaces' }, { sessionId: session.id }, 'text']) {
      const ack = await startRunAck(alice, payload);
      assert.equal(ack.ok, false);
      assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED');
    }
    assert.equal(runs.updates.length, 0);
    assert.equal(
      backend.execution.stats().workerPool.queuedTasks + backend.execution.stats().workerPool.activeWorkers,
      0,
      'nothing was queued',
    );
  });

  it('a late joiner receives the room history, newest first; the history is freed with the session', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    const first = await waitFinished(runs, (await startRun(alice, { code: 'print(1)' })).jobId);
    const second = await waitFinished(runs, (await startRun(alice, { code: 'print(2)' })).jobId);
    const carol = client({ sessionId: session.id, name: 'Carol' });
    const carolRuns = listenForRuns(carol);
    await waitSynced(carol);
    const history = await waitFor(() => carolRuns.history);
    assert.deepEqual(history, [second, first]);
    assert.equal(history[0]?.result?.run?.stdout, '2\n');

    // The runs live in the room's replicated state, which goes with the session.
    await backend.sessions.store.delete(session.id);
    await waitFor(() => backend.rooms.get(session.id) === undefined, { what: 'the room freed with its session' });
  });

  it('GET /api/runtimes and /api/queue-stats', async () => {
    const runtimes = (await (await fetch(`${backend.url}/api/runtimes`)).json()) as RuntimeView[];
    assert.deepEqual(runtimes.map((runtime) => runtime.language).sort(), ['c', 'python']);
    const stats = (await (await fetch(`${backend.url}/api/queue-stats`)).json()) as QueueStats;
    assert.deepEqual(Object.keys(stats.workerPool).sort(), [
      'activeWorkers',
      'averageTaskTime',
      'completedTasks',
      'failedTasks',
      'idleWorkers',
      'queuedTasks',
      'totalWorkers',
    ]);
    assert.equal(stats.workerPool.totalWorkers, 4);
    assert.equal(stats.workerPool.activeWorkers + stats.workerPool.idleWorkers, 4);
    assert.ok(stats.workerPool.completedTasks >= 5);
    assert.ok(stats.workerPool.averageTaskTime > 0);
    assert.deepEqual(
      Object.keys(stats.byKind).sort(),
      ['interactive-run', 'run', 'test-run'],
      'runs, interactive runs and test runs share the queue',
    );
    const kinds = Object.values(stats.byKind);
    assert.equal(
      kinds.reduce((sum, kind) => sum + kind.completedTasks, 0),
      stats.workerPool.completedTasks,
    );
  });
});
