/**
 * The webhook queue's reads under a burst of events (issue 23's create p95): events published
 * while a flush is reading the endpoints and inserting are queued together by the next flush, so
 * the endpoints are read once per round trip, not once per event; every event is still queued
 * for every endpoint registered before it was published.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookCreated } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { memberAgent, startTestBackend, type MemberAgent } from '../helpers/test-backend';

describe('webhook events published during a flush', () => {
  let backend: BackendHandle;
  let admin: MemberAgent;

  before(async () => {
    backend = await startTestBackend({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '60000' });
    admin = await memberAgent(backend);
  });
  after(async () => {
    await backend.close();
  });

  it('are queued together at the next flush: one read of the endpoints per flush, every event delivered once per endpoint', async () => {
    const response = await admin.fetch('/api/webhooks', {
      method: 'POST',
      json: { url: 'http://127.0.0.1:9/hook', events: ['interview.started'], allowPrivate: true },
    });
    assert.equal(response.status, 201, await response.clone().text());
    const { endpoint } = (await response.json()) as WebhookCreated;

    const { repository } = backend.webhooks;
    const original = repository.enabledEndpoints.bind(repository);
    let reads = 0;
    let releaseFirstRead!: () => void;
    const firstReadHeld = new Promise<void>((resolve) => (releaseFirstRead = resolve));
    repository.enabledEndpoints = async () => {
      reads += 1;
      if (reads === 1) await firstReadHeld;
      return original();
    };
    const enqueued: string[][] = [];
    const deliveryIds: string[] = [];
    const enqueue = repository.enqueue.bind(repository);
    repository.enqueue = async (events, at) => {
      enqueued.push(events.map((event) => `${event.interviewId} -> ${event.endpointIds.join(',')}`));
      const ids = await enqueue(events, at);
      deliveryIds.push(...ids);
      return ids;
    };
    try {
      const publish = (interviewId: string) =>
        backend.teamEvents.publish({ type: 'interview.started', interviewId, occurredAt: Date.now() });
      publish('first');
      // The first flush is reading: everything published meanwhile waits for it, in one batch.
      while (reads === 0) await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 5; i += 1) {
        publish(`later-${i}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(reads, 1, 'no second read while the first flush is under way');
      releaseFirstRead();
      while (deliveryIds.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(reads, 2, 'the events published during the first flush were read for once');
      const to = ` -> ${endpoint.id}`;
      assert.deepEqual(enqueued, [[`first${to}`], [0, 1, 2, 3, 4].map((i) => `later-${i}${to}`)]);
      assert.equal(new Set(deliveryIds).size, 6, 'one delivery per event for the endpoint');
    } finally {
      repository.enabledEndpoints = original;
      repository.enqueue = enqueue;
      releaseFirstRead();
    }
  });
});
