/**
 * Issue 26, point 1: an edit typed while the client rejoins (after the server's SyncStep1 and
 * before its welcome) must reach the server and the others without waiting for another reconnect.
 * One real backend, real providers; the edit is injected at exactly that moment through a socket
 * listener that runs right after the provider has handled the server's SyncStep1.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import { MESSAGE_SYNC, YJS_EVENT } from '@pairpad/protocol';
import { Room, type RoomConnection, type RoomNotice } from '../../src/rooms';
import type { BackendHandle } from '../../src/server';
import { codeOf, createSession, startTestBackend, waitSynced, trackedClients } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/** True for a sync message of type SyncStep1 (the server asking what it lacks). */
function isSyncStep1(message: ArrayBuffer | Uint8Array): boolean {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  return bytes[0] === MESSAGE_SYNC && bytes[1] === syncProtocol.messageYjsSyncStep1;
}

describe('an edit typed while the client rejoins reaches everyone (issue 26)', () => {
  let backend: BackendHandle;
  const client = trackedClients(() => backend).connect;

  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    await backend.close();
  });

  it("a character typed between the server's SyncStep1 and the welcome, and the ones after it", async () => {
    const session = await createSession(backend, { language: 'python' });
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    const aliceText = alice.doc.getText('code');
    aliceText.insert(aliceText.length, 'a');
    await waitFor(() => codeOf(bob).endsWith('a'), { what: 'the first edit at Bob' });

    let typedInGap = false;
    let connects = 0;
    alice.socket.on('connect', () => (connects += 1));
    // Registered after the provider's own listener, so it runs right after the provider has
    // handled the message: for the server's SyncStep1 of the rejoin, before the welcome.
    alice.socket.on(YJS_EVENT, (message: ArrayBuffer | Uint8Array) => {
      if (typedInGap || alice.status === 'connected' || !isSyncStep1(message)) return;
      typedInGap = true;
      aliceText.insert(aliceText.length, 'X');
    });
    // Drop the connection as a network failure would; the provider rejoins by itself.
    alice.socket.io.engine.close();
    await waitFor(() => typedInGap && alice.status === 'connected', { what: 'Alice rejoined, with an edit typed in the gap' });
    aliceText.insert(aliceText.length, 'YZ');

    const expected = codeOf(alice);
    assert.ok(expected.endsWith('aXYZ'), `Alice sees her edits (${JSON.stringify(expected.slice(-8))})`);
    await waitFor(() => codeOf(bob) === expected, {
      timeoutMs: 5_000,
      what: `Bob sees "aXYZ" (has …${JSON.stringify(codeOf(bob).slice(-8))})`,
    });
    assert.equal(backend.rooms.get(session.id)?.code, expected, 'the server document holds it');
    const carol = client({ sessionId: session.id, name: 'Carol' });
    await waitSynced(carol);
    await waitFor(() => codeOf(carol) === expected, { timeoutMs: 5_000, what: 'a fresh joiner loads it' });
    assert.equal(connects, 1, 'no other reconnect was needed');
  });
});

describe('the room asks a connection for the updates it holds unapplied', () => {
  it('an update whose dependencies are missing is answered with a SyncStep1 (throttled per connection)', () => {
    const room = new Room({
      sessionId: 's',
      generation: '00000000-0000-4000-8000-000000000009',
      language: 'python',
      initialLanguage: 'python',
      maxDocumentBytes: 1 << 20,
    });
    const sent: Uint8Array[] = [];
    const connection: RoomConnection = {
      id: 'c1',
      role: 'candidate',
      name: 'C',
      send: (message) => sent.push(message),
      notify: (_: RoomNotice) => undefined,
      close: () => undefined,
    };
    room.join(connection);
    const joinMessages = sent.length;
    // A client's two edits; the room receives only the second, which depends on the first.
    const typist = new Y.Doc();
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(room.doc));
    const before = Y.encodeStateVector(typist);
    typist.getText('code').insert(0, 'X');
    const afterFirst = Y.encodeStateVector(typist);
    typist.getText('code').insert(1, 'Y');
    const second = Y.encodeStateAsUpdate(typist, afterFirst);
    const message = (update: Uint8Array): Uint8Array => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      return encoding.toUint8Array(encoder);
    };
    room.handleMessage(connection, message(second));
    assert.notEqual(room.doc.store.pendingStructs, null, 'the second edit waits for the first');
    const asked = sent.slice(joinMessages);
    assert.equal(asked.length, 1, 'one request');
    assert.ok(isSyncStep1(asked[0]!), 'a SyncStep1');
    room.handleMessage(connection, message(second));
    assert.equal(sent.length, joinMessages + 1, 'not asked again within the interval');
    // The answer (what the room lacks) resolves the pending edit.
    room.handleMessage(connection, message(Y.encodeStateAsUpdate(typist, before)));
    assert.equal(room.doc.store.pendingStructs, null);
    assert.ok(room.code.startsWith('XY'));
    room.destroy();
  });
});
