import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { NotesChannel, type SocketYjsProvider } from '@pairpad/client';
import { AUTH_COOKIE_NAME, PROTOCOL_VERSION, SOCKET_PATH, type ErrorBody, type Welcome } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { connectClient, createSession, memberAgent, startTestBackend, waitSynced, type MemberAgent } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask, capturedClient, heardText } from '../interview/interview-helpers';

const NOTE = 'PRIVATE-NOTE-4e1d: strong on graphs';

async function errorOf(response: Response): Promise<{ status: number; code: string | undefined }> {
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorBody };
  return { status: response.status, code: body.error?.code };
}

/** A real provider carrying a member's cookie on its handshake, as a signed-in browser does. */
function memberClient(backend: { url: string }, agent: MemberAgent, sessionId: string, name: string): SocketYjsProvider {
  return connectClient(backend, {
    sessionId,
    name,
    socketOptions: {
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
      extraHeaders: { cookie: agent.cookie },
    },
  });
}

/** The welcome (or the connect_error's code) of a raw Socket.IO handshake. */
function handshake(
  url: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ welcome?: Welcome; error?: string }> {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    extraHeaders: headers,
  });
  return new Promise((resolve) => {
    socket.once('session:welcome', (welcome: Welcome) => {
      socket.disconnect();
      resolve({ welcome });
    });
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => {
      socket.disconnect();
      resolve({ error: error.data?.code ?? error.message });
    });
  });
}

