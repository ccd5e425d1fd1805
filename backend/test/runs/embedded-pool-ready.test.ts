import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendHandle } from '../../src/server';
import { testSandboxUid } from '../executor/helpers';
import { connectClient, createSession, startBackendWithExecutor, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/**
 * The embedded executor joins the backend's pool as soon as its runtimes are proven (when
 * /health turns ready), not at the next periodic check: a preview started in between got
 * EXECUTOR_UNAVAILABLE (found by the container suite, which starts one right after /health is ready).
 */

const SANDBOX_UID = testSandboxUid();

describe('the embedded executor in the pool', () => {
  let backend: BackendHandle;

  before(async () => {
    backend = await startBackendWithExecutor('bash', {
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      // No periodic check within the test: only the one at start (before the runtimes are proven).
      EXECUTION_POOL_CHECK_MS: '600000',
    });
  });
  after(() => backend?.close());

  it('is up in the pool once its runtimes are proven, and a preview starts right then', async () => {
    await backend.executor?.ready;
    await waitFor(() => backend.runs.executors.executors.every((executor) => executor.up === true), {
      timeoutMs: 3_000,
      what: 'the executor up in the pool without a periodic check',
    });
    const session = await createSession(backend, { name: 'Ivy', language: 'javascript' });
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken, ackTimeoutMs: 60_000 });
    try {
      await waitSynced(ivy);
      const started = await ivy.request('preview:start', { template: 'node-express' });
      assert.ok(started.ok, JSON.stringify(started));
      assert.equal(started.preview.state, 'running');
      assert.ok((await ivy.request('preview:stop', {})).ok);
    } finally {
      ivy.destroy();
    }
  });
});
