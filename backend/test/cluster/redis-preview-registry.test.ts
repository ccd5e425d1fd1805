import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisPreviewRegistry } from '../../src/cluster/redis-preview-registry';
import type { SharedPreview } from '../../src/previews';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';

/**
 * The previews' shared records on a real redis-server, as two nodes see them: one record per
 * session found by its preview id too, exactly one writer at a time (the lease: taken when free,
 * renewed by its holder only, forced by a new start, released by its holder only, free again once
 * it runs out), and status messages that reach the other node but not their publisher.
 */
describe('RedisPreviewRegistry: records, the writer lease, status messages', () => {
  let redis: TestRedisServer;
  const clients: Redis[] = [];
  const node = async () => {
    const client = new Redis(redis.url);
    const subscriber = new Redis(redis.url);
    clients.push(client, subscriber);
    const registry = new RedisPreviewRegistry({ redis: client, keyPrefix: 'test:' });
    subscriber.on('message', (_channel: string, message: string) => registry.handleMessage(message));
    await subscriber.subscribe(registry.channel);
    return registry;
  };

  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('shares a record, holds one writer at a time, and tells the other node', async () => {
    const [a, b] = [await node(), await node()];
    const record: SharedPreview = {
      sessionId: 's1',
      previewId: '0123456789abcdef',
      executorUrl: 'http://127.0.0.1:2000',
      template: 'node-express',
      jobId: 'job-1',
      status: { state: 'running', template: 'node-express', at: 1 },
    };
    await a.put(record);
    assert.deepEqual(await b.get('s1'), record);
    assert.deepEqual(await b.byPreview('0123456789abcdef'), record);
    assert.equal(await b.byPreview('fedcba9876543210'), undefined);

    assert.equal(await a.claimWriter('s1', 400), true, 'free: A takes it');
    assert.equal(await b.claimWriter('s1', 400), false, 'held by A: B does not write');
    assert.equal(await a.claimWriter('s1', 400), true, 'A renews it');
    await b.releaseWriter('s1');
    assert.equal(await b.claimWriter('s1', 400), false, "B cannot release A's lease");
    // A stops renewing (it died): the lease runs out and B takes it.
    await waitFor(() => b.claimWriter('s1', 400), { timeoutMs: 3_000, what: 'B takes the lease once it ran out' });
    assert.equal(await a.claimWriter('s1', 400), false, 'A, back, is not a second writer');
    assert.equal(await a.claimWriter('s1', 400, true), true, 'a new start takes it by force');
    await a.releaseWriter('s1');
    assert.equal(await b.claimWriter('s1', 400), true, 'released: free for B at once');

    const heardOnB: unknown[] = [];
    const heardOnA: unknown[] = [];
    b.onStatus((sessionId, status) => heardOnB.push({ sessionId, state: status.state }));
    a.onStatus((sessionId, status) => heardOnA.push({ sessionId, state: status.state }));
    a.publish('s1', { state: 'off', at: 2 });
    await waitFor(() => heardOnB.length === 1, { what: 'the status on B' });
    assert.deepEqual(heardOnB, [{ sessionId: 's1', state: 'off' }]);
    assert.deepEqual(heardOnA, [], 'not handed back to its publisher');

    await b.remove('s1');
    assert.equal(await a.get('s1'), undefined);
    assert.equal(await a.byPreview('0123456789abcdef'), undefined);
    assert.equal(await a.claimWriter('s1', 400), true, 'the lease went with the record');
  });
});
