import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import type { BackendHandle } from '../../src/server';
import { isIdleLauncher, processesOfUid, testSandboxUid } from '../executor/helpers';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { spawnExecutor, type StandaloneExecutor } from '../runs/standalone-executor';

/**
 * Two real executors behind one address that spreads TCP connections round robin, as a
 * Kubernetes Service does (k8s/overlays/executor-pool): the backend knows only that address.
 * A preview lives on one executor; with EXECUTOR_ADVERTISE_URL the executor names its own
 * address when it starts one, and every later request of that preview (its pages, its HMR
 * websocket, its file writes, its events, its stop) goes there instead of through the spread.
 */

const SANDBOX_UID = testSandboxUid();
const PREVIEW_HOST = 'preview.test';

/** A TCP balancer: each new connection goes to the next target, whatever it carries. */
function roundRobin(targets: readonly number[]): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  let turn = 0;
  const open = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = connect(targets[turn++ % targets.length]!, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    downstream.pipe(upstream).pipe(downstream);
    downstream.once('close', () => upstream.destroy());
    upstream.once('close', () => downstream.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

/** GET through the backend with the Host header a browser sends for the preview address, on a connection of its own. */
function fetchVia(backend: BackendHandle, url: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: backend.port, path: '/', agent: false, headers: { host: target.host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a preview on executors behind one balanced address (a Kubernetes Service)', () => {
  let executors: StandaloneExecutor[] = [];
  let balancer: Awaited<ReturnType<typeof roundRobin>>;
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    const env = {
      EXECUTOR_RUNTIMES: 'bash',
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      EXECUTOR_PREVIEW_START_TIMEOUT: '30000',
      // Its own address, its listening port filled in (k8s: http://$(POD_IP):2000).
      EXECUTOR_ADVERTISE_URL: 'http://127.0.0.1',
    };
    executors = await Promise.all([spawnExecutor({ env }), spawnExecutor({ env })]);
    balancer = await roundRobin(executors.map((executor) => executor.port));
    backend = await startTestBackend({
      PISTON_URL: `http://127.0.0.1:${balancer.port}`,
      PREVIEW_ORIGIN: `http://${PREVIEW_HOST}`,
      PREVIEW_EDIT_DEBOUNCE_MS: '50',
    });
    await waitFor(() => backend.runs.executors.executors.every((executor) => executor.up === true), { what: 'the balanced executor up' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
    await balancer?.close();
    await Promise.all(executors.map((executor) => executor.kill()));
  });

  it('started through the balancer, every later request reaches the executor that holds it; Stop leaves nothing', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'javascript' });
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(ivy);
    await waitSynced(ivy);

    const started = await ivy.request('preview:start', { template: 'node-express' });
    assert.ok(started.ok, JSON.stringify(started));
    assert.equal(started.preview.state, 'running');
    const address = await ivy.request('preview:open', {});
    assert.ok(address.ok, JSON.stringify(address));

    // Twelve pages, each on a new connection, all at once: through the balancer half of them would
    // reach the executor that never heard of this preview.
    const pages = await Promise.all(Array.from({ length: 12 }, () => fetchVia(backend, address.url)));
    for (const page of pages) {
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, /Hello from Express/);
    }
    // Still running as far as the room knows (its events stream is on the right executor too).
    const status = await ivy.request('preview:open', {});
    assert.ok(status.ok, JSON.stringify(status));

    assert.ok((await ivy.request('preview:stop', {})).ok);
    // The sandbox uid's processes other than the two executors' idle stage launchers.
    const leftOver = async () => {
      const found: string[] = [];
      for (const entry of await processesOfUid(SANDBOX_UID)) {
        const pid = entry.split(' ')[0] ?? '';
        const idle = await Promise.all(executors.map((executor) => isIdleLauncher(pid, executor.child.pid ?? -1)));
        if (!idle.some(Boolean)) found.push(entry);
      }
      return found;
    };
    await waitFor(async () => (await leftOver()).length === 0, {
      timeoutMs: 15_000,
      what: "no process of the preview's uid left on either executor",
    });
  });
});
