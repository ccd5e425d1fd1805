import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import { ROOM_DOC, type PreviewStatus } from '@pairpad/protocol';
import { connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { jobProcessesOfUid, startTestExecutor, testSandboxUid, type TestExecutor } from '../executor/helpers';
import { startNode, type BackendNode } from './cluster-harness';

/**
 * A live preview across two backend processes sharing one redis-server and one standalone
 * executor: started on A, seen, opened and served on B, edits typed on B written through (by A,
 * the writer, then by B once A is killed and its lease runs out), and the room ended on B stops
 * it with no process left.
 */

const SANDBOX_UID = testSandboxUid();
const PREVIEW_HOST = 'preview.test';

/** GET through a node with the Host header a browser would send for the preview address `url`. */
function fetchVia(node: BackendNode, url: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: node.port, path: target.pathname, headers: { host: target.host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Replaces `from` with `to` in the room's entry file, as typing would. */
function typeOver(provider: SocketYjsProvider, from: string, to: string): void {
  const code = provider.doc.getText(ROOM_DOC.code);
  const at = code.toString().indexOf(from);
  assert.ok(at >= 0, `"${from}" in the code`);
  provider.doc.transact(() => {
    code.delete(at, from.length);
    code.insert(at, to);
  });
}

describe('a live preview across two backend processes sharing Redis', () => {
  let redis: TestRedisServer;
  let executor: TestExecutor;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    redis = await startRedisServer();
    executor = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'bash',
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      EXECUTOR_PREVIEW_START_TIMEOUT: '30000',
    });
    await executor.handle.ready;
    const env = {
      REDIS_URL: redis.url,
      PISTON_URL: executor.url,
      PREVIEW_ORIGIN: `http://${PREVIEW_HOST}`,
      PREVIEW_EDIT_DEBOUNCE_MS: '50',
      PREVIEW_WRITER_LEASE_MS: '900',
    };
    [nodeA, nodeB] = await Promise.all([startNode('A', env), startNode('B', env)]);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await Promise.all([executor?.close(), redis?.stop()]);
  });

  it('started on A: seen, opened, served and edited through B; A killed, B writes through; ended on B, stopped', async () => {
    const session = await createSession(nodeA, { name: 'Ivy', language: 'javascript' });
    const ivy = connectClient(nodeA, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cleo = connectClient(nodeB, { sessionId: session.id, name: 'Cleo' });
    open.push(ivy, cleo);
    await Promise.all([waitSynced(ivy), waitSynced(cleo)]);
    const seenOnB: PreviewStatus[] = [];
    cleo.socket.on('preview:status', (status) => seenOnB.push(status));

    const started = await ivy.request('preview:start', { template: 'node-express' });
    assert.ok(started.ok, JSON.stringify(started));
    assert.equal(started.preview.state, 'running');
    // B's participant is told (A published it) and gets an address from B.
    await waitFor(() => seenOnB.some((status) => status.state === 'running'), { what: 'running, told on B' });
    const address = await cleo.request('preview:open', {});
    assert.ok(address.ok, JSON.stringify(address));
    assert.equal(new URL(address.url).hostname.endsWith(`.${PREVIEW_HOST}`), true);
    // The preview origin answers through B (the record is in Redis; B proxies to the executor).
    const page = await fetchVia(nodeB, address.url);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Hello from Express/);
    // An edit typed on B reaches the preview (A writes it through: it holds the lease).
    await waitFor(() => cleo.doc.getText(ROOM_DOC.code).toString().includes('Hello from Express'), { what: 'the template on B' });
    typeOver(cleo, 'Hello from Express', 'Hello typed on B');
    await waitFor(async () => (await fetchVia(nodeB, address.url)).text.includes('Hello typed on B'), {
      timeoutMs: 20_000,
      what: 'the edit from B served',
    });

    // A dies without a word: B takes the write-through over once A's lease runs out.
    await nodeA.kill();
    typeOver(cleo, 'Hello typed on B', 'Hello after A died');
    await waitFor(async () => (await fetchVia(nodeB, address.url)).text.includes('Hello after A died'), {
      timeoutMs: 20_000,
      what: 'the edit written through by B',
    });

    // The interviewer, now on B, ends the room: the preview stops, nothing of it is left.
    const ivyOnB = connectClient(nodeB, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(ivyOnB);
    await waitSynced(ivyOnB);
    assert.ok((await ivyOnB.request('room:end', {})).ok);
    await waitFor(() => seenOnB.at(-1)?.state === 'off', { what: 'off on B' });
    assert.equal((await fetchVia(nodeB, address.url)).status, 403);
    await waitFor(async () => (await jobProcessesOfUid(SANDBOX_UID)).length === 0, {
      timeoutMs: 15_000,
      what: "no process of the preview's uid left",
    });
  });
});
