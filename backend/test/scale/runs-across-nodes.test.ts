import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { RunRecord } from '@pairpad/protocol';
import { connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';
import { listenForRuns, startRun, waitFinished } from '../runs/run-helpers';
import { startNode, type BackendNode } from './cluster-harness';

describe('runs across two backend processes sharing Redis', () => {
  let redis: TestRedisServer;
  let piston: FakePiston;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    redis = await startRedisServer();
    // The edge of the world: both nodes run code through the same (fake) Piston.
    piston = await startFakePiston();
    piston.executeReplies.set('python', {
      status: 200,
      delayMs: 300,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'hi from A\n', output: 'hi from A\n' }) },
    });
    const env = { REDIS_URL: redis.url, PISTON_URL: piston.url };
    [nodeA, nodeB] = await Promise.all([startNode('A', env), startNode('B', env)]);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await Promise.all([piston?.close(), redis?.stop()]);
  });

  it('a run started on A is seen live on B, its status answers on B, and a late joiner on B gets it in the history', async () => {
    const session = await createSession(nodeA, { language: 'python' });
    const runner = connectClient(nodeA, { sessionId: session.id, name: 'Runner' });
    const watcher = connectClient(nodeB, { sessionId: session.id, name: 'Watcher' });
    open.push(runner, watcher);
    await Promise.all([waitSynced(runner), waitSynced(watcher)]);
    const watched = listenForRuns(watcher);

    const run = await startRun(runner, { code: 'print("hi from A")\n' });
    const finished = await waitFinished(watched, run.jobId, 15_000);
    assert.equal(finished.state, 'completed');
    assert.equal(finished.result?.run?.stdout, 'hi from A\n');
    assert.deepEqual(watched.states(run.jobId), ['queued', 'running', 'completed'], 'B heard every state once, in order');

    const status = (await waitFor(
      async () => {
        const response = await fetch(`${nodeB.url}/api/execute/status/${run.jobId}`);
        const body = (await response.json()) as RunRecord;
        return response.status === 200 && body.state === 'completed' ? body : undefined;
      },
      { what: 'status answered on B' },
    )) as RunRecord;
    assert.equal(status.jobId, run.jobId);
    assert.equal(status.result?.run?.stdout, 'hi from A\n');

    const late = connectClient(nodeB, { sessionId: session.id, name: 'Late' });
    open.push(late);
    const lateRuns = listenForRuns(late);
    await waitSynced(late);
    await waitFor(() => lateRuns.history?.some((entry) => entry.jobId === run.jobId && entry.state === 'completed'), {
      what: 'the run in the history a late joiner on B receives',
    });
    assert.equal(
      piston.requests.filter((request) => request.path === '/api/v2/execute').length,
      1,
      'the run ran once, on the node that accepted it',
    );
  });

  it('a run started over REST on B answers its status on A and reaches a client on A', async () => {
    const session = await createSession(nodeA, { language: 'python' });
    const watcher = connectClient(nodeA, { sessionId: session.id, name: 'Watcher' });
    open.push(watcher);
    await waitSynced(watcher);
    const watched = listenForRuns(watcher);
    const response = await fetch(`${nodeB.url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: session.id, language: 'python', code: 'print(1)\n' }),
    });
    assert.equal(response.status, 202, await response.clone().text());
    const { jobId } = (await response.json()) as { jobId: string };
    await waitFinished(watched, jobId, 15_000);
    const status = await fetch(`${nodeA.url}/api/execute/status/${jobId}`);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as RunRecord).jobId, jobId);
    const unknown = await fetch(`${nodeA.url}/api/execute/status/00000000-0000-4000-8000-000000000000`);
    assert.equal(unknown.status, 404, 'an unknown job is still JOB_NOT_FOUND');
  });
});
