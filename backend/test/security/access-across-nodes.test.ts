import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { BackendHandle } from '../../src/server';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { connectClient, createSession, memberAgent, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/** A provider that rejoins at once, and the error codes it is told. */
function watchedClient(
  backend: { url: string },
  options: { sessionId: string; name: string; token?: string; cookie?: string },
): { provider: SocketYjsProvider; errors: string[] } {
  const provider = connectClient(backend, {
    sessionId: options.sessionId,
    name: options.name,
    ...(options.token ? { token: options.token } : {}),
    socketOptions: {
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
      ...(options.cookie ? { extraHeaders: { cookie: options.cookie } } : {}),
    },
  });
  const errors: string[] = [];
  provider.on('error', (error) => errors.push(error.code));
  return { provider, errors };
}

// Two backends on one PostgreSQL and one Redis: a grant withdrawn on node A drops the sockets it
// let in on node B at once (through the Socket.IO adapter), not only at their next handshake.
describe('access withdrawn on one node drops open sockets on the other', () => {
  let postgres: TestPostgresServer;
  let redis: TestRedisServer;
  let nodeA: BackendHandle;
  let nodeB: BackendHandle;
  const clients: SocketYjsProvider[] = [];

  before(async () => {
    [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
    const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `access-${process.pid}:` };
    nodeA = await startTestBackend(env);
    nodeB = await startTestBackend(env);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await nodeA?.close();
    await nodeB?.close();
    await redis?.stop();
    await postgres?.stop();
  });

  it('revoking the guest link on A drops the guest on B; a member on B stays', async () => {
    const session = await createSession(nodeA);
    const admin = await memberAgent(nodeB);
    const guest = watchedClient(nodeB, { sessionId: session.id, name: 'Gus', token: session.interviewerToken });
    const member = watchedClient(nodeB, { sessionId: session.id, name: 'Ivy', cookie: admin.cookie });
    clients.push(guest.provider, member.provider);
    await Promise.all([waitSynced(guest.provider), waitSynced(member.provider)]);
    assert.equal(guest.provider.role, 'interviewer');

    const adminOnA = await memberAgent(nodeA);
    assert.equal((await adminOnA.fetch(`/api/sessions/${session.id}/guest-link/revoke`, { method: 'POST' })).status, 204);
    await waitFor(() => guest.errors.includes('GUEST_LINK_REVOKED'), { what: 'the guest on node B is told its link was revoked' });
    await waitFor(() => guest.provider.role !== 'interviewer' || guest.provider.status !== 'connected', {
      what: 'the guest on node B is no longer an interviewer there',
    });
    assert.equal(member.provider.status, 'connected', 'the member on node B stays');
    assert.equal(member.errors.length, 0);
  });

  it("disabling a member on A drops that member's socket on B", async () => {
    const adminOnA = await memberAgent(nodeA);
    const invite = (await (
      await adminOnA.fetch('/api/members/invites', { method: 'POST', json: { email: 'across@pairpad.test' } })
    ).json()) as { inviteUrl: string };
    const accepted = await fetch(`${nodeB.url}/api/auth/invites/${invite.inviteUrl.split('/invite/')[1]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acro', password: 'across-nodes-password' }),
    });
    assert.equal(accepted.status, 201);
    const cookie = accepted.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const { member } = (await accepted.json()) as { member: { id: string } };
    const session = await createSession(nodeA);
    const open = watchedClient(nodeB, { sessionId: session.id, name: 'Acro', cookie });
    clients.push(open.provider);
    await waitSynced(open.provider);
    assert.equal(open.provider.role, 'interviewer');

    assert.equal((await adminOnA.fetch(`/api/members/${member.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
    await waitFor(() => open.errors.includes('ACCOUNT_DISABLED'), { what: "the disabled member's socket on node B is told and dropped" });
  });
});
