import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ExecutorConfigError, loadExecutorConfig } from '@pairpad/executor';
import type { JobStatus } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { startTestExecutor, type TestExecutor } from '../executor/helpers';
import { createSession, startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/**
 * The standalone executor for PaaS deploys: a shared secret on every request, sent by the
 * backend from PISTON_API_KEY. And the backend's health as an operator's probes see it.
 */

const TOKEN = `test-token-${process.pid}-0123456789`;
const hello = { language: 'python', version: '*', files: [{ content: 'print("hi")' }] };

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/v2/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function runThroughBackend(backend: BackendHandle): Promise<JobStatus> {
  const session = await createSession(backend);
  const started = await fetch(`${backend.url}/api/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: session.id, language: 'python', code: 'print(6 * 7)' }),
  });
  assert.equal(started.status, 202);
  const { jobId } = (await started.json()) as { jobId: string };
  let status: JobStatus | undefined;
  await waitFor(
    async () => {
      status = (await (await fetch(`${backend.url}/api/execute/status/${jobId}`)).json()) as JobStatus;
      return status.state === 'completed' || status.state === 'failed';
    },
    { timeoutMs: 30_000, what: 'run finished' },
  );
  return status!;
}

describe('EXECUTOR_TOKEN', () => {
  let ex: TestExecutor | undefined;
  const backends: BackendHandle[] = [];
  after(async () => {
    for (const backend of backends) await backend.close();
    await ex?.close();
  });

  it('is required when the executor listens beyond loopback', () => {
    assert.throws(
      () => loadExecutorConfig({ EXECUTOR_HOST: '0.0.0.0' }),
      (error: Error) => error instanceof ExecutorConfigError && /EXECUTOR_TOKEN is required/.test(error.message),
    );
    assert.throws(() => loadExecutorConfig({ EXECUTOR_HOST: '0.0.0.0', EXECUTOR_TOKEN: 'short' }), /at least 16 characters/);
    assert.equal(loadExecutorConfig({ EXECUTOR_HOST: '0.0.0.0', EXECUTOR_TOKEN: TOKEN }).token, TOKEN);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])
      assert.equal(loadExecutorConfig({ EXECUTOR_HOST: host }).token, undefined);
  });

  it('answers 401 with a Piston-style message without it or with a wrong one, on every route', async () => {
    ex = await startTestExecutor({ EXECUTOR_TOKEN: TOKEN, EXECUTOR_RUNTIMES: 'python' });
    await ex.handle.ready;
    const missing = await post(ex.url, hello);
    assert.equal(missing.status, 401);
    assert.match(String(missing.body.message), /missing executor token/);
    const wrong = await post(ex.url, hello, { authorization: 'Bearer not-the-token-at-all' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.message, 'invalid executor token');
    for (const path of ['/api/v2/runtimes', '/health', '/', '/nowhere']) assert.equal((await fetch(`${ex.url}${path}`)).status, 401, path);
  });

  it('lets a request with the token through, as a bearer token or bare', async () => {
    assert.ok(ex);
    const bearer = await post(ex.url, hello, { authorization: `Bearer ${TOKEN}` });
    assert.equal(bearer.status, 200);
    assert.equal((bearer.body.run as { stdout: string }).stdout, 'hi\n');
    assert.equal((await post(ex.url, hello, { authorization: TOKEN })).status, 200);
  });

  it('is sent by the backend from PISTON_API_KEY; a wrong key fails runs in words', async () => {
    assert.ok(ex);
    const good = await startTestBackend({ PISTON_URL: ex.url, PISTON_API_KEY: TOKEN });
    backends.push(good);
    const done = await runThroughBackend(good);
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(done.result?.run?.stdout, '42\n');
    const health = (await (await fetch(`${good.url}/health/executor`)).json()) as { ok: boolean };
    assert.equal(health.ok, true);

    const bad = await startTestBackend({ PISTON_URL: ex.url, PISTON_API_KEY: 'the-wrong-key-entirely' });
    backends.push(bad);
    const failed = await runThroughBackend(bad);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(failed.error?.message ?? '', /refused this server's credentials/);
    // A remote executor's trouble never fails the backend's readiness.
    assert.equal((await fetch(`${bad.url}/health/ready`)).status, 200);
  });
});

describe('backend health for probes', () => {
  const backends: BackendHandle[] = [];
  after(async () => {
    for (const backend of backends) await backend.close();
  });

  it('fails readiness while the embedded executor has no working sandbox; liveness stays up', async () => {
    const backend = await startTestBackend({
      PISTON_URL: '',
      EXECUTOR_PORT: '0',
      EXECUTOR_BWRAP_PATH: '/nonexistent/bwrap',
      EXECUTOR_RUNTIMES: 'python',
    });
    backends.push(backend);
    for (const path of ['/health', '/health/ready']) {
      const response = await fetch(`${backend.url}${path}`);
      assert.equal(response.status, 503, path);
      const body = (await response.json()) as { status: string; checks: { executor: { ok: boolean; details: { reason: string } } } };
      assert.equal(body.status, 'unavailable');
      assert.match(body.checks.executor.details.reason, /No working sandbox/);
    }
    // The page hears it in words, without the internals.
    const runtimes = await fetch(`${backend.url}/api/runtimes`);
    assert.equal(runtimes.status, 503);
    const error = ((await runtimes.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(error.message, /^Code execution is unavailable on this server/);
    assert.doesNotMatch(error.message, /bwrap|nonexistent/);
    const failed = await runThroughBackend(backend);
    assert.equal(failed.error?.code, 'EXECUTOR_UNAVAILABLE');
    assert.match(failed.error?.message ?? '', /^Code execution is unavailable on this server/);
    const live = await fetch(`${backend.url}/health/live`);
    assert.equal(live.status, 200);
    assert.equal(((await live.json()) as { status: string }).status, 'ok');
  });

  it('stays ready, degraded, with EXECUTION_REQUIRED=false (collaboration only on purpose)', async () => {
    const backend = await startTestBackend({
      PISTON_URL: '',
      EXECUTOR_PORT: '0',
      EXECUTOR_BWRAP_PATH: '/nonexistent/bwrap',
      EXECUTOR_RUNTIMES: 'python',
      EXECUTION_REQUIRED: 'false',
    });
    backends.push(backend);
    const response = await fetch(`${backend.url}/health/ready`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { status: string }).status, 'degraded');
  });

  it('refuses a malformed EXECUTION_REQUIRED with a readable message', async () => {
    await assert.rejects(startTestBackend({ EXECUTION_REQUIRED: 'maybe' }), /EXECUTION_REQUIRED must be true or false/);
  });
});
