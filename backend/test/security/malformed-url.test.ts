import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { REST_ROUTES, type ErrorBody } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { memberAgent, startTestBackend } from '../helpers/test-backend';

/** Escapes that decodeURIComponent refuses: a lone continuation byte, a truncated sequence, not hex. */
const MALFORMED = ['%ff', '%e2%82', '%zz'];

/** Every row of the REST table with a path parameter, each parameter replaced by `escape`. */
function malformedPaths(escape: string): Array<{ method: string; path: string }> {
  return REST_ROUTES.filter((route) => route.path.includes(':')).map((route) => ({
    method: route.method,
    path: route.path.replace(/:[A-Za-z]+/g, escape),
  }));
}

describe('a malformed percent-escape in a path', () => {
  let backend: BackendHandle;
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    await backend.close();
  });

  it('the table has routes with parameters to probe', () => {
    assert.ok(malformedPaths('%ff').length >= 10, 'the probe covers the routes with parameters');
    assert.ok(malformedPaths('%ff').some((probe) => probe.path === '/health/%ff'));
  });

  it('every route with a parameter answers 400 MALFORMED_URL, anonymous or signed in, and stays healthy', async () => {
    const agent = await memberAgent(backend);
    const sessionsBefore = await backend.sessions.store.count();
    for (const escape of MALFORMED) {
      for (const probe of malformedPaths(escape)) {
        for (const [who, send] of [
          ['anonymous', (path: string, init: RequestInit) => fetch(`${backend.url}${path}`, init)],
          ['member', (path: string, init: RequestInit) => agent.fetch(path, init)],
        ] as const) {
          const response = await send(probe.path, { method: probe.method });
          const label = `${who} ${probe.method} ${probe.path}`;
          const body = (await response.json()) as { error?: ErrorBody };
          assert.equal(response.status, 400, `${label} → ${response.status} ${JSON.stringify(body)}`);
          assert.equal(body.error?.code, 'MALFORMED_URL', label);
          assert.match(body.error.message, /percent-escape/, label);
        }
      }
    }
    assert.equal(await backend.sessions.store.count(), sessionsBefore, 'no session was created');
    assert.equal((await fetch(`${backend.url}/health`)).status, 200, 'still healthy');
  });

  it('a well-formed escape still reaches the route, which judges the decoded value', async () => {
    const response = await fetch(`${backend.url}/api/sessions/%41bc`);
    assert.equal(((await response.json()) as { error: ErrorBody }).error.code, 'INVALID_SESSION_ID');
  });
});
