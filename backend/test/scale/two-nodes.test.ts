import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import { countOf, typeConcurrently } from '../helpers/typing';
import { codeOf, connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { Redis } from 'ioredis';
import { RedisSessionStore } from '../../src/cluster/redis-session-store';
import { documentInRedis, startNode, type BackendNode } from './cluster-harness';

describe('two backend processes sharing rooms through a real redis-server', () => {
  let redis: TestRedisServer;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];
  const client = (node: BackendNode, sessionId: string, name: string): SocketYjsProvider => {
    const provider = connectClient(node, { sessionId, name });
    open.push(provider);
    return provider;
  };

  before(async () => {
    redis = await startRedisServer();
    [nodeA, nodeB] = await Promise.all([startNode('A', { REDIS_URL: redis.url }), startNode('B', { REDIS_URL: redis.url })]);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
  });

  it('/health/redis is a required check and answers ok', async () => {
    const response = await fetch(`${nodeA.url}/health/redis`);
    const body = (await response.json()) as { ok: boolean; required: boolean };
    assert.equal(response.status, 200);
    assert.equal(body.ok, true);
    assert.equal(body.required, true);
  });

  it('a session created on A is found on B', async () => {
    const session = await createSession(nodeA);
    const response = await fetch(`${nodeB.url}/api/sessions/${session.id}`);
    assert.equal(response.status, 200);
  });

  it('clients on A and B typing at the same time converge with every keystroke', async () => {
    const session = await createSession(nodeA, { language: 'javascript' });
    const clients = [
      client(nodeA, session.id, 'A1'),
      client(nodeB, session.id, 'B1'),
      client(nodeA, session.id, 'A2'),
      client(nodeB, session.id, 'B2'),
    ];
    await Promise.all(clients.map((c) => waitSynced(c)));
    const starter = codeOf(clients[0]!);
    assert.ok(starter.includes('Hello, PairPad!'), 'the room opens with the starter code once, on both nodes');
    assert.equal(codeOf(clients[1]!), starter);
    await typeConcurrently(clients, 60, 7);
    await waitFor(() => clients.every((c) => codeOf(c) === codeOf(clients[0]!)) && codeOf(clients[0]!).length === starter.length + 4 * 60, {
      timeoutMs: 15_000,
      what: `convergence across nodes (lengths ${clients.map((c) => codeOf(c).length).join(', ')})`,
    });
    const text = codeOf(clients[0]!);
    for (let i = 0; i < clients.length; i++) {
      const letter = String.fromCharCode(65 + i);
      assert.equal(countOf(text, letter), 60 + countOf(starter, letter), `every ${letter} arrived once`);
    }
    // What Redis holds is the whole document too.
    const stored = await documentInRedis(redis.url, { id: session.id, generation: clients[0]!.generation!, language: 'javascript' });
    assert.equal(stored.code, text);
  });

  it('a client joining late on a node that never had the room gets the whole document at its first sync, compacted or not', async () => {
    const session = await createSession(nodeA, { language: 'python' });
    const alice = client(nodeA, session.id, 'Alice');
    await waitSynced(alice);
    const text = alice.doc.getText('code');
    // 450 single-character edits, one message each: past the 200-entry compaction threshold
    // twice. Paced under the per-socket event limit (200/s), which would drop the excess.
    for (let i = 0; i < 450; i++) {
      text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 70));
    }
    const generation = alice.generation!;
    const expected = codeOf(alice);
    await waitFor(async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).code === expected, {
      what: 'every edit stored in Redis',
    });
    const stored = await documentInRedis(redis.url, { id: session.id, generation, language: 'python' });
    assert.ok(stored.hasSnapshot, 'the update list was compacted into a snapshot');
    assert.ok(stored.listLength < 450, `the update list was trimmed (${stored.listLength} entries left)`);

    const late = client(nodeB, session.id, 'Late');
    let firstSynced: string | null = null;
    late.on('synced', (synced) => {
      if (synced && firstSynced === null) firstSynced = codeOf(late);
    });
    await waitSynced(late);
    assert.equal(firstSynced, expected, 'the first sync on B already carries the whole document');
    // And B relays from then on, both ways.
    late.doc.getText('code').insert(0, '# from B\n');
    text.insert(text.length, '\n# from A');
    await waitFor(() => codeOf(alice) === codeOf(late) && codeOf(alice).startsWith('# from B') && codeOf(alice).endsWith('# from A'), {
      what: 'edits relayed both ways',
    });
  });

  it('presence crosses nodes: a client on B sees the cursor owner on A, and it goes when they leave', async () => {
    const session = await createSession(nodeA);
    const alice = client(nodeA, session.id, 'Alice');
    alice.awareness.setLocalStateField('user', { name: 'Alice', color: '#ff0000', colorLight: '#ff000033', role: 'candidate' });
    await waitSynced(alice);
    const bob = client(nodeB, session.id, 'Bob');
    await waitSynced(bob);
    const aliceId = alice.doc.clientID;
    await waitFor(() => (bob.awareness.getStates().get(aliceId) as { user?: { name?: string } } | undefined)?.user?.name === 'Alice', {
      what: "Alice's presence on B (asked for when B loaded the room)",
    });
    alice.destroy();
    await waitFor(() => !bob.awareness.getStates().has(aliceId), { what: "Alice's presence gone on B" });
  });

  it('deleting the session closes the room on both and deletes its Redis keys', async () => {
    const session = await createSession(nodeA);
    const alice = client(nodeA, session.id, 'Alice');
    const bob = client(nodeB, session.id, 'Bob');
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    alice.doc.getText('code').insert(0, 'gone soon\n');
    const generation = alice.generation!;
    await waitFor(async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).listLength > 0, {
      what: 'edit stored',
    });
    // Deleted by a third party on the same Redis, as any node's store would.
    const store = await RedisSessionStore.connect({ url: redis.url, ttlSeconds: 3600, expiryEvents: 'sweep' });
    try {
      assert.equal(await store.delete(session.id), true);
    } finally {
      await store.close();
    }
    await waitFor(() => alice.status === 'closed' && bob.status === 'closed', { what: 'both clients told the session closed' });
    await waitFor(
      async () => {
        const stored = await documentInRedis(redis.url, { id: session.id, generation, language: 'python' });
        return stored.listLength === 0 && !stored.hasSnapshot;
      },
      { what: 'room keys deleted' },
    );
  });

  it("every key of a room's state expires with the session, however many edits it took", async () => {
    const session = await createSession(nodeA);
    const [a, b] = [client(nodeA, session.id, 'TtlA'), client(nodeB, session.id, 'TtlB')];
    await Promise.all([waitSynced(a), waitSynced(b)]);
    for (let i = 0; i < 30; i++) a.doc.getText('code').insert(0, 'x');
    await waitFor(() => codeOf(b).startsWith('x'.repeat(30)), { what: 'edits crossed' });
    const redisClient = new Redis(redis.url);
    try {
      const keys = await waitFor(
        async () => {
          const found = await redisClient.keys(`*room:${session.id}:*`);
          return found.some((key) => key.endsWith(':updates')) ? found : null;
        },
        { what: 'room keys written' },
      );
      assert.ok(keys, "the room's keys were found");
      for (const key of keys) {
        const ttl = await redisClient.pttl(key);
        // The default session TTL is 24 h: every key has a deadline, none beyond it.
        assert.ok(ttl > 0 && ttl <= 86_400_000, `${key} expires (PTTL ${ttl})`);
      }
    } finally {
      redisClient.disconnect();
    }
  });
});
