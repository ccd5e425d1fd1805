import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import type { ConsoleEntries, JobStatus } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { listenForRuns, setCode, startRun, waitFinished } from './run-helpers';
import { spawnExecutor } from './standalone-executor';

describe('when the executor goes wrong, runs fail in words and the room keeps working', () => {
  const backends: BackendHandle[] = [];
  const providers: SocketYjsProvider[] = [];
  let executor: ChildProcess | undefined;
  after(async () => {
    for (const provider of providers) provider.destroy();
    for (const backend of backends) await backend.close();
    if (executor && executor.exitCode === null && executor.signalCode === null) executor.kill('SIGKILL');
  });

  it('executor process killed in the middle of a run → the job ends failed with EXECUTOR_UNAVAILABLE', async () => {
    const spawned = await spawnExecutor();
    executor = spawned.child;
    const backend = await startTestBackend({ PISTON_URL: spawned.url });
    backends.push(backend);
    const session = await createSession(backend);
    const alice = connectClient(backend, { sessionId: session.id, name: 'Alice' });
    const bob = connectClient(backend, { sessionId: session.id, name: 'Bob' });
    providers.push(alice, bob);
    const aliceRuns = listenForRuns(alice);
    const bobRuns = listenForRuns(bob);
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    setCode(alice, 'import time\nprint("started", flush=True)\ntime.sleep(25)\n');
    await waitFor(() => backend.rooms.get(session.id)?.code.includes('sleep(25)'));

    let started = false;
    bob.socket.on('console:entries', ({ entries }: ConsoleEntries) => {
      if (entries.some((entry) => entry.text.includes('started'))) started = true;
    });
    const run = await startRun(alice);
    await waitFor(() => bobRuns.latest(run.jobId)?.state === 'running', { what: 'run running' });
    // Let the sandboxed program actually start before pulling the plug (its first output is streamed).
    await waitFor(() => started, { what: "the program's first output" });
    const killedAt = Date.now();
    executor.kill('SIGKILL');
    const failed = await waitFinished(bobRuns, run.jobId, 10_000);
    assert.ok(Date.now() - killedAt < 5_000, 'the failure is noticed at once, not at the timeout');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(failed.error?.message ?? '', /stopped answering in the middle of the run/);
    assert.deepEqual(await waitFinished(aliceRuns, run.jobId), failed, 'everyone sees the same failure');
    const status = (await (await fetch(`${backend.url}/api/execute/status/${run.jobId}`)).json()) as JobStatus;
    assert.equal(status.state, 'failed');

    // The room keeps working: edits sync, the language changes, and the next run fails fast in words.
    alice.doc.getText('code').insert(0, '# still editing\n');
    await waitFor(() => codeOf(bob).startsWith('# still editing'), { what: 'edit after the executor died' });
    assert.equal((await bob.setLanguage('javascript')).ok, true);
    const next = await waitFinished(bobRuns, (await startRun(bob, { language: 'python' })).jobId, 10_000);
    assert.equal(next.state, 'failed');
    assert.equal(next.error?.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(next.error?.message ?? '', /not reachable \(ECONNREFUSED\)/);
    assert.equal(backend.execution.stats().workerPool.activeWorkers, 0, 'no job is stuck');
  });

  it('an unreachable PISTON_URL → failed with words, and REST says the same', async () => {
    const backend = await startTestBackend({ PISTON_URL: 'http://127.0.0.1:9' });
    backends.push(backend);
    const session = await createSession(backend);
    const alice = connectClient(backend, { sessionId: session.id, name: 'Alice' });
    providers.push(alice);
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    const failed = await waitFinished(runs, (await startRun(alice)).jobId, 10_000);
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.error, {
      code: 'EXECUTOR_UNAVAILABLE',
      message: 'The code executor is not reachable (ECONNREFUSED). Runs will work again once it is back.',
    });
    const status = (await (await fetch(`${backend.url}/api/execute/status/${failed.jobId}`)).json()) as JobStatus;
    assert.deepEqual(status, failed);
    const runtimes = await fetch(`${backend.url}/api/runtimes`);
    assert.equal(runtimes.status, 503);
    assert.equal(((await runtimes.json()) as { error: { code: string } }).error.code, 'EXECUTOR_UNAVAILABLE');
  });
});
