import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { ConsoleEntries, ConsoleEntry } from '@pairpad/protocol';
import { connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { startTestExecutor, type TestExecutor } from '../executor/helpers';
import { listenForRuns, startRun, waitFinished } from '../runs/run-helpers';
import { startNode, type BackendNode } from './cluster-harness';

/** Console entries a participant heard, per run. */
function consoleOf(provider: SocketYjsProvider): (jobId: string) => ConsoleEntry[] {
  const byJob = new Map<string, ConsoleEntry[]>();
  provider.socket.on('console:entries', ({ jobId, start, entries }: ConsoleEntries) => {
    const list = byJob.get(jobId) ?? [];
    assert.equal(start, list.length, 'in order, without gaps or repeats');
    byJob.set(jobId, [...list, ...entries]);
  });
  return (jobId) => byJob.get(jobId) ?? [];
}

const textOf = (entries: ConsoleEntry[]) =>
  entries.map((entry) => (entry.kind === 'eof' || entry.kind === 'signal' ? '' : entry.text)).join('');

describe('the console across two backend processes sharing Redis', () => {
  let redis: TestRedisServer;
  let executor: TestExecutor;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    redis = await startRedisServer();
    // One real executor behind both nodes, as a self-hosted Piston would be.
    executor = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python' });
    await executor.handle.ready;
    const env = { REDIS_URL: redis.url, PISTON_URL: executor.url, EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000' };
    [nodeA, nodeB] = await Promise.all([startNode('A', env), startNode('B', env)]);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await Promise.all([executor?.close(), redis?.stop()]);
  });

  it('a run on A streams to B; a line typed on B reaches the program on A; a stop from B ends it', async () => {
    const session = await createSession(nodeA, { name: 'Ivy', language: 'python' });
    const candidate = connectClient(nodeA, { sessionId: session.id, name: 'Cleo' });
    const interviewer = connectClient(nodeB, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(candidate, interviewer);
    await Promise.all([waitSynced(candidate), waitSynced(interviewer)]);
    const onA = consoleOf(candidate);
    const onB = consoleOf(interviewer);
    const runsB = listenForRuns(interviewer);

    const run = await startRun(candidate, { code: 'while True:\n    line = input("> ")\n    print("echo:", line)\n' });
    await waitFor(() => textOf(onB(run.jobId)) === '> ', { what: 'the prompt from A on B', timeoutMs: 15_000 });
    const ack = await interviewer.request('console:input', { jobId: run.jobId, text: 'from B\n' });
    assert.ok(ack.ok, JSON.stringify(ack));
    const expected = '> from B\necho: from B\n> ';
    await waitFor(() => textOf(onA(run.jobId)) === expected && textOf(onB(run.jobId)) === expected, {
      what: 'the echo on both nodes',
      timeoutMs: 15_000,
    });
    assert.equal(onA(run.jobId).find((entry) => entry.kind === 'stdin')?.name, 'Ivy');

    assert.ok((await interviewer.request('console:signal', { jobId: run.jobId, signal: 'SIGKILL' })).ok);
    const finished = await waitFinished(runsB, run.jobId, 15_000);
    assert.equal(finished.result?.run?.signal, 'SIGKILL');
    assert.equal(finished.result?.run?.stdout, '> echo: from B\n> ');
    // The stopper's name came from B's console entry to the job on A, and back in the result.
    assert.equal(finished.result?.statusText, 'Stopped by Ivy');
  });
});
