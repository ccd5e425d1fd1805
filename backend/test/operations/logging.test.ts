import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { startBackend } from '../../src/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient, createSession, memberAgent, TEST_ADMIN, TEST_ADMIN_ENV, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

it('JSON logs carry request, session and job ids, and never the code or stdin of a run', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-logging-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    EXECUTOR_PORT: '0',
    EXECUTOR_RUNTIMES: 'python',
    DATA_DIR: dataDir,
    ...TEST_ADMIN_ENV,
  });
  const logger = createLogger({ level: 'http', format: config.logFormat, stream });
  const backend = await startBackend(config, logger);
  try {
    await backend.executor?.ready;
    const session = await createSession(backend);
    const runner = connectClient(backend, { sessionId: session.id, name: 'Runner' });
    await waitSynced(runner);
    const secretCode = 'print("CODE-MARKER-93b1" + input())';
    const started = await runner.request('run:start', { language: 'python', code: secretCode, stdin: 'STDIN-MARKER-77c2' });
    assert.ok(started.ok, JSON.stringify(started));
    const jobId = started.ok ? started.run.jobId : '';
    await waitFor(() => lines.some((line) => line.includes('job completed') && line.includes(jobId)), {
      timeoutMs: 20_000,
      what: 'job completion log',
    });
    runner.destroy();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(
      entries.every((entry) => typeof entry.level === 'string' && typeof entry.timestamp === 'string'),
      'every line is JSON with level and timestamp',
    );
    assert.ok(
      entries.some((entry) => entry.message === 'request' && typeof entry.requestId === 'string' && entry.route === '/api/sessions'),
      'request lines carry a request id',
    );
    assert.ok(
      entries.some((entry) => entry.sessionId === session.id && entry.message === 'participant joined'),
      'room lines carry the session id',
    );
    assert.ok(
      entries.some((entry) => entry.jobId === jobId && entry.sessionId === session.id),
      'job lines carry job and session ids',
    );
    const all = lines.join('\n');
    assert.ok(!all.includes('CODE-MARKER-93b1') && !all.includes('STDIN-MARKER-77c2'), 'code and stdin never reach the logs');
    const agent = await memberAgent(backend);
    assert.ok(
      !all.includes(TEST_ADMIN.password) && !all.includes(agent.cookie.split('=')[1] ?? '-') && !all.includes(agent.csrfToken),
      'passwords, cookies and CSRF tokens never reach the logs',
    );
  } finally {
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
