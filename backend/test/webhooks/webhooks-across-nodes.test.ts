/**
 * The delivery queue shared by several backends on one real PostgreSQL: every delivery sent
 * exactly once although two nodes claim from the queue at once (FOR UPDATE SKIP LOCKED + a
 * lease), and a node SIGKILLed while its receiver hangs loses nothing: its lease expires and
 * another node sends the delivery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookCreated } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { createSession, signIn, startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { startNode, type BackendNode } from '../scale/cluster-harness';
import { answer, startReceiver, type Receiver } from './receiver';

const WEBHOOK_ENV = {
  WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOKS_POLL_MS: '50',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '400',
  SESSIONS_PER_MINUTE_PER_IP: '1000',
};

describe('webhooks across nodes on one PostgreSQL', () => {
  let server: TestPostgresServer;
  const backends: BackendHandle[] = [];
  const nodes: BackendNode[] = [];
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    for (const node of nodes) await node.kill();
    for (const backend of backends) await backend.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await server?.stop();
  });

  async function register(
    url: string,
    cookieAgent: Awaited<ReturnType<typeof signIn>>,
    target: Receiver,
    events: string[],
  ): Promise<WebhookCreated> {
    const response = await cookieAgent.fetch('/api/webhooks', { method: 'POST', json: { url: target.url, events, allowPrivate: true } });
    assert.equal(response.status, 201, `${url}: ${await response.clone().text()}`);
    const created = (await response.json()) as WebhookCreated;
    target.setSecret(created.secret);
    return created;
  }

  it('two nodes claiming from one queue send each of 400 deliveries exactly once, and share the work', async () => {
    const databaseUrl = await server.createDatabase();
    const env = { ...WEBHOOK_ENV, DATABASE_URL: databaseUrl, WEBHOOKS_CONCURRENCY: '8' };
    const [a, b] = await Promise.all([startTestBackend(env), startTestBackend(env)]);
    backends.push(a!, b!);
    const nodeA = a!;
    const nodeB = b!;
    // A receiver that takes a few ms per request, so that claims overlap.
    const target = await startReceiver((index, request, response) =>
      setTimeout(() => answer(200)(index, request, response), 2 + (index % 5)),
    );
    receivers.push(target);
    const admin = await signIn(nodeA);
    await register(nodeA.url, admin, target, ['interview.created', 'interview.ended', 'scorecard.submitted']);

    // Real creations on both nodes (the archive publishes interview.created) …
    const sessions = await Promise.all(Array.from({ length: 40 }, (_, index) => createSession(index % 2 ? nodeB : nodeA)));
    // … and events published on both nodes as the scorecards and the archive do.
    for (let index = 0; index < 360; index += 1) {
      const node = index % 2 ? nodeB : nodeA;
      const interviewId = sessions[index % sessions.length]!.id;
      if (index % 3 === 0) node.teamEvents.publish({ type: 'interview.ended', interviewId, occurredAt: Date.now() });
      else
        node.teamEvents.publish({
          type: 'scorecard.submitted',
          interviewId,
          scorecardId: `sc-${index}`,
          memberId: admin.member.id,
          occurredAt: Date.now(),
        });
    }
    const db = nodeA.database.db;
    await waitFor(
      async () => {
        const rows = await db.selectFrom('webhook_deliveries').select(['status']).execute();
        return rows.length === 400 && rows.every((row) => row.status === 'succeeded');
      },
      { timeoutMs: 60_000, intervalMs: 100, what: '400 deliveries succeeded' },
    );
    assert.equal(target.received.length, 400, 'the receiver got each delivery once');
    assert.equal(new Set(target.received.map((entry) => entry.deliveryId)).size, 400, 'no delivery id twice');
    assert.ok(target.received.every((entry) => entry.signatureValid));
    const created = target.received.filter((entry) => entry.event === 'interview.created');
    assert.deepEqual(
      new Set(created.map((entry) => (entry.json.data.interview as { id: string }).id)),
      new Set(sessions.map((session) => session.id)),
    );
    const scorecard = target.received.find((entry) => entry.event === 'scorecard.submitted')?.json.data.scorecard as Record<
      string,
      unknown
    >;
    assert.deepEqual(scorecard.member, { id: admin.member.id, name: admin.member.name });
    const byNode = await db
      .selectFrom('webhook_attempts')
      .select(['node', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('node')
      .execute();
    assert.equal(
      byNode.reduce((sum, row) => sum + Number(row.count), 0),
      400,
      'one attempt per delivery',
    );
    assert.equal(byNode.length, 2, `both nodes sent some: ${JSON.stringify(byNode)}`);
  });

  it('a node SIGKILLed while its receiver hangs: the lease expires and another node sends the delivery', async () => {
    const databaseUrl = await server.createDatabase();
    const target = await startReceiver((index, request, response) => {
      // The first request hangs (the dying node's); the next ones are answered.
      if (index > 0) answer(200, 'got it')(index, request, response);
    });
    receivers.push(target);
    const dying = await startNode('dying', {
      ...WEBHOOK_ENV,
      DATABASE_URL: databaseUrl,
      WEBHOOKS_TIMEOUT_MS: '2000',
      WEBHOOKS_LEASE_MS: '2000',
    });
    nodes.push(dying);
    const admin = await signIn(dying);
    const { endpoint } = await register(dying.url, admin, target, ['interview.created']);
    const session = await createSession(dying);
    await waitFor(() => target.received.length === 1, { what: 'the dying node sending' });
    await dying.kill();

    const survivor = await startTestBackend({ ...WEBHOOK_ENV, DATABASE_URL: databaseUrl });
    backends.push(survivor);
    const delivery = await waitFor(
      async () => {
        const page = await survivor.webhooks.listDeliveries(endpoint.id, { limit: 10 });
        return page.deliveries.find((entry) => entry.status === 'succeeded');
      },
      { timeoutMs: 15_000, what: 'the survivor delivering' },
    );
    assert.ok(delivery);
    assert.equal(delivery.attempts, 2);
    const [lost, sent] = delivery.attemptList;
    assert.notEqual(lost?.node, sent?.node);
    assert.equal(sent?.node, survivor.webhooks.node);
    assert.equal(lost?.statusCode, null);
    assert.match(lost?.error ?? '', /lease expired/);
    assert.equal(sent?.statusCode, 200);
    assert.equal(sent?.responseBody, 'got it');
    // Not before the dead node's lease ended (2 s + the 1 s margin over its 2 s timeout).
    assert.ok(Date.parse(sent?.startedAt ?? '') - Date.parse(lost?.startedAt ?? '') >= 2_900);
    assert.equal(target.received.length, 2);
    assert.ok(target.received.every((entry) => entry.deliveryId === delivery.id && entry.signatureValid));
    assert.equal((target.received[1]?.json.data.interview as { id: string }).id, session.id);
  });
});
