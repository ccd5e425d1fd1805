import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { BackendHandle } from '../../src/server';
import { ERROR_CODES, type ErrorBody } from '@pairpad/protocol';
import { codeOf, connectClient, createSession, memberAgent, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

const XSS = '<img src=x onerror=alert(1)><script>alert(1)</script>';
const POLLUTION = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"language":"python"}';
const HUGE = 'x'.repeat(300 * 1024);

interface Probe {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  contentType?: string;
}

/**
 * Every REST route gets wrong types, missing fields, huge bodies, prototype-pollution keys and XSS
 * strings. Each answer must be a 4xx with a named error code — never a 5xx — and nothing may change.
 */
function probes(sessionId: string): Probe[] {
  const json = (body: unknown): string => JSON.stringify(body);
  return [
    { method: 'POST', path: '/api/sessions', body: json({ language: 42 }) },
    { method: 'POST', path: '/api/sessions', body: json({ language: 'cobol' }) },
    { method: 'POST', path: '/api/sessions', body: json({ name: XSS.repeat(3) }) },
    { method: 'POST', path: '/api/sessions', body: json({ name: 'ok', extra: true }) },
    { method: 'POST', path: '/api/sessions', body: POLLUTION },
    { method: 'POST', path: '/api/sessions', body: json([1, 2, 3]) },
    { method: 'POST', path: '/api/sessions', body: '"just a string"' },
    { method: 'POST', path: '/api/sessions', body: '{not json' },
    { method: 'POST', path: '/api/sessions', body: json({ title: HUGE }) },
    { method: 'POST', path: '/api/sessions', body: 'language=python', contentType: 'application/x-www-form-urlencoded' },
    { method: 'GET', path: '/api/sessions/not-a-uuid' },
    { method: 'GET', path: `/api/sessions/${encodeURIComponent(XSS)}` },
    { method: 'GET', path: '/api/sessions/..%2F..%2Fetc%2Fpasswd' },
    { method: 'GET', path: `/api/sessions/${randomUUID()}` },
    { method: 'POST', path: '/api/execute', body: json({}) },
    { method: 'POST', path: '/api/execute', body: json({ sessionId: 'nope' }) },
    { method: 'POST', path: '/api/execute', body: json({ sessionId, code: 42 }) },
    { method: 'POST', path: '/api/execute', body: json({ sessionId, language: { $gt: '' } }) },
    { method: 'POST', path: '/api/execute', body: json({ sessionId, code: HUGE }) },
    { method: 'POST', path: '/api/execute', body: json({ sessionId: randomUUID() }) },
    { method: 'POST', path: '/api/execute', body: `{"sessionId":"${sessionId}","__proto__":{"admin":true}}` },
    { method: 'GET', path: '/api/execute/status/not-a-job' },
    { method: 'GET', path: `/api/execute/status/${randomUUID()}` },
    { method: 'GET', path: '/api/nothing-here' },
    { method: 'POST', path: '/health', body: json({}) },
  ];
}

