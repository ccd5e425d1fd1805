import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SessionRecord } from '../../src/sessions';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../../src/cluster/redis-session-store';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { sessionStoreContract } from './session-store.contract';

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    generation: randomUUID(),
    title: 'Redis',
    language: 'python',
    initialLanguage: 'python',
    createdAt: now,
    lastActivityAt: now,
    interviewerTokenHash: 'b'.repeat(64),
    interviewerName: 'Ivy',
    ended: false,
    ...overrides,
  };
}

/** Warnings and infos the stores logged, so tests stay quiet and can assert on them. */
function captureLogger() {
  const lines: string[] = [];
  return {
    lines,
    warn: (message: string) => lines.push(`warn: ${message}`),
    info: (message: string) => lines.push(`info: ${message}`),
  };
}

let server: TestRedisServer;
const open = new Set<RedisSessionStore>();

/** A store on the shared test server; its own key prefix keeps tests apart. */
async function connectStore(options: Partial<RedisSessionStoreOptions> & { ttlSeconds: number }): Promise<RedisSessionStore> {
  const store = await RedisSessionStore.connect({
    url: server.url,
    keyPrefix: `test-${randomUUID()}:`,
    logger: captureLogger(),
    ...options,
  });
  open.add(store);
  return store;
}

/** Two "backend nodes": two stores on the same Redis and prefix. */
async function twoNodes(
  options: Partial<RedisSessionStoreOptions> & { ttlSeconds: number },
): Promise<[RedisSessionStore, RedisSessionStore]> {
  const keyPrefix = `test-${randomUUID()}:`;
  return [await connectStore({ keyPrefix, ...options }), await connectStore({ keyPrefix, ...options })];
}

function recordRemovals(store: RedisSessionStore): string[] {
  const seen: string[] = [];
  store.onRemoved((id, reason) => seen.push(`${id}:${reason}`));
  return seen;
}

/**
 * Waits until notices published before now have reached both nodes: a delete on each node is
 * announced on the channel after them, and a subscriber receives messages in order. So any
 * duplicate of an earlier notice would already be in the lists when this returns.
 */
async function settle(a: RedisSessionStore, b: RedisSessionStore, seenA: string[], seenB: string[]): Promise<void> {
  const markerA = record();
  const markerB = record();
  await a.create(markerA);
  await a.create(markerB);
  await b.delete(markerA.id);
  await a.delete(markerB.id);
  await waitFor(() => seenA.includes(`${markerA.id}:deleted`) && seenB.includes(`${markerB.id}:deleted`), {
    what: 'marker deletes on both nodes',
  });
}

