import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IncomingMessage } from 'node:http';
import type { BackendHandle } from '../../src/server';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

// A real collection, so that "nothing holds it" is observed rather than assumed.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('idle connection memory (issue #14)', () => {
  let backend: BackendHandle;
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    await backend.close();
  });

  it('lets the upgrade request of a WebSocket connection go once the participant has joined', async () => {
    const requests: Array<WeakRef<IncomingMessage>> = [];
    backend.io.engine.on('connection', (raw: { request: IncomingMessage }) => requests.push(new WeakRef(raw.request)));
    const session = await createSession(backend);
    const provider = connectClient(backend, {
      sessionId: session.id,
      name: 'Ivy',
      socketOptions: { transports: ['websocket'], forceNew: true },
    });
    try {
      await waitSynced(provider);
      assert.equal(requests.length, 1, 'one engine.io connection');
      await waitFor(
        () => {
          collectGarbage();
          return requests[0]?.deref() === undefined;
        },
        { what: 'the upgrade request collected', timeoutMs: 5_000 },
      );
      assert.ok(provider.connected, 'the connection itself lives on');
    } finally {
      provider.destroy();
    }
  });
});
