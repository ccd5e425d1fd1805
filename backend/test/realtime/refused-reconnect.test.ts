/**
 * Issue 26, points 2 and 3, on one node: a handshake refused for a temporary reason is retried
 * (socket.io-client alone does not retry it), and a node serves a session whose room it holds
 * live even when the store lost the record or cannot answer.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SOCKET_PATH, type ErrorBody } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { MemorySessionStore, type SessionRecord, type SessionStore } from '../../src/sessions';
import { codeOf, createSession, startTestBackend, waitSynced, trackedClients } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/** A memory store that can play a Redis that is down (every call rejects) or that lost its keys. */
class FlakyStore implements SessionStore {
  down = false;
  /** Store reads to let through before failing exactly one (0: off). */
  failReadAfter = 0;
  /** Ids whose records the store "lost" (reads answer undefined until restored). */
  readonly lost = new Set<string>();
  readonly restored: string[] = [];
  private readonly inner = new MemorySessionStore({ ttlSeconds: 600 });
  readonly ttlSeconds = 600;

  private check(): void {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
  async create(record: SessionRecord): Promise<void> {
    this.check();
    await this.inner.create(record);
  }
  async get(id: string): Promise<SessionRecord | undefined> {
    this.check();
    if (this.failReadAfter > 0 && --this.failReadAfter === 0) throw new Error('Connection is closed.');
    return this.lost.has(id) ? undefined : this.inner.get(id);
  }
  async touch(id: string): Promise<SessionRecord | undefined> {
    this.check();
    return this.lost.has(id) ? undefined : this.inner.touch(id);
  }
  async update(id: string, patch: Parameters<SessionStore['update']>[1]): Promise<SessionRecord | undefined> {
    this.check();
    return this.lost.has(id) ? undefined : this.inner.update(id, patch);
  }
  async restore(record: SessionRecord): Promise<boolean> {
    this.check();
    if (!this.lost.delete(record.id)) return false;
    this.restored.push(record.id);
    await this.inner.create(record);
    return true;
  }
  delete(id: string): Promise<boolean> {
    this.check();
    return this.inner.delete(id);
  }
  onRemoved(listener: Parameters<SessionStore['onRemoved']>[0]): () => void {
    return this.inner.onRemoved(listener);
  }
  count(): Promise<number> {
    return this.inner.count();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('refused handshakes and a store that is down or lost the session (issue 26)', () => {
  let backend: BackendHandle;
  const store = new FlakyStore();
  const client = trackedClients(() => backend).connect;

  before(async () => {
    backend = await startTestBackend({}, { store });
  });
  after(async () => {
    store.down = false;
    await backend.close();
  });

  it('socket.io-client 4.8 alone does not retry a handshake its server refused (the reason the provider does)', async () => {
    const session = await createSession(backend);
    store.down = true;
    const socket = io(backend.url, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      forceNew: true,
      auth: { sessionId: session.id, name: 'Raw', protocolVersion: PROTOCOL_VERSION },
    });
    try {
      const errors: Array<ErrorBody | undefined> = [];
      socket.on('connect_error', (error: Error & { data?: ErrorBody }) => errors.push(error.data));
      await waitFor(() => errors.length > 0, { what: 'the refusal' });
      assert.equal(errors[0]?.code, 'SESSION_STORE_UNAVAILABLE', 'a temporary, named refusal');
      assert.equal(socket.active, false, 'the socket gave up');
      store.down = false;
      // Twenty reconnection delays: a client that retried would have connected by now.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(socket.connected, false, 'never retried');
      assert.equal(errors.length, 1, 'no other attempt');
    } finally {
      store.down = false;
      socket.close();
    }
  });

  it('the provider retries a temporary refusal with backoff, says so, and joins once the store answers', async () => {
    const session = await createSession(backend);
    store.down = true;
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const notices: ErrorBody[] = [];
    alice.on('error', (error) => notices.push(error));
    await waitFor(() => notices.length >= 2, { what: 'two refused attempts' });
    assert.ok(
      notices.every((notice) => notice.code === 'SESSION_STORE_UNAVAILABLE' && /retrying/.test(notice.message)),
      JSON.stringify(notices),
    );
    assert.equal(alice.status, 'connecting', 'still trying, not closed');
    store.down = false;
    await waitSynced(alice, 15_000);
  });

  it('a join dropped by the server after the handshake (the store failed in between) is retried too', async () => {
    const session = await createSession(backend);
    // The handshake's read passes, the join's re-read fails: the server drops the socket
    // ('io server disconnect'), after which socket.io-client would never come back by itself.
    store.failReadAfter = 2;
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const notices: ErrorBody[] = [];
    alice.on('error', (error) => notices.push(error));
    await waitSynced(alice, 15_000);
    assert.ok(
      notices.some((notice) => /retrying/.test(notice.message)),
      `it said it was retrying: ${JSON.stringify(notices)}`,
    );
  });

  it('a node serves the reconnect of a session whose room it holds live, with the store down or the record lost', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);

    store.down = true;
    alice.socket.io.engine.close();
    alice.doc.getText('code').insert(0, 'A');
    await waitFor(() => codeOf(bob).startsWith('A') && alice.status === 'connected', { what: 'Alice back while the store is down' });
    store.down = false;

    store.lost.add(session.id);
    bob.socket.io.engine.close();
    bob.doc.getText('code').insert(0, 'B');
    await waitFor(() => codeOf(alice).startsWith('BA') && bob.status === 'connected', {
      what: 'Bob back although the store lost the record',
    });
    assert.deepEqual(store.restored, [session.id], 'the record was written back');
    assert.equal((await store.get(session.id))?.generation, alice.generation, 'the same generation, so no client is refused as stale');
  });

  it('a session that is really gone closes the client, which keeps its document', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    await waitSynced(alice);
    alice.doc.getText('code').insert(0, 'kept');
    // Gone for good: the store deleted it, and every node closes the room (session:closed).
    await store.delete(session.id);
    await waitFor(() => alice.status === 'closed', { what: 'closed' });
    assert.ok(codeOf(alice).startsWith('kept'), 'the text stays in the tab');
  });
});
