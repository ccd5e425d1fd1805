import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import {
  AUTH_COOKIE_NAME,
  CSRF_HEADER,
  type AuthMeResponse,
  type ErrorBody,
  type InviteCreated,
  type MembersListResponse,
  type ResetLink,
} from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { listAudit } from '../../src/store';
import { agentFromResponse, authCookieOf, type MemberAgent } from '../helpers/member-agent';
import { memberAgent, signIn, startTestBackend, TEST_ADMIN } from '../helpers/test-backend';

async function errorOf(response: Response): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorBody };
  return { status: response.status, code: body.error?.code, message: body.error?.message };
}

function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function me(url: string, cookie?: string): Promise<AuthMeResponse> {
  return (await (await fetch(`${url}/api/auth/me`, { headers: cookie ? { cookie } : {} })).json()) as AuthMeResponse;
}

/** An invited teammate, signed in (invite created by `admin`, accepted over REST). */
async function invitedMember(
  admin: MemberAgent,
  email: string,
  role: 'admin' | 'interviewer' = 'interviewer',
  password = 'teammate-password',
): Promise<MemberAgent> {
  const invite = (await (await admin.fetch('/api/members/invites', { method: 'POST', json: { email, role } })).json()) as InviteCreated;
  const token = invite.inviteUrl.split('/invite/')[1] ?? '';
  const response = await post(admin.url, `/api/auth/invites/${token}`, { name: email.split('@')[0], password });
  assert.equal(response.status, 201);
  return agentFromResponse(admin.url, response);
}

describe('first run: the setup code', () => {
  let backend: BackendHandle;
  const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-setup-'));
  before(async () => {
    // No ADMIN_EMAIL: the server issues a one-time setup code.
    backend = await startTestBackend({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '', DATA_DIR: dataDir });
  });
  after(async () => {
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the code to DATA_DIR/setup-code.txt (0600); only that code creates the first admin, once', async () => {
    const file = join(dataDir, 'setup-code.txt');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const code = readFileSync(file, 'utf8').trim();
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual((await me(backend.url)).setupRequired, true);

    const body = { email: 'Root@Example.COM', name: 'Root', password: 'root-password-1' };
    const wrong = await errorOf(await post(backend.url, '/api/auth/setup', { ...body, setupCode: 'A'.repeat(43) }));
    assert.deepEqual([wrong.status, wrong.code], [403, 'SETUP_CODE_INVALID']);
    const created = await post(backend.url, '/api/auth/setup', { ...body, setupCode: code });
    assert.equal(created.status, 201);
    const admin = await agentFromResponse(backend.url, created);
    assert.deepEqual(admin.member.role, 'admin');
    assert.equal(admin.member.email, 'root@example.com', 'emails are stored lowercased');
    assert.equal(existsSync(file), false, 'the code file is removed once used');

    const again = await errorOf(await post(backend.url, '/api/auth/setup', { ...body, email: 'second@example.com', setupCode: code }));
    assert.deepEqual([again.status, again.code], [403, 'SETUP_CODE_INVALID']);
    const state = await me(backend.url, admin.cookie);
    assert.equal(state.setupRequired, false);
    assert.equal(state.member?.email, 'root@example.com');
    assert.equal(state.csrfToken, admin.csrfToken);
  });
});