describe('RedisSessionStore', () => {
  before(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all([...open].map((store) => store.close()));
    open.clear();
  });
  after(async () => {
    await server?.stop();
  });

  sessionStoreContract('RedisSessionStore (keyspace notifications)', async (ttlSeconds) => connectStore({ ttlSeconds }));
  sessionStoreContract('RedisSessionStore (expiry sweep)', async (ttlSeconds) => connectStore({ ttlSeconds, expiryEvents: 'sweep' }));

  it('turns on keyspace expiry events where CONFIG is allowed', async () => {
    const store = await connectStore({ ttlSeconds: 60 });
    assert.equal(store.expirySource, 'keyspace');
    const client = new Redis(server.url);
    try {
      const [, flags] = (await client.config('GET', 'notify-keyspace-events')) as string[];
      assert.ok(flags?.includes('E') && flags.includes('x'), `notify-keyspace-events is "${flags}"`);
    } finally {
      client.disconnect();
    }
  });

  it('two nodes share sessions: created on one, seen, updated and counted on the other', async () => {
    const [a, b] = await twoNodes({ ttlSeconds: 60 });
    const created = record();
    await a.create(created);
    assert.deepEqual(await b.get(created.id), created);
    const updated = await b.update(created.id, { language: 'go' });
    assert.equal(updated?.language, 'go');
    assert.equal((await a.get(created.id))?.language, 'go');
    assert.equal(await a.count(), 1);
    assert.equal(await b.count(), 1);
  });

  it('a delete on one node notifies every node exactly once', async () => {
    const [a, b] = await twoNodes({ ttlSeconds: 60 });
    const seenA = recordRemovals(a);
    const seenB = recordRemovals(b);
    const created = record();
    await a.create(created);
    assert.equal(await a.delete(created.id), true);
    assert.equal(await b.delete(created.id), false);
    await waitFor(() => seenB.includes(`${created.id}:deleted`), { what: 'delete notice on node B' });
    await settle(a, b, seenA, seenB);
    assert.deepEqual(
      seenA.filter((entry) => entry.startsWith(created.id)),
      [`${created.id}:deleted`],
    );
    assert.deepEqual(
      seenB.filter((entry) => entry.startsWith(created.id)),
      [`${created.id}:deleted`],
    );
    assert.equal(await a.count(), 0);
  });

  for (const expiryEvents of ['auto', 'sweep'] as const) {
    it(`an expiry notifies every node exactly once (${expiryEvents === 'auto' ? 'keyspace notifications' : 'sweep'})`, async () => {
      const [a, b] = await twoNodes({ ttlSeconds: 1, expiryEvents });
      const seenA = recordRemovals(a);
      const seenB = recordRemovals(b);
      const created = record();
      await a.create(created);
      assert.equal(await b.count(), 1);
      const notice = `${created.id}:expired`;
      await waitFor(() => seenA.includes(notice) && seenB.includes(notice), { timeoutMs: 6_000, what: 'expiry notice on both nodes' });
      await settle(a, b, seenA, seenB);
      assert.deepEqual(
        seenA.filter((entry) => entry.startsWith(created.id)),
        [notice],
      );
      assert.deepEqual(
        seenB.filter((entry) => entry.startsWith(created.id)),
        [notice],
      );
      assert.equal(await a.count(), 0);
    });
  }

  it('an expiry notifies once each when nodes disagree on the source (one keyspace, one sweep)', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const a = await connectStore({ ttlSeconds: 1, keyPrefix });
    const b = await connectStore({ ttlSeconds: 1, keyPrefix, expiryEvents: 'sweep' });
    assert.equal(a.expirySource, 'keyspace');
    const seenA = recordRemovals(a);
    const seenB = recordRemovals(b);
    const created = record();
    await b.create(created);
    const notice = `${created.id}:expired`;
    await waitFor(() => seenA.includes(notice) && seenB.includes(notice), { timeoutMs: 6_000, what: 'expiry notice on both nodes' });
    await settle(a, b, seenA, seenB);
    assert.deepEqual(
      seenA.filter((entry) => entry.startsWith(created.id)),
      [notice],
    );
    assert.deepEqual(
      seenB.filter((entry) => entry.startsWith(created.id)),
      [notice],
    );
  });

  it('ignores malformed messages on the removal channel', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const store = await connectStore({ ttlSeconds: 60, keyPrefix });
    const seen = recordRemovals(store);
    const client = new Redis(server.url);
    try {
      await client.publish(`${keyPrefix}session-removed`, 'not json');
      await client.publish(`${keyPrefix}session-removed`, JSON.stringify({ reason: 'exploded', id: 'x', origin: '' }));
      const created = record();
      await store.create(created);
      await client.publish(`${keyPrefix}session-removed`, JSON.stringify({ reason: 'deleted', id: created.id, origin: 'elsewhere' }));
      await waitFor(() => seen.length > 0, { what: 'the well-formed notice' });
      assert.deepEqual(seen, [`${created.id}:deleted`]);
    } finally {
      client.disconnect();
    }
  });

  it('a listener that throws neither crashes the process nor stops other listeners', async () => {
    const [a, b] = await twoNodes({ ttlSeconds: 60 });
    b.onRemoved(() => {
      throw new Error('listener bug');
    });
    const seenB = recordRemovals(b);
    const created = record();
    await a.create(created);
    await a.delete(created.id);
    await waitFor(() => seenB.includes(`${created.id}:deleted`), { what: 'notice to the second listener' });
  });

  it('recovers from a Redis restart; during the outage calls reject instead of crashing', async () => {
    const fast = { retryStrategy: () => 50 };
    const keyPrefix = `test-${randomUUID()}:`;
    const a = await connectStore({ ttlSeconds: 60, keyPrefix, commandTimeoutMs: 500, redisOptions: fast });
    const b = await connectStore({ ttlSeconds: 60, keyPrefix, commandTimeoutMs: 500, redisOptions: fast });
    const short = await connectStore({ ttlSeconds: 1, commandTimeoutMs: 500, redisOptions: fast });
    const earlier = record();
    await a.create(earlier);

    await server.restart(async () => {
      await assert.rejects(a.get(earlier.id));
      await assert.rejects(a.create(record()));
      await assert.rejects(b.count());
      await assert.rejects(short.touch(earlier.id));
    });

    // The restarted server has no data (no persistence) and no CONFIG: the stores must recover both.
    const later = record();
    await waitFor(
      async () => {
        await a.create(later);
        return true;
      },
      { timeoutMs: 10_000, what: 'a write after the restart' },
    );
    assert.deepEqual(await b.get(later.id), later);
    assert.equal(await b.get(earlier.id), undefined);

    const seenB = recordRemovals(b);
    await a.delete(later.id);
    await waitFor(() => seenB.includes(`${later.id}:deleted`), { what: 'delete notice after resubscribing' });

    const seenShort = recordRemovals(short);
    const expiring = record();
    await waitFor(
      async () => {
        await short.create(expiring);
        return true;
      },
      { what: 'the short-TTL store after the restart' },
    );
    await waitFor(() => seenShort.includes(`${expiring.id}:expired`), { timeoutMs: 6_000, what: 'expiry notice after the restart' });
    assert.equal(short.expirySource, 'keyspace');
  });

  it('connect rejects, naming the URL without its password, when Redis is unreachable', async () => {
    const unused = await startRedisServer();
    const url = `redis://:secret@127.0.0.1:${unused.port}`;
    await unused.stop();
    await assert.rejects(RedisSessionStore.connect({ url, ttlSeconds: 60 }), (error: Error) => {
      assert.match(error.message, /Could not connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });
});

describe('RedisSessionStore on a Redis with CONFIG disabled (managed Redis)', () => {
  let managed: TestRedisServer;
  before(async () => {
    managed = await startRedisServer({ args: ['--rename-command', 'CONFIG', ''] });
  });
  after(async () => {
    await managed?.stop();
  });

  it('warns, falls back to the sweep, and still notifies expiries', async () => {
    const logger = captureLogger();
    const store = await RedisSessionStore.connect({ url: managed.url, ttlSeconds: 1, keyPrefix: `test-${randomUUID()}:`, logger });
    try {
      assert.equal(store.expirySource, 'sweep');
      assert.ok(
        logger.lines.some((line) => line.startsWith('warn: Redis refused CONFIG')),
        logger.lines.join('\n'),
      );
      const seen = recordRemovals(store);
      const created = record();
      await store.create(created);
      await waitFor(() => seen.includes(`${created.id}:expired`), { timeoutMs: 6_000, what: 'swept expiry notice' });
      assert.equal(await store.count(), 0);
    } finally {
      await store.close();
    }
  });
});
