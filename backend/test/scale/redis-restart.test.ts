/**
 * Issue 26, point 2: a Redis restarted without persistence comes back empty; the node that holds
 * a live room writes its session record and document back as soon as Redis answers, so a
 * participant's next reconnect (here, or on a node that never had the room) is not refused.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { BackendHandle } from '../../src/server';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { documentInRedis } from './cluster-harness';

describe('a Redis restart without persistence (issue 26)', () => {
  let redis: TestRedisServer;
  let nodeA: BackendHandle;
  let nodeB: BackendHandle;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    redis = await startRedisServer();
    [nodeA, nodeB] = await Promise.all([startTestBackend({ REDIS_URL: redis.url }), startTestBackend({ REDIS_URL: redis.url })]);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.close(), nodeB?.close()]);
    await redis?.stop();
  });

  it('the node serving a room writes back its session record and document; a reconnect to another node is let in', async () => {
    const session = await createSession(nodeA, { language: 'python' });
    const alice = connectClient(nodeA, { sessionId: session.id, name: 'Alice' });
    open.push(alice);
    await waitSynced(alice);
    alice.doc.getText('code').insert(0, '# before the restart\n');
    const generation = alice.generation!;
    await waitFor(
      async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).code.includes('# before'),
      { what: 'stored' },
    );

    await redis.restart();
    // Nobody reconnects: node A writes back what it serves once its connections are ready again.
    await waitFor(async () => (await fetch(`${nodeB.url}/api/sessions/${session.id}`)).status === 200, {
      timeoutMs: 15_000,
      what: 'the session record back in Redis',
    });
    await waitFor(
      async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).code === codeOf(alice),
      {
        timeoutMs: 15_000,
        what: 'the document back in Redis',
      },
    );

    // A participant arriving on node B, which never had the room, gets it whole.
    const bob = connectClient(nodeB, { sessionId: session.id, name: 'Bob' });
    open.push(bob);
    await waitSynced(bob);
    await waitFor(() => codeOf(bob) === codeOf(alice), { what: 'Bob has the document' });
    assert.equal(alice.status, 'connected');
  });
});
