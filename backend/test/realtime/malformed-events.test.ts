import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import * as encoding from 'lib0/encoding';
import type { BackendHandle } from '../../src/server';
import { MAX_YJS_MESSAGE_BYTES, type ErrorBody } from '@pairpad/protocol';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/** A raw Socket.IO client, so the tests can send what the provider never would. */
function rawSocket(backend: BackendHandle, auth: unknown): Socket {
  return io(backend.url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: auth as Record<string, unknown>,
    reconnection: false,
    forceNew: true,
  });
}

function connectError(socket: Socket): Promise<ErrorBody> {
  return new Promise((resolve) =>
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) =>
      resolve(error.data ?? { code: 'INTERNAL_ERROR', message: error.message }),
    ),
  );
}

describe('malformed and hostile socket input gets a named error and changes nothing', () => {
  let backend: BackendHandle;
  const sockets: Socket[] = [];
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await backend.close();
  });

  const cases: Array<[string, unknown, string]> = [
    ['no auth at all (an event before join)', undefined, 'VALIDATION_FAILED'],
    ['a session id of the wrong type', { sessionId: 42, name: 'X' }, 'VALIDATION_FAILED'],
    ['a malformed session id', { sessionId: 'abc', name: 'X' }, 'VALIDATION_FAILED'],
    ['an unknown session', { sessionId: randomUUID(), name: 'X' }, 'SESSION_NOT_FOUND'],
    ['an empty name', { sessionId: randomUUID(), name: '   ' }, 'VALIDATION_FAILED'],
    ['an oversized name', { sessionId: randomUUID(), name: 'x'.repeat(500) }, 'VALIDATION_FAILED'],
    [
      'extra keys (prototype pollution attempt)',
      JSON.parse('{"sessionId":"00000000-0000-4000-8000-000000000000","name":"X","__proto__":{"admin":true}}'),
      'VALIDATION_FAILED',
    ],
  ];
  for (const [label, auth, code] of cases) {
    it(`handshake with ${label} → ${code}`, async () => {
      const socket = rawSocket(backend, auth);
      sockets.push(socket);
      const error = await connectError(socket);
      assert.equal(error.code, code);
      assert.ok(error.message.length > 0);
    });
  }

  it('bad events inside a room are refused with named errors and the document is unchanged', async () => {
    const session = await createSession(backend);
    const witness = connectClient(backend, { sessionId: session.id, name: 'Witness' });
    await waitSynced(witness);
    const before = codeOf(witness);
    const socket = rawSocket(backend, { sessionId: session.id, name: 'Mallory' });
    sockets.push(socket);
    const errors: string[] = [];
    socket.on('room:error', (error: ErrorBody) => errors.push(error.code));
    await new Promise<void>((resolve) => socket.once('session:welcome', () => resolve()));

    socket.emit('y', 'not binary');
    socket.emit('y', { type: 0 });
    socket.emit('y', new Uint8Array([]));
    socket.emit('y', new Uint8Array([7, 1, 2, 3]));
    socket.emit('y', new Uint8Array([0, 2, 200, 1, 2, 3]));
    const garbageUpdate = encoding.createEncoder();
    encoding.writeVarUint(garbageUpdate, 0);
    encoding.writeVarUint(garbageUpdate, 2);
    encoding.writeVarUint8Array(garbageUpdate, new Uint8Array([255, 255, 255, 255, 1, 2, 3, 4, 5]));
    socket.emit('y', encoding.toUint8Array(garbageUpdate));
    socket.emit('y', new Uint8Array(MAX_YJS_MESSAGE_BYTES + 10));
    socket.emit('made:up', { x: 1 });
    await waitFor(() => errors.length >= 8, { what: 'eight refusals', timeoutMs: 5_000 });
    // Binary packets may overtake text ones on the wire, so compare without order.
    assert.deepEqual(errors.sort(), [
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'PAYLOAD_TOO_LARGE',
      'UNKNOWN_EVENT',
    ]);

    const badLanguage = (await socket.timeout(2000).emitWithAck('room:set-language', { language: 'cobol' })) as {
      ok: boolean;
      error?: ErrorBody;
    };
    assert.equal(badLanguage.ok, false);
    assert.equal(badLanguage.error?.code, 'VALIDATION_FAILED');
    const wrongType = (await socket.timeout(2000).emitWithAck('room:set-language', 'rust')) as { ok: boolean; error?: ErrorBody };
    assert.equal(wrongType.error?.code, 'VALIDATION_FAILED');

    // Still connected and the room intact.
    assert.ok(socket.connected);
    assert.equal(codeOf(witness), before);
    assert.equal(backend.rooms.get(session.id)?.code, before);
    assert.equal(witness.doc.getMap('meta').get('language'), 'python');
    const health = await fetch(`${backend.url}/health`);
    assert.equal(health.status, 200);
    witness.destroy();
  });

  it('an invalid language written straight into the shared document is reverted', async () => {
    const session = await createSession(backend, { language: 'c' });
    const alice = connectClient(backend, { sessionId: session.id, name: 'Alice' });
    const bob = connectClient(backend, { sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    alice.doc.getMap('meta').set('language', 'not-a-language');
    await waitFor(() => alice.doc.getMap('meta').get('language') === 'c' && bob.doc.getMap('meta').get('language') === 'c', {
      what: 'revert',
    });
    alice.destroy();
    bob.destroy();
  });
});