describe('sign-in, cookies, CSRF, lockout', () => {
  let backend: BackendHandle;
  before(async () => {
    backend = await startTestBackend({ SIGN_IN_MAX_FAILURES: '3' });
  });
  after(() => backend.close());

  it('sets an httpOnly, SameSite=Lax cookie (Secure only behind TLS) and answers /me with the CSRF token', async () => {
    const response = await post(backend.url, '/api/auth/sign-in', TEST_ADMIN);
    assert.equal(response.status, 200);
    const header = response.headers.getSetCookie().find((line) => line.startsWith(`${AUTH_COOKIE_NAME}=`)) ?? '';
    assert.match(header, /HttpOnly/i);
    assert.match(header, /SameSite=Lax/i);
    assert.match(header, /Path=\//i);
    assert.doesNotMatch(header, /Secure/i, 'plain http in tests');
    const agent = await agentFromResponse(backend.url, response);
    assert.equal((await me(backend.url, agent.cookie)).member?.email, TEST_ADMIN.email);
    assert.equal(loadConfig({ PUBLIC_URL: 'https://pairpad.example.com' }).authCookieSecure, true);
    assert.equal(loadConfig({ CLIENT_URL: 'https://pairpad.example.com' }).authCookieSecure, true);
    assert.equal(loadConfig({ AUTH_COOKIE_SECURE: 'true' }).authCookieSecure, true);
    assert.equal(loadConfig({}).authCookieSecure, false);
    assert.equal(loadConfig({ AUTH_COOKIE_SAMESITE: 'none' }).authCookieSecure, true, 'SameSite=None needs Secure');
  });

  it('answers an unknown email and a wrong password alike with SIGN_IN_FAILED', async () => {
    const unknown = await errorOf(
      await post(backend.url, '/api/auth/sign-in', { email: 'nobody@pairpad.test', password: 'whatever-password' }),
    );
    const wrong = await errorOf(await post(backend.url, '/api/auth/sign-in', { email: TEST_ADMIN.email, password: 'wrong-password' }));
    assert.deepEqual(unknown, wrong);
    assert.deepEqual([wrong.status, wrong.code], [401, 'SIGN_IN_FAILED']);
    // The wrong password counted; a right one clears the count.
    await signIn(backend);
  });

  it('locks an account after SIGN_IN_MAX_FAILURES wrong passwords, even for the right password', async () => {
    const admin = await memberAgent(backend);
    const victim = await invitedMember(admin, 'locked@pairpad.test', 'interviewer', 'locked-password');
    const codes: string[] = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (await errorOf(await post(backend.url, '/api/auth/sign-in', { email: victim.member.email, password: `bad-${i}-password` }))).code ??
          '',
      );
    assert.deepEqual(codes, ['SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'ACCOUNT_LOCKED']);
    const locked = await errorOf(await post(backend.url, '/api/auth/sign-in', { email: victim.member.email, password: 'locked-password' }));
    assert.deepEqual([locked.status, locked.code], [429, 'ACCOUNT_LOCKED']);
    assert.match(locked.message ?? '', /try again in \d+ minute/);
    // Once the lock has passed (moved back here), the right password works again.
    await backend.database.db
      .updateTable('members')
      .set({ locked_until: Date.now() - 1 })
      .where('email', '=', victim.member.email)
      .execute();
    await signIn(backend, { email: victim.member.email, password: 'locked-password' });
  });

  it('refuses a cookie-authenticated write without the CSRF token, with a wrong one, or from a foreign origin', async () => {
    const agent = await memberAgent(backend);
    const send = (headers: Record<string, string>) =>
      fetch(`${backend.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: agent.cookie, ...headers },
        body: '{}',
      });
    const before = await backend.sessions.store.count();
    const attempts: Record<string, string>[] = [
      {},
      { [CSRF_HEADER]: 'x'.repeat(43) },
      { [CSRF_HEADER]: agent.csrfToken, origin: 'https://evil.example' },
    ];
    for (const headers of attempts) {
      const refused = await errorOf(await send(headers));
      assert.deepEqual([refused.status, refused.code], [403, 'CSRF_TOKEN_INVALID'], JSON.stringify(headers));
    }
    assert.equal(await backend.sessions.store.count(), before, 'nothing was created');
    assert.equal((await send({ [CSRF_HEADER]: agent.csrfToken, origin: 'http://localhost:3000' })).status, 201);
  });

  it('treats forged, signed-out (replayed) and expired cookies as no sign-in', async () => {
    const agent = await signIn(backend);
    const forged = `${AUTH_COOKIE_NAME}=${'A'.repeat(43)}`;
    const garbage = `${AUTH_COOKIE_NAME}=../../etc/passwd`;
    for (const cookie of [forged, garbage]) {
      const refused = await errorOf(
        await fetch(`${backend.url}/api/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, [CSRF_HEADER]: agent.csrfToken },
          body: '{}',
        }),
      );
      assert.deepEqual([refused.status, refused.code], [401, 'SIGN_IN_REQUIRED']);
    }
    const signOut = await agent.fetch('/api/auth/sign-out', { method: 'POST' });
    assert.equal(signOut.status, 204);
    assert.match(signOut.headers.getSetCookie().join(';'), /Max-Age=0/i, 'the cookie is cleared');
    const replayed = await errorOf(await agent.fetch('/api/sessions', { method: 'POST', json: {} }));
    assert.deepEqual([replayed.status, replayed.code], [401, 'SIGN_IN_REQUIRED']);
    assert.equal((await me(backend.url, agent.cookie)).member, null);

    const other = await signIn(backend);
    await backend.database.db
      .updateTable('auth_sessions')
      .set({ expires_at: Date.now() - 1 })
      .execute();
    assert.equal((await me(backend.url, other.cookie)).member, null, 'an expired session is refused');
  });

  it('only admins manage members; invites are single use and expire', async () => {
    const admin = await signIn(backend);
    const member = await invitedMember(admin, 'ivy@pairpad.test');
    for (const [method, path, json] of [
      ['GET', '/api/members', undefined],
      ['POST', '/api/members/invites', { email: 'x@pairpad.test', role: 'admin' }],
      ['PATCH', `/api/members/${admin.member.id}`, { disabled: true }],
      ['POST', `/api/members/${admin.member.id}/reset-link`, undefined],
    ] as const) {
      const refused = await errorOf(await member.fetch(path, { method, ...(json ? { json } : {}) }));
      assert.deepEqual([refused.status, refused.code], [403, 'FORBIDDEN'], `${method} ${path}`);
    }
    const invite = (await (
      await admin.fetch('/api/members/invites', { method: 'POST', json: { email: 'Jo@PairPad.test', role: 'interviewer' } })
    ).json()) as InviteCreated;
    assert.match(invite.inviteUrl, /^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = invite.inviteUrl.split('/invite/')[1] ?? '';
    assert.deepEqual(await (await fetch(`${backend.url}/api/auth/invites/${token}`)).json(), {
      email: 'jo@pairpad.test',
      role: 'interviewer',
    });
    assert.equal((await post(backend.url, `/api/auth/invites/${token}`, { name: 'Jo', password: 'jo-password-1' })).status, 201);
    for (const response of [
      await fetch(`${backend.url}/api/auth/invites/${token}`),
      await post(backend.url, `/api/auth/invites/${token}`, { name: 'Jo', password: 'jo-password-2' }),
    ]) {
      assert.deepEqual(Object.values(await errorOf(response)).slice(0, 2), [410, 'INVITE_INVALID'], 'a used invite');
    }
    const taken = await errorOf(await admin.fetch('/api/members/invites', { method: 'POST', json: { email: 'jo@pairpad.test' } }));
    assert.equal(taken.code, 'EMAIL_TAKEN');

    const expiring = (await (
      await admin.fetch('/api/members/invites', { method: 'POST', json: { email: 'late@pairpad.test' } })
    ).json()) as InviteCreated;
    await backend.database.db
      .updateTable('invites')
      .set({ expires_at: Date.now() - 1 })
      .where('email', '=', 'late@pairpad.test')
      .execute();
    const expired = await errorOf(
      await post(backend.url, `/api/auth/invites/${expiring.inviteUrl.split('/invite/')[1]}`, { name: 'Late', password: 'late-password' }),
    );
    assert.deepEqual([expired.status, expired.code], [410, 'INVITE_INVALID']);
    assert.deepEqual([(await errorOf(await fetch(`${backend.url}/api/auth/invites/not-a-token`))).code], ['INVITE_INVALID']);

    const list = (await (await admin.fetch('/api/members')).json()) as MembersListResponse;
    assert.ok(list.members.some((entry) => entry.email === 'jo@pairpad.test' && entry.role === 'interviewer' && entry.disabled === false));
    assert.ok(
      list.members.every((entry) => !('passwordHash' in entry) && !JSON.stringify(entry).includes('argon2')),
      'no hashes in the list',
    );
  });

  it('a reset link sets a new password once and signs the member out everywhere', async () => {
    const admin = await signIn(backend);
    const member = await invitedMember(admin, 'reset@pairpad.test', 'interviewer', 'old-password-1');
    const link = (await (await admin.fetch(`/api/members/${member.member.id}/reset-link`, { method: 'POST' })).json()) as ResetLink;
    const token = link.resetUrl.split('/reset/')[1] ?? '';
    assert.equal((await post(backend.url, `/api/auth/reset/${token}`, { password: 'new-password-1' })).status, 204);
    const reused = await errorOf(await post(backend.url, `/api/auth/reset/${token}`, { password: 'new-password-2' }));
    assert.deepEqual([reused.status, reused.code], [410, 'RESET_LINK_INVALID']);
    assert.equal((await me(backend.url, member.cookie)).member, null, 'the old browser session ended');
    assert.equal(
      (await errorOf(await post(backend.url, '/api/auth/sign-in', { email: 'reset@pairpad.test', password: 'old-password-1' }))).code,
      'SIGN_IN_FAILED',
    );
    await signIn(backend, { email: 'reset@pairpad.test', password: 'new-password-1' });
  });

  it('disabling a member ends their sessions and refuses their sign-in; the last admin stays', async () => {
    const admin = await signIn(backend);
    const member = await invitedMember(admin, 'gone@pairpad.test', 'interviewer', 'gone-password');
    assert.equal((await admin.fetch(`/api/members/${member.member.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
    const refused = await errorOf(await member.fetch('/api/sessions', { method: 'POST', json: {} }));
    assert.deepEqual([refused.status, refused.code], [401, 'SIGN_IN_REQUIRED']);
    const signInAgain = await errorOf(
      await post(backend.url, '/api/auth/sign-in', { email: 'gone@pairpad.test', password: 'gone-password' }),
    );
    assert.deepEqual([signInAgain.status, signInAgain.code], [403, 'ACCOUNT_DISABLED']);
    const lastAdmin = await errorOf(
      await admin.fetch(`/api/members/${admin.member.id}`, { method: 'PATCH', json: { role: 'interviewer' } }),
    );
    assert.deepEqual([lastAdmin.status, lastAdmin.code], [409, 'LAST_ADMIN']);
    const actions = new Set((await listAudit(backend.database.db, { limit: 500 })).map((entry) => entry.action));
    for (const action of [
      'member.setup',
      'member.invite',
      'member.join',
      'member.update',
      'member.reset-link',
      'member.password-reset',
      'member.locked',
    ]) {
      assert.ok(actions.has(action), `audited: ${action}`);
    }
  });
});

describe('sign-in rate limit', () => {
  it('answers RATE_LIMITED past SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP from one address', async () => {
    const backend = await startTestBackend({ SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: '3' });
    try {
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await errorOf(await post(backend.url, '/api/auth/sign-in', { email: 'who@pairpad.test', password: 'guess-password' }))).code ??
            '',
        );
      assert.deepEqual(statuses, ['SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_FAILED', 'RATE_LIMITED', 'RATE_LIMITED']);
      assert.equal(authCookieOf(await post(backend.url, '/api/auth/sign-in', TEST_ADMIN)), undefined, 'no cookie while limited');
    } finally {
      await backend.close();
    }
  });
});
