/**
 * Webhooks end to end on one real backend (SQLite): an admin registers endpoints over REST,
 * real HTTP receivers on loopback (WEBHOOKS_ALLOW_PRIVATE_URLS=true, as a test must) verify every
 * signature, and the receivers misbehave on purpose: 500 then 200, hanging, down, answering
 * without end. Backoff, timeout and retry window are shortened through their settings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RUBRIC, type ListWebhookDeliveriesResponse, type WebhookCreated, type WebhookDelivery } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { isPrivateAddress } from '../../src/webhooks';
import { connectClient, createSession, memberAgent, startTestBackend, waitSynced, type MemberAgent } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask } from '../interview/interview-helpers';
import { answer, startReceiver, type Receiver } from './receiver';

const FAST = {
  WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOKS_POLL_MS: '50',
  WEBHOOKS_TIMEOUT_MS: '500',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '400',
  WEBHOOKS_RETRY_FOR_MS: '1500',
  WEBHOOKS_RESPONSE_MAX_BYTES: '4096',
};

describe('webhooks', () => {
  let backend: BackendHandle;
  let admin: MemberAgent;
  const receivers: Receiver[] = [];

  before(async () => {
    backend = await startTestBackend(FAST);
    admin = await memberAgent(backend);
  });
  after(async () => {
    await backend.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  }

  async function register(target: Receiver, events: string[] = ['interview.created']): Promise<WebhookCreated> {
    const response = await admin.fetch('/api/webhooks', { method: 'POST', json: { url: target.url, events, allowPrivate: true } });
    assert.equal(response.status, 201, await response.clone().text());
    const created = (await response.json()) as WebhookCreated;
    target.setSecret(created.secret);
    return created;
  }

  async function deliveries(endpointId: string): Promise<WebhookDelivery[]> {
    const response = await admin.fetch(`/api/webhooks/${endpointId}/deliveries`);
    assert.equal(response.status, 200);
    return ((await response.json()) as ListWebhookDeliveriesResponse).deliveries;
  }

  async function settled(endpointId: string, deliveryId: string, timeoutMs = 10_000): Promise<WebhookDelivery> {
    const found = await waitFor(
      async () => {
        const delivery = (await deliveries(endpointId)).find((entry) => entry.id === deliveryId);
        return delivery && (delivery.status === 'succeeded' || delivery.status === 'failed') ? delivery : undefined;
      },
      { timeoutMs, what: `delivery ${deliveryId} settled` },
    );
    assert.ok(found);
    return found;
  }

  async function ping(endpointId: string): Promise<string> {
    const response = await admin.fetch(`/api/webhooks/${endpointId}/ping`, { method: 'POST' });
    assert.equal(response.status, 202);
    return ((await response.json()) as { deliveryId: string }).deliveryId;
  }

  it('registration: admins only, with CSRF; private and reserved addresses refused unless allowed; the secret shown once', async () => {
    const target = await receiver();
    // No allowPrivate: loopback refused, whatever its spelling.
    for (const url of [
      target.url,
      `http://localhost:${target.port}/`,
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      // Numeric spellings of loopback: the URL parser normalises them, the guard sees 127.0.0.1.
      'http://2130706433/',
      'http://0x7f.0.0.1/',
    ]) {
      const response = await admin.fetch('/api/webhooks', { method: 'POST', json: { url, events: ['interview.ended'] } });
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(response.status, 400, url);
      assert.equal(body.error.code, 'WEBHOOK_URL_FORBIDDEN', url);
    }
    for (const url of ['ftp://example.com/', 'http://user:pass@example.com/', 'not a url']) {
      const response = await admin.fetch('/api/webhooks', { method: 'POST', json: { url, events: ['interview.ended'] } });
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'WEBHOOK_URL_INVALID', url);
    }
    const badEvents = await admin.fetch('/api/webhooks', { method: 'POST', json: { url: target.url, events: ['interview.exploded'] } });
    assert.equal(((await badEvents.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    // Without the CSRF token, or without a cookie: refused, nothing registered.
    const noCsrf = await fetch(`${backend.url}/api/webhooks`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ url: target.url, events: ['interview.ended'], allowPrivate: true }),
    });
    assert.equal(noCsrf.status, 403);
    const anonymous = await fetch(`${backend.url}/api/webhooks`);
    assert.equal(anonymous.status, 401);
    const list = (await (await admin.fetch('/api/webhooks')).json()) as { endpoints: unknown[] };
    assert.equal(list.endpoints.length, 0);

    const created = await register(target, ['interview.ended']);
    assert.match(created.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = (await (await admin.fetch('/api/webhooks')).json()) as { endpoints: Array<Record<string, unknown>> };
    assert.equal(listed.endpoints.length, 1);
    assert.ok(!JSON.stringify(listed).includes(created.secret), 'the secret is never listed');
    assert.equal(listed.endpoints[0]?.secretHint, `…${created.secret.slice(-4)}`);
    const deleted = await admin.fetch(`/api/webhooks/${created.endpoint.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
  });

  it('the address classes: public passes, every private, reserved and embedded-IPv4 form is caught', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) assert.equal(isPrivateAddress(address), false, address);
    for (const address of [
      '127.0.0.1',
      '0.0.0.0',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      'not-an-ip',
    ]) {
      assert.equal(isPrivateAddress(address), true, address);
    }
  });

  it('interview.created, .started and .ended arrive once each, signed, with the interview and nothing private', async () => {
    const target = await receiver();
    const { endpoint } = await register(target, ['interview.created', 'interview.started', 'interview.ended']);
    const session = await createSession(backend, {
      name: 'Ivy',
      language: 'python',
      candidateName: 'Cleo',
      candidateEmail: 'cleo@example.com',
    });
    const mine = () => target.received.filter((entry) => (entry.json.data.interview as { id?: string } | null)?.id === session.id);
    await waitFor(() => mine().some((entry) => entry.event === 'interview.created'), { what: 'interview.created' });

    const interviewer = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = connectClient(backend, { sessionId: session.id, name: 'Cleo' });
    try {
      await waitSynced(interviewer);
      await waitSynced(candidate);
      await waitFor(() => mine().some((entry) => entry.event === 'interview.started'), { what: 'interview.started' });
      const ended = await ask(interviewer, 'room:end', {});
      assert.equal(ended.ok, true);
      await waitFor(() => mine().some((entry) => entry.event === 'interview.ended'), { what: 'interview.ended' });
    } finally {
      interviewer.destroy();
      candidate.destroy();
    }
    // The room unloads and is written once more: no second event for a status already reached.
    backend.archive.saveNow(session.id);
    await backend.archive.flush(5_000);
    const sent = await deliveries(endpoint.id);
    await waitFor(async () => (await deliveries(endpoint.id)).every((delivery) => delivery.status === 'succeeded'), { what: 'all sent' });
    assert.deepEqual(
      mine()
        .map((entry) => entry.event)
        .sort(),
      ['interview.created', 'interview.ended', 'interview.started'],
    );
    assert.equal(sent.length, 3);
    for (const entry of mine()) {
      assert.equal(entry.signatureValid, true, `${entry.event} signature`);
      assert.equal(entry.json.type, entry.event);
      assert.equal(entry.json.id, entry.eventId);
      assert.ok(!entry.body.includes(session.interviewerToken), 'the guest link token is never sent');
    }
    const endedPayload = mine().find((entry) => entry.event === 'interview.ended')?.json.data.interview as Record<string, unknown>;
    assert.equal(endedPayload.status, 'ended');
    assert.deepEqual(endedPayload.candidate, { name: 'Cleo', email: 'cleo@example.com' });
    assert.match(String((endedPayload.links as { report: string }).report), new RegExp(`/interview/${session.id}/report$`));
  });

  it('/health/webhooks shows the queue (never required)', async () => {
    const response = await fetch(`${backend.url}/health/webhooks`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { ok: boolean; required: boolean; details: { backlog: number; node: string } };
    assert.equal(body.ok, true);
    assert.equal(body.required, false);
    assert.equal(typeof body.details.backlog, 'number');
    assert.equal(body.details.node, backend.webhooks.node);
  });

  it('a receiver that answers 500 then 200: retried after a backoff, both attempts recorded with their answers', async () => {
    const target = await receiver((index, _request, response) =>
      index === 0 ? answer(500, 'boom')(index, _request, response) : answer(200, 'thanks')(index, _request, response),
    );
    const { endpoint } = await register(target, ['interview.ended']);
    const delivery = await settled(endpoint.id, await ping(endpoint.id));
    assert.equal(delivery.status, 'succeeded');
    assert.equal(delivery.attempts, 2);
    assert.deepEqual(
      delivery.attemptList.map((attempt) => [attempt.statusCode, attempt.responseBody]),
      [
        [500, 'boom'],
        [200, 'thanks'],
      ],
    );
    assert.match(delivery.attemptList[0]?.error ?? '', /HTTP 500/);
    assert.equal(target.received.length, 2);
    assert.ok(target.received.every((entry) => entry.signatureValid && entry.deliveryId === delivery.id));
    const gap = (target.received[1]?.at ?? 0) - (target.received[0]?.at ?? 0);
    assert.ok(gap >= 50, `waited ${gap} ms before the retry (base 100 ms, equal jitter: at least 50)`);
  });

  it('a receiver that hangs: the attempt times out (recorded), the retry succeeds', async () => {
    const target = await receiver((index, request, response) => {
      if (index > 0) answer(200)(index, request, response);
    });
    const { endpoint } = await register(target, ['interview.ended']);
    const delivery = await settled(endpoint.id, await ping(endpoint.id));
    assert.equal(delivery.status, 'succeeded');
    const [first, second] = delivery.attemptList;
    assert.equal(first?.statusCode, null);
    assert.match(first?.error ?? '', /timed out/);
    assert.ok((first?.durationMs ?? 0) >= 450 && (first?.durationMs ?? 0) < 2_000, `timed out after ${first?.durationMs} ms (500 ms)`);
    assert.equal(second?.statusCode, 200);
  });

  it('a receiver down for the whole test: retried with a growing backoff, then failed with every attempt recorded', async () => {
    const target = await receiver();
    const { endpoint } = await register(target, ['interview.ended']);
    await target.close();
    const delivery = await settled(endpoint.id, await ping(endpoint.id));
    assert.equal(delivery.status, 'failed');
    assert.ok(delivery.attempts >= 4, `${delivery.attempts} attempts in the 1.5 s window`);
    assert.equal(delivery.attemptList.length, delivery.attempts);
    for (const attempt of delivery.attemptList) assert.match(attempt.error ?? '', /ECONNREFUSED/);
    const starts = delivery.attemptList.map((attempt) => Date.parse(attempt.startedAt));
    // Equal jitter: the wait before attempt n+1 is at least half of min(base · 2^(n−1), max).
    starts.slice(1).forEach((start, index) => {
      const floor = Math.min(400, 100 * 2 ** index) / 2;
      assert.ok(start - (starts[index] ?? 0) >= floor - 5, `gap ${index + 1}: ${start - (starts[index] ?? 0)} ms ≥ ${floor} ms`);
    });
    assert.ok(Date.parse(delivery.attemptList.at(-1)?.startedAt ?? '') - Date.parse(delivery.createdAt) <= 1_500 + 100);
  });

  it('a receiver answering without end: the first 4 KiB kept, reading stopped, the process unharmed', async () => {
    let written = 0;
    let closed = false;
    const target = await receiver((_index, _request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(65_536, 'x');
      const pour = () => {
        while (!closed && written < 1 << 30) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pour);
        }
        response.end();
      };
      response.on('close', () => {
        closed = true;
      });
      pour();
    });
    const { endpoint } = await register(target, ['interview.ended']);
    const delivery = await settled(endpoint.id, await ping(endpoint.id));
    assert.equal(delivery.status, 'succeeded');
    const [attempt] = delivery.attemptList;
    assert.equal(attempt?.statusCode, 200);
    assert.equal(attempt?.responseBody?.length, 4096);
    assert.match(attempt?.error ?? '', /WEBHOOKS_RESPONSE_MAX_BYTES/);
    await waitFor(() => closed, { what: 'the receiver sees its connection closed' });
    assert.ok(written < 64 << 20, `the receiver wrote ${written} bytes before we hung up (not a gigabyte)`);
  });

  it('replay: a new delivery of the same event (same event id), signed anew; unknown ids named', async () => {
    const target = await receiver();
    const { endpoint } = await register(target, ['interview.ended']);
    const first = await settled(endpoint.id, await ping(endpoint.id));
    const replayed = await admin.fetch(`/api/webhooks/${endpoint.id}/deliveries/${first.id}/replay`, { method: 'POST' });
    assert.equal(replayed.status, 202);
    const { deliveryId } = (await replayed.json()) as { deliveryId: string };
    assert.notEqual(deliveryId, first.id);
    const second = await settled(endpoint.id, deliveryId);
    assert.equal(second.status, 'succeeded');
    assert.equal(second.eventId, first.eventId);
    assert.equal(second.payload, first.payload);
    assert.deepEqual(
      target.received.map((entry) => [entry.deliveryId, entry.eventId, entry.signatureValid]),
      [
        [first.id, first.eventId, true],
        [deliveryId, first.eventId, true],
      ],
    );
    const unknown = await admin.fetch(`/api/webhooks/${endpoint.id}/deliveries/whd_${'0'.repeat(32)}/replay`, { method: 'POST' });
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'WEBHOOK_DELIVERY_NOT_FOUND');
    const badId = await admin.fetch('/api/webhooks/nope/ping', { method: 'POST' });
    assert.equal(((await badId.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    const missing = await admin.fetch(`/api/webhooks/whe_${'0'.repeat(32)}/ping`, { method: 'POST' });
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'WEBHOOK_NOT_FOUND');
  });

  it('scorecard.submitted carries the scorecard, its author and recommendation (never a draft)', async () => {
    const target = await receiver();
    await register(target, ['scorecard.submitted']);
    const session = await createSession(backend, { name: 'Ivy', language: 'python', candidateName: 'Sam' });
    const scores = Object.fromEntries(DEFAULT_RUBRIC.criteria.map((criterion) => [criterion.id, { score: 3, notes: 'fine' }]));
    const path = `/api/interviews/${session.id}/scorecards/mine`;
    // A draft publishes nothing.
    assert.equal((await admin.fetch(path, { method: 'PUT', json: { scores, recommendation: 'yes', notes: 'draft' } })).status, 200);
    const submitted = await admin.fetch(`${path}/submit`, {
      method: 'POST',
      json: { scores, recommendation: 'strong_yes', notes: 'good' },
    });
    assert.equal(submitted.status, 200);
    const card = (await submitted.json()) as { id: string };
    await waitFor(() => target.received.length === 1, { what: 'scorecard.submitted delivered' });
    const [entry] = target.received;
    assert.equal(entry?.signatureValid, true);
    assert.equal(entry?.event, 'scorecard.submitted');
    assert.deepEqual(entry?.json.data.scorecard, {
      recommendation: 'strong_yes',
      version: 1,
      submittedAt: (entry?.json.data.scorecard as { submittedAt: string }).submittedAt,
      id: card.id,
      member: { id: admin.member.id, name: admin.member.name },
    });
    assert.equal((entry?.json.data.interview as { id: string }).id, session.id);
    assert.ok(!entry?.body.includes('good') && !entry?.body.includes('fine'), 'notes stay in PairPad (read them with the API)');
  });

  // Last: it prunes every settled delivery of this backend.
  it("an erased candidate's deliveries go with their interviews; settled deliveries past WEBHOOKS_KEEP_DAYS are pruned", async () => {
    const target = await receiver();
    const { endpoint } = await register(target, ['interview.created']);
    await createSession(backend, { name: 'Ivy', language: 'python', candidateName: 'Erin', candidateEmail: 'erin@example.com' });
    await waitFor(
      async () =>
        (await deliveries(endpoint.id)).some((entry) => entry.status === 'succeeded' && entry.payload.includes('erin@example.com')),
      {
        what: "Erin's interview.created delivered",
      },
    );
    const erased = await admin.fetch('/api/admin/erase-candidate', { method: 'POST', json: { email: 'erin@example.com' } });
    assert.equal(erased.status, 200);
    assert.deepEqual(await deliveries(endpoint.id), []);
    const rows = await backend.database.db.selectFrom('webhook_deliveries').select('payload').execute();
    assert.ok(!rows.some((row) => row.payload.includes('erin@example.com')), 'no delivery of any endpoint keeps her email');

    await settled(endpoint.id, await ping(endpoint.id));
    assert.equal(await backend.webhooks.dispatcher.prune(), 0, 'a fresh delivery is kept (30 days by default)');
    assert.ok((await backend.webhooks.repository.pruneSettled(Date.now() + 1)) >= 1);
    assert.deepEqual(await deliveries(endpoint.id), []);
  });
});
