import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemorySessionStore } from '../../src/sessions';
import type { BackendHandle } from '../../src/server';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

describe('session lifecycle in the room', () => {
  const backends: BackendHandle[] = [];
  after(async () => {
    for (const backend of backends) await backend.close();
  });

  it('joining an unknown session gets SESSION_NOT_FOUND and stops retrying', async () => {
    const backend = await startTestBackend();
    backends.push(backend);
    const client = connectClient(backend, { sessionId: randomUUID(), name: 'Lost' });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(`${error.code}:${error.fatal}`));
    await waitFor(() => client.status === 'closed', { what: 'closed' });
    assert.deepEqual(errors, ['SESSION_NOT_FOUND:true']);
    client.destroy();
  });

  it('expiry frees the document and tells connected clients why before disconnecting them', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 1, checkPeriodSeconds: 1 });
    const backend = await startTestBackend({}, { store });
    backends.push(backend);
    const session = await createSession(backend);
    const client = connectClient(backend, {
      sessionId: session.id,
      name: 'Idle',
      socketOptions: { reconnection: false, transports: ['websocket'] },
    });
    await waitSynced(client);
    assert.ok(backend.rooms.get(session.id));
    const closedReasons: string[] = [];
    client.on('closed', (closed) => closedReasons.push(closed.reason));
    await waitFor(() => closedReasons.length > 0, { timeoutMs: 8_000, what: 'expiry notice' });
    assert.deepEqual(closedReasons, ['expired']);
    assert.equal(client.status, 'closed');
    assert.equal(backend.rooms.get(session.id), undefined, 'room document freed');
    const response = await fetch(`${backend.url}/api/sessions/${session.id}`);
    assert.equal(response.status, 404);
    client.destroy();
  });

  it('a client holding a document from an older generation is refused and pushes nothing', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 60 });
    const backend = await startTestBackend({}, { store });
    backends.push(backend);
    const session = await createSession(backend);
    const client = connectClient(backend, { sessionId: session.id, name: 'Stale' });
    await waitSynced(client);
    client.disconnect();
    client.doc.getText('code').insert(0, 'STALE EDIT ');
    // The session id is recreated with a new generation while the client is away.
    const old = await store.get(session.id);
    assert.ok(old);
    await store.delete(session.id);
    await store.create({ ...old, generation: randomUUID(), lastActivityAt: Date.now() });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    client.connect();
    await waitFor(() => client.status === 'closed', { what: 'refusal' });
    assert.deepEqual(errors, ['SESSION_GENERATION_MISMATCH']);
    const fresh = connectClient(backend, { sessionId: session.id, name: 'Fresh' });
    await waitSynced(fresh);
    assert.ok(!codeOf(fresh).includes('STALE EDIT'), 'the stale copy never reached the new session');
    client.destroy();
    fresh.destroy();
  });
});

describe('server restart', () => {
  it('a client told the server is shutting down keeps its edits and rejoins a server that still has the session', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 60 });
    const backend = await startTestBackend({}, { store });
    const session = await createSession(backend);
    const client = connectClient(backend, { sessionId: session.id, name: 'Stays' });
    const witness = connectClient(backend, { sessionId: session.id, name: 'Witness' });
    try {
      await Promise.all([waitSynced(client), waitSynced(witness)]);
      const statuses: string[] = [];
      client.on('status', (status) => statuses.push(status));
      // Closing the rooms as a shutdown does, while the server itself stays up.
      backend.rooms.closeAll({ reason: 'shutdown', message: 'restarting' });
      await waitFor(() => statuses.includes('reconnecting'), { what: 'reconnecting status' });
      client.doc.getText('code').insert(0, 'kept ');
      await waitFor(() => client.status === 'connected' && client.synced, { what: 'rejoined' });
      await waitFor(() => codeOf(witness).startsWith('kept '), { what: 'edit made during the restart arrives' });
      assert.ok(!statuses.includes('closed'));
      // The rebuilt room re-seeds identically, so the starter code is not duplicated.
      assert.equal(codeOf(witness).split('Hello, PairPad!').length - 1, 1);
      assert.equal(codeOf(client), codeOf(witness));
    } finally {
      client.destroy();
      witness.destroy();
      await backend.close();
    }
  });
});