describe('hostile input at every REST route and socket event', () => {
  let backend: BackendHandle;
  let sessionId: string;
  const sockets: Socket[] = [];
  before(async () => {
    backend = await startTestBackend({ SOCKET_EVENTS_PER_SECOND: '50', SOCKET_EVENT_BURST: '100', SESSIONS_PER_MINUTE_PER_IP: '1000' });
    sessionId = (await createSession(backend)).id;
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await backend.close();
  });

  it('REST: every probe gets a 4xx with a named error code, and no state changes', async () => {
    const sessionsBefore = await backend.sessions.store.count();
    const statsBefore = JSON.stringify(backend.execution.stats().workerPool);
    // Each probe twice: anonymously (refused before parsing, or parsed) and as a signed-in member
    // with the CSRF token (so the bodies reach the parsers behind the sign-in guard).
    const agent = await memberAgent(backend);
    const callers = [
      { who: 'anonymous', send: (path: string, init: RequestInit) => fetch(`${backend.url}${path}`, init) },
      { who: 'member', send: (path: string, init: RequestInit) => agent.fetch(path, init) },
    ];
    for (const [probe, caller] of probes(sessionId).flatMap((probe) => callers.map((caller) => [probe, caller] as const))) {
      const response = await caller.send(probe.path, {
        method: probe.method,
        ...(probe.body !== undefined ? { body: probe.body, headers: { 'content-type': probe.contentType ?? 'application/json' } } : {}),
      });
      const label = `${caller.who} ${probe.method} ${probe.path.slice(0, 60)} ${probe.body?.slice(0, 60) ?? ''}`;
      assert.ok(response.status >= 400 && response.status < 500, `${label} → ${response.status}`);
      const body = (await response.json()) as { error?: ErrorBody };
      assert.ok(body.error && ERROR_CODES.includes(body.error.code), `${label} → named error, got ${JSON.stringify(body)}`);
      assert.ok(body.error.message.length > 0 && !/at .+\.ts:\d+/.test(body.error.message), `${label}: readable message without stack`);
    }
    assert.equal(await backend.sessions.store.count(), sessionsBefore, 'no session was created');
    assert.equal(JSON.stringify(backend.execution.stats().workerPool), statsBefore, 'no job was queued');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype not polluted');
    assert.equal((await fetch(`${backend.url}/health`)).status, 200, 'still healthy');
  });

  it('REST: a flood of session creations is cut off with RATE_LIMITED, not a 5xx', async () => {
    const flooded = await startTestBackend({ SESSIONS_PER_MINUTE_PER_IP: '5' });
    try {
      const statuses: number[] = [];
      const agent = await memberAgent(flooded);
      for (let i = 0; i < 12; i++) {
        const response = await agent.fetch('/api/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        statuses.push(response.status);
        if (response.status === 429) assert.equal(((await response.json()) as { error: ErrorBody }).error.code, 'RATE_LIMITED');
        else await response.body?.cancel();
      }
      assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201]);
      assert.ok(
        statuses.slice(5).every((status) => status === 429),
        statuses.join(','),
      );
      assert.equal(await flooded.sessions.store.count(), 5);
    } finally {
      await flooded.close();
    }
  });

  it('socket: hostile payloads on every event are refused by name and change nothing', async () => {
    const witness = connectClient(backend, { sessionId, name: 'Witness' });
    await waitSynced(witness);
    const before = codeOf(witness);
    const socket = io(backend.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { sessionId, name: XSS.slice(0, 40) },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('session:welcome', () => resolve()));
    const acked = async (event: string, payload: unknown): Promise<ErrorBody | undefined> => {
      const answer = (await socket.timeout(3_000).emitWithAck(event, payload)) as { ok: boolean; error?: ErrorBody };
      assert.equal(answer.ok, false, `${event} ${JSON.stringify(payload)?.slice(0, 80)} was accepted`);
      return answer.error;
    };
    const hostile: unknown[] = [
      null,
      42,
      'rust',
      [],
      { language: 'rust', extra: 1 },
      JSON.parse(POLLUTION),
      { language: XSS },
      { code: 42 },
      { code: HUGE },
    ];
    for (const payload of hostile) {
      const error = await acked('room:set-language', payload);
      assert.ok(error && ERROR_CODES.includes(error.code));
    }
    for (const payload of [
      null,
      42,
      [],
      { language: 42 },
      { code: 42 },
      { code: HUGE, language: 'python' },
      { stdin: HUGE, language: 'python' },
      JSON.parse(POLLUTION),
      { sessionId },
    ]) {
      const error = await acked('run:start', payload);
      assert.ok(error && ERROR_CODES.includes(error.code), JSON.stringify(error));
    }
    const unknown = await acked('admin:delete-everything', { all: true });
    assert.equal(unknown?.code, 'UNKNOWN_EVENT');
    assert.equal(codeOf(witness), before);
    assert.equal(witness.doc.getMap('meta').get('language'), 'python');
    assert.equal(
      backend.execution.stats().workerPool.queuedTasks + backend.execution.stats().workerPool.activeWorkers,
      0,
      'no run was queued',
    );
    witness.destroy();
  });

  it('socket: a flood from one socket is cut off with RATE_LIMITED and the server stays responsive', async () => {
    const socket = io(backend.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { sessionId, name: 'Flooder' },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('session:welcome', () => resolve()));
    const errors: string[] = [];
    socket.on('room:error', (error: ErrorBody) => errors.push(error.code));
    const started = Date.now();
    const answers = (await Promise.all(
      Array.from({ length: 600 }, () => socket.timeout(5_000).emitWithAck('room:set-language', { language: 'python' })),
    )) as Array<{ ok: boolean; error?: ErrorBody }>;
    const elapsedSeconds = (Date.now() - started) / 1000;
    const accepted = answers.filter((answer) => answer.ok).length;
    const limited = answers.filter((answer) => answer.error?.code === 'RATE_LIMITED').length;
    assert.equal(accepted + limited, 600, 'every event was answered');
    // Burst 100 plus 50 per second of flood: the rest must have been refused.
    assert.ok(accepted <= 100 + Math.ceil(50 * elapsedSeconds) + 1, `accepted ${accepted} in ${elapsedSeconds}s`);
    assert.ok(limited > 0);
    // Unacknowledged events over the budget are reported on room:error.
    for (let i = 0; i < 400; i++) socket.emit('room:set-language', { language: 'python' });
    await waitFor(() => errors.includes('RATE_LIMITED'), { what: 'rate limit notice' });
    assert.equal((await fetch(`${backend.url}/health`)).status, 200);
    // Another participant is unaffected.
    const other = connectClient(backend, { sessionId, name: 'Other' });
    await waitSynced(other);
    assert.deepEqual(await other.setLanguage('python'), { ok: true });
    other.destroy();
  });
});
