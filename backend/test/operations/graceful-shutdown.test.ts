import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SocketYjsProvider } from '@pairpad/client';
import type { RunUpdate } from '@pairpad/protocol';
import { connectClient, createSession, TEST_ADMIN_ENV, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

const backendDir = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('graceful shutdown on SIGTERM (real backend process)', () => {
  let child: ChildProcess | undefined;
  const clients: SocketYjsProvider[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-shutdown-'));
  after(() => {
    for (const client of clients) client.destroy();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops accepting, lets the running job finish for everyone, tells clients to reconnect, exits 0 within 10 s', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: backendDir,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        EXECUTOR_PORT: '0',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        EXECUTOR_RUNTIMES: 'python',
        // Its own throwaway database, with the test admin that creates the session.
        DATA_DIR: dataDir,
        ...TEST_ADMIN_ENV,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child?.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    const backend = { url: `http://127.0.0.1:${port}` };
    await waitFor(
      async () => {
        const response = await fetch(`${backend.url}/api/runtimes`);
        const runtimes = (await response.json()) as Array<{ language: string }>;
        return response.ok && runtimes.some((runtime) => runtime.language === 'python');
      },
      // A start budget (polled): over 30 s at load 33 with the suites side by side.
      { timeoutMs: 120_000, what: 'backend and python runtime ready' },
    );
    const session = await createSession(backend);
    const runner = connectClient(backend, { sessionId: session.id, name: 'Runner' });
    const watcher = connectClient(backend, { sessionId: session.id, name: 'Watcher' });
    clients.push(runner, watcher);
    await Promise.all([waitSynced(runner), waitSynced(watcher)]);
    const seen: RunUpdate[] = [];
    watcher.socket.on('run:update', (update) => seen.push(update));
    const statuses: string[] = [];
    watcher.on('status', (status) => statuses.push(status));

    const started = await runner.request('run:start', {
      language: 'python',
      code: 'import time\ntime.sleep(1.5)\nprint("finished cleanly")\n',
    });
    assert.ok(started.ok, JSON.stringify(started));
    await waitFor(() => seen.some((update) => update.run.state === 'running'), { what: 'run running' });

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    // New connections are refused while the run is still finishing.
    await waitFor(
      async () => {
        try {
          await fetch(`${backend.url}/health`, { signal: AbortSignal.timeout(500) });
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 2_000, what: 'new connections refused' },
    );
    await waitFor(() => seen.some((update) => update.run.state === 'completed'), {
      timeoutMs: 8_000,
      what: 'run completed during shutdown',
    });
    const finished = seen.find((update) => update.run.state === 'completed');
    assert.equal(finished?.run.result?.run?.stdout, 'finished cleanly\n');
    await waitFor(() => statuses.includes('reconnecting'), { timeoutMs: 8_000, what: 'clients told to reconnect' });
    assert.ok(!statuses.includes('closed'), 'a shutdown is not the end of the session for clients');
    const { code, at } = await exited;
    assert.equal(code, 0);
    assert.ok(at - signalledAt < 10_000, `exited after ${at - signalledAt} ms`);
  });
});