describe('guards: what an anonymous caller, a candidate and a guest interviewer may do', () => {
  let backend: BackendHandle;
  let admin: MemberAgent;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    backend = await startTestBackend();
    admin = await memberAgent(backend);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
  });

  it('every member-only REST route refuses a caller without sign-in (a candidate has none) with SIGN_IN_REQUIRED', async () => {
    const session = await createSession(backend);
    const memberId = admin.member.id;
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/api/sessions', { language: 'python' }],
      ['GET', `/api/sessions/${session.id}/report`],
      ['GET', `/api/sessions/${session.id}/timeline`],
      ['POST', `/api/sessions/${session.id}/guest-link/revoke`],
      ['GET', '/api/questions'],
      ['GET', '/api/questions/two-sum'],
      ['GET', '/api/members'],
      ['POST', '/api/members/invites', { email: 'x@pairpad.test', role: 'admin' }],
      ['PATCH', `/api/members/${memberId}`, { role: 'interviewer' }],
      ['POST', `/api/members/${memberId}/reset-link`],
      ['GET', '/api/interviews?scope=team'],
      ['DELETE', `/api/interviews/${session.id}`],
      ['POST', '/api/admin/erase-candidate', { name: 'Cara' }],
    ];
    const sessionsBefore = await backend.sessions.store.count();
    for (const [method, path, body] of routes) {
      const response = await fetch(`${backend.url}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      assert.deepEqual(await errorOf(response), { status: 401, code: 'SIGN_IN_REQUIRED' }, `${method} ${path}`);
    }
    assert.equal(await backend.sessions.store.count(), sessionsBefore, 'no session was created');
    // What a candidate's page needs stays open: the session's public view.
    assert.equal((await fetch(`${backend.url}/api/sessions/${session.id}`)).status, 200);
  });

  it('a guest interviewer link reaches its own interview only, and lists nothing', async () => {
    const mine = await createSession(backend);
    const other = await createSession(backend);
    const bearer = { authorization: `Bearer ${mine.interviewerToken}` };
    assert.equal((await fetch(`${backend.url}/api/sessions/${mine.id}/report`, { headers: bearer })).status, 200);
    assert.deepEqual(await errorOf(await fetch(`${backend.url}/api/sessions/${other.id}/report`, { headers: bearer })), {
      status: 401,
      code: 'UNAUTHORIZED',
    });
    assert.deepEqual(await errorOf(await fetch(`${backend.url}/api/interviews?scope=team`, { headers: bearer })), {
      status: 401,
      code: 'SIGN_IN_REQUIRED',
    });
    assert.deepEqual(await errorOf(await fetch(`${backend.url}/api/members`, { headers: bearer })), {
      status: 401,
      code: 'SIGN_IN_REQUIRED',
    });
    assert.deepEqual(
      await errorOf(
        await fetch(`${backend.url}/api/sessions`, {
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/json' },
          body: '{}',
        }),
      ),
      {
        status: 401,
        code: 'SIGN_IN_REQUIRED',
      },
    );
    // The guest joins its own room as interviewer, and another room as a candidate at most.
    assert.equal(
      (await handshake(backend.url, { sessionId: mine.id, name: 'Gus', token: mine.interviewerToken })).welcome?.role,
      'interviewer',
    );
    assert.equal((await handshake(backend.url, { sessionId: other.id, name: 'Gus', token: mine.interviewerToken })).error, 'UNAUTHORIZED');
  });

  it('socket roles: a member cookie makes an interviewer, nothing makes a candidate; forged cookies and foreign origins count for nothing', async () => {
    const session = await createSession(backend);
    const roleOf = async (headers: Record<string, string>) =>
      (await handshake(backend.url, { sessionId: session.id, name: 'Someone' }, headers)).welcome?.role;
    assert.equal(await roleOf({ cookie: admin.cookie }), 'interviewer');
    assert.equal(await roleOf({ cookie: admin.cookie, origin: 'http://localhost:3000' }), 'interviewer');
    assert.equal(await roleOf({}), 'candidate');
    assert.equal(await roleOf({ cookie: `${AUTH_COOKIE_NAME}=${'B'.repeat(43)}` }), 'candidate');
    assert.equal(await roleOf({ cookie: admin.cookie, origin: 'https://evil.example' }), 'candidate', 'cross-site WebSocket hijacking');
    assert.equal(
      (await handshake(backend.url, { sessionId: randomUUID(), name: 'X' }, { cookie: admin.cookie })).error,
      'SESSION_NOT_FOUND',
    );
  });

  it('every interviewer-only socket event refuses a candidate with FORBIDDEN and changes nothing', async () => {
    const session = await createSession(backend);
    const candidate = connectClient(backend, { sessionId: session.id, name: 'Cara' });
    const interviewer = memberClient(backend, admin, session.id, 'Ivy');
    open.push(candidate, interviewer);
    await Promise.all([waitSynced(candidate), waitSynced(interviewer)]);
    assert.equal(candidate.role, 'candidate');
    assert.equal(interviewer.role, 'interviewer');
    const refused: Array<[Parameters<typeof ask>[1], unknown]> = [
      ['room:lock', { locked: true }],
      ['room:disable-run', { disabled: true }],
      ['room:end', {}],
      ['question:load', { questionId: 'two-sum' }],
      ['question:edit', { description: 'changed by the candidate' }],
    ];
    for (const [event, payload] of refused) {
      const answer = await ask(candidate, event, payload);
      assert.equal(answer.ok ? 'OK' : answer.error.code, 'FORBIDDEN', event);
    }
    const state = backend.rooms.get(session.id)?.interview.state.state();
    assert.deepEqual([state?.locked, state?.runDisabled, state?.ended], [false, false, false]);
    // The member interviewer may do the same.
    const locked = await ask(interviewer, 'room:lock', { locked: true });
    assert.equal(locked.ok, true);
  });

  it('a candidate hears no token, note, member email, cookie or CSRF token in any frame', async () => {
    const session = await createSession(backend, {
      name: 'Ivy',
      language: 'python',
      candidateName: 'Cara Candidate',
      candidateEmail: 'cara@candidates.test',
    });
    const { provider: candidate, heard } = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    const interviewer = memberClient(backend, admin, session.id, 'Ivy');
    const guest = connectClient(backend, { sessionId: session.id, name: 'Gus', token: session.interviewerToken });
    open.push(candidate, interviewer, guest);
    await Promise.all([waitSynced(candidate), waitSynced(interviewer), waitSynced(guest)]);
    const notes = new NotesChannel(interviewer);
    notes.text.insert(0, NOTE);
    await waitFor(() => backend.rooms.get(session.id)?.interview.notes.text === NOTE, { what: 'notes stored' });
    await interviewer.request('chat:send', { text: 'Welcome!' });
    interviewer.doc.getText('code').insert(0, '# hello\n');
    await waitFor(() => candidate.doc.getText('code').toString().startsWith('# hello'), { what: 'edit relayed to the candidate' });
    await waitFor(() => heard.chat.length > 0, { what: 'chat reached the candidate' });
    const publicView = await (await fetch(`${backend.url}/api/sessions/${session.id}`)).text();
    notes.destroy();

    const secrets = [
      session.interviewerToken,
      NOTE.slice(0, 20),
      admin.member.email,
      admin.cookie.split('=')[1] ?? '',
      admin.csrfToken,
      admin.member.id,
      'cara@candidates.test',
      'Cara Candidate',
    ];
    assert.ok(heard.raw.length > 5, 'the capture saw traffic');
    for (const secret of secrets) {
      assert.equal(heardText(heard, secret), false, `a candidate frame holds ${secret.slice(0, 12)}…`);
      assert.equal(publicView.includes(secret), false, `the public session view holds ${secret.slice(0, 12)}…`);
    }
  });

  it('a revoked guest link is refused over REST and the socket, and its open sockets are dropped', async () => {
    const session = await createSession(backend);
    const guest = connectClient(backend, { sessionId: session.id, name: 'Gus', token: session.interviewerToken });
    const member = memberClient(backend, admin, session.id, 'Ivy');
    open.push(guest, member);
    await Promise.all([waitSynced(guest), waitSynced(member)]);
    const errors: string[] = [];
    guest.on('error', (error) => errors.push(error.code));

    assert.equal((await admin.fetch(`/api/sessions/${session.id}/guest-link/revoke`, { method: 'POST' })).status, 204);
    await waitFor(() => guest.status !== 'connected' || errors.includes('GUEST_LINK_REVOKED'), { what: 'guest dropped' });
    assert.equal(
      (await handshake(backend.url, { sessionId: session.id, name: 'Gus', token: session.interviewerToken })).error,
      'GUEST_LINK_REVOKED',
    );
    assert.deepEqual(
      await errorOf(
        await fetch(`${backend.url}/api/sessions/${session.id}/report`, {
          headers: { authorization: `Bearer ${session.interviewerToken}` },
        }),
      ),
      {
        status: 403,
        code: 'GUEST_LINK_REVOKED',
      },
    );
    assert.equal(member.status, 'connected', 'members stay');
    assert.equal((await admin.fetch(`/api/sessions/${session.id}/report`)).status, 200, 'members still read the report');
  });

  it('a disabled member joins as a candidate at most, and a candidate link cannot create sessions', async () => {
    const invite = (await (
      await admin.fetch('/api/members/invites', { method: 'POST', json: { email: 'soon-gone@pairpad.test' } })
    ).json()) as { inviteUrl: string };
    const accepted = await fetch(`${backend.url}/api/auth/invites/${invite.inviteUrl.split('/invite/')[1]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Soon', password: 'soon-gone-password' }),
    });
    const cookie = accepted.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const { member } = (await accepted.json()) as { member: { id: string } };
    const session = await createSession(backend);
    assert.equal((await handshake(backend.url, { sessionId: session.id, name: 'Soon' }, { cookie })).welcome?.role, 'interviewer');
    const open = memberClient(backend, { cookie } as MemberAgent, session.id, 'Soon');
    await waitSynced(open);
    const errors: string[] = [];
    open.on('error', (error) => errors.push(error.code));
    await admin.fetch(`/api/members/${member.id}`, { method: 'PATCH', json: { disabled: true } });
    await waitFor(() => errors.includes('ACCOUNT_DISABLED'), { what: "the disabled member's open socket is told and dropped" });
    open.destroy();
    assert.equal((await handshake(backend.url, { sessionId: session.id, name: 'Soon' }, { cookie })).welcome?.role, 'candidate');
  });
});
