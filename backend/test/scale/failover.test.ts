import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import { codeOf, connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { documentInRedis, startNode, startProxy, type BackendNode, type TcpProxy } from './cluster-harness';

const append = (provider: SocketYjsProvider, line: string): void => {
  const text = provider.doc.getText('code');
  text.insert(text.length, `${line}\n`);
};

describe('node A dies mid-session: its clients move to node B and nothing typed is lost', () => {
  let redis: TestRedisServer;
  /** Node A reaches Redis through this, so the test can cut A off from Redis before killing it. */
  let redisForA: TcpProxy;
  /** The "load balancer" Alice and Carol connect through: A first, then B. */
  let balancer: TcpProxy;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    redis = await startRedisServer();
    redisForA = await startProxy(redis.port);
    [nodeA, nodeB] = await Promise.all([
      startNode('A', { REDIS_URL: `redis://127.0.0.1:${redisForA.port}` }),
      startNode('B', { REDIS_URL: redis.url }),
    ]);
    balancer = await startProxy(nodeA.port);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all([nodeA?.kill(), nodeB?.stop()]);
    await Promise.all([balancer?.close(), redisForA?.close()]);
    await redis?.stop();
  });

  it('an edit A broadcast but never stored, and edits typed while disconnected, all reach B', async () => {
    const session = await createSession(nodeB, { language: 'python' });
    const alice = connectClient(balancer, { sessionId: session.id, name: 'Alice' });
    const carol = connectClient(balancer, { sessionId: session.id, name: 'Carol' });
    const bob = connectClient(nodeB, { sessionId: session.id, name: 'Bob' });
    open.push(alice, carol, bob);
    await Promise.all([alice, carol, bob].map((client) => waitSynced(client)));

    append(alice, '# 1 relayed through Redis');
    await waitFor(() => codeOf(bob).includes('# 1 relayed') && codeOf(carol).includes('# 1 relayed'), { what: 'first edit everywhere' });

    // A loses Redis (its commands wait in a frozen socket), but still serves its own clients.
    redisForA.pauseUpstream();
    append(alice, '# 2 only on node A');
    await waitFor(() => codeOf(carol).includes('# 2 only on node A'), { what: 'A broadcast the edit locally' });
    const generation = alice.generation!;
    const stored = await documentInRedis(redis.url, { id: session.id, generation, language: 'python' });
    assert.ok(stored.code.includes('# 1 relayed') && !stored.code.includes('# 2'), 'the second edit never reached Redis');
    assert.ok(!codeOf(bob).includes('# 2'), 'nor node B');

    // A dies without any cleanup.
    await nodeA.kill();
    await waitFor(() => alice.status !== 'connected' && carol.status !== 'connected', { what: 'clients notice the dead node' });
    append(alice, '# 3 typed by Alice while disconnected');
    append(carol, '# 4 typed by Carol while disconnected');

    // The load balancer now sends everyone to B; the providers reconnect by themselves.
    balancer.retarget(nodeB.port);
    balancer.dropAll();
    await Promise.all([waitSynced(alice, 15_000), waitSynced(carol, 15_000)]);
    await waitFor(
      () =>
        [alice, carol, bob].every((client) => codeOf(client) === codeOf(bob)) &&
        ['# 1', '# 2 only on node A', '# 3 typed by Alice', '# 4 typed by Carol'].every((line) => codeOf(bob).includes(line)),
      { timeoutMs: 15_000, what: `every edit on every client (Bob has ${JSON.stringify(codeOf(bob))})` },
    );
    // Redis has it all again, so any node can load the room from now on.
    await waitFor(async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).code === codeOf(bob), {
      what: 'Redis holds the whole document',
    });
  });
});

describe('Redis restarts for a moment: clients recover without losing edits', () => {
  for (const persistence of ['without persistence (keys lost)', 'with AOF (keys kept)'] as const) {
    describe(persistence, () => {
      let redis: TestRedisServer;
      let nodeA: BackendNode;
      let nodeB: BackendNode;
      const open: SocketYjsProvider[] = [];

      before(async () => {
        redis = await startRedisServer(
          persistence.startsWith('with AOF') ? { args: ['--appendonly', 'yes', '--appendfsync', 'always'] } : {},
        );
        [nodeA, nodeB] = await Promise.all([startNode('A', { REDIS_URL: redis.url }), startNode('B', { REDIS_URL: redis.url })]);
      });
      after(async () => {
        for (const provider of open) provider.destroy();
        await Promise.all([nodeA?.stop(), nodeB?.stop()]);
        await redis?.stop();
      });

      it('edits made on both nodes during the outage reach everyone, and Redis holds them afterwards', async () => {
        const session = await createSession(nodeA, { language: 'python' });
        const alice = connectClient(nodeA, { sessionId: session.id, name: 'Alice' });
        const bob = connectClient(nodeB, { sessionId: session.id, name: 'Bob' });
        open.push(alice, bob);
        await Promise.all([waitSynced(alice), waitSynced(bob)]);
        append(alice, '# before the outage');
        await waitFor(() => codeOf(bob).includes('# before the outage'), { what: 'relayed before the outage' });

        const redisDown = async (node: BackendNode) => (await fetch(`${node.url}/health/redis`)).status === 503;
        await redis.restart(async () => {
          await waitFor(async () => (await redisDown(nodeA)) && (await redisDown(nodeB)), {
            timeoutMs: 15_000,
            what: 'both nodes see Redis down',
          });
          append(alice, '# Alice during the outage');
          append(bob, '# Bob during the outage');
        });
        await waitFor(
          () => codeOf(alice) === codeOf(bob) && codeOf(alice).includes('# Alice during') && codeOf(alice).includes('# Bob during'),
          {
            timeoutMs: 20_000,
            what: `convergence after the restart (Alice ${JSON.stringify(codeOf(alice))}, Bob ${JSON.stringify(codeOf(bob))})`,
          },
        );
        assert.equal(alice.status, 'connected', 'clients never lost their node');
        append(bob, '# after the restart');
        await waitFor(() => codeOf(alice).includes('# after the restart'), { what: 'relay works again' });
        const generation = alice.generation!;
        await waitFor(
          async () => (await documentInRedis(redis.url, { id: session.id, generation, language: 'python' })).code === codeOf(alice),
          {
            what: 'Redis holds the whole document again',
          },
        );
        if (persistence.startsWith('with AOF')) {
          // The session itself survived, so someone new can still join, on either node.
          const late = connectClient(nodeB, { sessionId: session.id, name: 'Late' });
          open.push(late);
          await waitSynced(late);
          assert.equal(codeOf(late), codeOf(alice));
        }
      });
    });
  }
});
