/**
 * OpenID Connect sign-in end to end: a real backend (port 0 … or a port picked free, since the
 * provider must know the callback first), a real provider (oidc-provider), a browserless user
 * agent with a cookie jar, and a real Socket.IO client joining a room with the cookie.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_COOKIE_NAME, CSRF_HEADER } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { connectClient, createSession, signIn, startTestBackend, waitSynced } from '../helpers/test-backend';
import { browse, CookieJar, startTestProvider, type TestProvider } from '../helpers/oidc-provider';
import { waitFor } from '../helpers/wait-for';
import { FRONTEND, freePort, me, oidcEnv, signInError, startAndSignIn } from './oidc-browser';

describe('OIDC sign-in through the backend', () => {
  let provider: TestProvider;
  let backend: BackendHandle;
  // Shared with a second node in the replay case, as nodes share one database.
  const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-oidc-'));

  before(async () => {
    const port = await freePort();
    provider = await startTestProvider([`http://127.0.0.1:${port}/api/auth/oidc/callback`]);
    backend = await startTestBackend(oidcEnv(provider.issuer, { PORT: String(port), DATA_DIR: dataDir }));
  });
  after(async () => {
    await backend?.close();
    await provider?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs a newcomer on an allowed domain and group in: cookie set, /api/auth/me shows them, their socket joins as interviewer, sign-out ends it', async () => {
    const jar = new CookieJar();
    assert.deepEqual((await me(backend, jar)).oidc, { enabled: true, label: 'Test IdP' });
    const callback = await startAndSignIn(backend, jar, 'alice', '/dashboard?tab=mine');
    const landed = await browse(jar, callback);
    assert.equal(landed.status, 302);
    assert.equal(landed.headers.get('location'), `${FRONTEND}/dashboard?tab=mine`);
    assert.ok(jar.get(AUTH_COOKIE_NAME), 'the auth cookie is set');
    assert.equal(jar.get('pairpad_oidc'), undefined, 'the transaction cookie is spent');

    const signedIn = await me(backend, jar);
    assert.equal(signedIn.member?.email, 'alice@example.com');
    assert.equal(signedIn.member?.role, 'interviewer');
    assert.ok(signedIn.csrfToken);

    const session = await createSession(backend);
    const cookie = `${AUTH_COOKIE_NAME}=${jar.get(AUTH_COOKIE_NAME)}`;
    const socketOptions = {
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
      extraHeaders: { cookie, origin: FRONTEND },
    };
    const member = connectClient(backend, { sessionId: session.id, name: 'Alice', socketOptions });
    try {
      await waitSynced(member);
      assert.equal(member.role, 'interviewer');
    } finally {
      member.destroy();
    }

    const signOut = await browse(jar, `${backend.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: signedIn.csrfToken!, origin: FRONTEND },
    });
    assert.equal(signOut.status, 204);
    const stale = new CookieJar();
    stale.set(AUTH_COOKIE_NAME, cookie.split('=')[1]!);
    assert.equal((await me(backend, stale)).member, null, 'the old cookie no longer signs anyone in');
    const afterSignOut = connectClient(backend, { sessionId: session.id, name: 'Alice', socketOptions });
    try {
      await waitSynced(afterSignOut);
      assert.equal(afterSignOut.role, 'candidate');
    } finally {
      afterSignOut.destroy();
    }
  });

  it('a callback with a wrong state is sent to /sign-in?error=OIDC_STATE_MISMATCH and signs nobody in', async () => {
    const jar = new CookieJar();
    const callback = new URL(await startAndSignIn(backend, jar, 'alice'));
    callback.searchParams.set('state', 'forged-state');
    assert.equal(signInError(await browse(jar, callback.href)), 'OIDC_STATE_MISMATCH');
    assert.equal(jar.get(AUTH_COOKIE_NAME), undefined);
    assert.equal((await me(backend, jar)).member, null);
  });

  it('an email on a domain that is not allowed gets OIDC_NOT_ALLOWED; so does an allowed domain outside the allowed groups', async () => {
    for (const account of ['bob', 'carol'] as const) {
      const jar = new CookieJar();
      assert.equal(signInError(await browse(jar, await startAndSignIn(backend, jar, account))), 'OIDC_NOT_ALLOWED', account);
      assert.equal(jar.get(AUTH_COOKIE_NAME), undefined, account);
    }
    const members = (await (await (await signIn(backend)).fetch('/api/members')).json()) as { members: Array<{ email: string }> };
    assert.deepEqual(
      members.members
        .map((m) => m.email)
        .filter((email) => email !== 'alice@example.com')
        .sort(),
      ['admin@pairpad.test'],
      'no member was created for them',
    );
  });

  it('a replayed callback signs nobody in: OIDC_STATE_MISMATCH on this node (spent transaction), OIDC_CODE_INVALID on another (spent code)', async () => {
    const jar = new CookieJar();
    // An unsafe returnTo becomes /dashboard.
    const callback = await startAndSignIn(backend, jar, 'alice', '//evil.example/steal');
    const transaction = jar.get('pairpad_oidc')!;
    const first = await browse(jar, callback);
    assert.equal(first.headers.get('location'), `${FRONTEND}/dashboard`);

    const replayHere = new CookieJar();
    replayHere.set('pairpad_oidc', transaction);
    assert.equal(signInError(await browse(replayHere, callback)), 'OIDC_STATE_MISMATCH');
    assert.equal(replayHere.get(AUTH_COOKIE_NAME), undefined);

    // A second node on the same database opens the cookie (the sealing key is shared there)
    // but has not seen this transaction: the provider is asked, and refuses the spent code.
    const otherNode = await startTestBackend(oidcEnv(provider.issuer, { DATA_DIR: dataDir }));
    try {
      const replayThere = new CookieJar();
      replayThere.set('pairpad_oidc', transaction);
      const url = new URL(callback);
      assert.equal(signInError(await browse(replayThere, `${otherNode.url}${url.pathname}${url.search}`)), 'OIDC_CODE_INVALID');
      assert.equal(replayThere.get(AUTH_COOKIE_NAME), undefined);
    } finally {
      await otherNode.close();
    }
  });
});

describe('OIDC without allowed domains or groups (invite-only)', () => {
  let provider: TestProvider;
  let backend: BackendHandle;

  before(async () => {
    const port = await freePort();
    provider = await startTestProvider([`http://127.0.0.1:${port}/api/auth/oidc/callback`]);
    backend = await startTestBackend(oidcEnv(provider.issuer, { PORT: String(port), OIDC_ALLOWED_DOMAINS: '', OIDC_ALLOWED_GROUPS: '' }));
  });
  after(async () => {
    await backend?.close();
    await provider?.close();
  });

  it('a stranger is refused until an admin invites their email; the invite then gives its role and is spent', async () => {
    const stranger = new CookieJar();
    assert.equal(signInError(await browse(stranger, await startAndSignIn(backend, stranger, 'bob'))), 'OIDC_NOT_ALLOWED');
    const admin = await signIn(backend);
    const invite = await admin.fetch('/api/members/invites', {
      method: 'POST',
      json: { email: 'bob@elsewhere.test', role: 'interviewer' },
    });
    assert.equal(invite.status, 201);
    const { inviteUrl } = (await invite.json()) as { inviteUrl: string };

    const invited = new CookieJar();
    const landed = await browse(invited, await startAndSignIn(backend, invited, 'bob'));
    assert.equal(landed.headers.get('location'), `${FRONTEND}/dashboard`);
    const bob = (await me(backend, invited)).member;
    assert.deepEqual([bob?.email, bob?.role, bob?.name], ['bob@elsewhere.test', 'interviewer', 'Bob Outsider']);
    const token = inviteUrl.split('/').pop()!;
    assert.equal((await fetch(`${backend.url}/api/auth/invites/${token}`)).status, 410, 'the invite is spent');
  });

  it('a member with a password who signs in at the provider with the same email is linked, and keeps their role', async () => {
    const jar = new CookieJar();
    await browse(jar, await startAndSignIn(backend, jar, 'erin'));
    const linked = (await me(backend, jar)).member;
    assert.deepEqual([linked?.email, linked?.role], ['admin@pairpad.test', 'admin']);
    assert.equal(linked?.id, (await signIn(backend)).member.id, 'the same member, whose password still works');
  });
});

describe('OIDC with its provider down', () => {
  it('the backend still starts, local sign-in works, /api/auth/me offers OIDC, and start answers OIDC_UNAVAILABLE until the provider is back', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const backendPort = await freePort();
    const startedAt = Date.now();
    const backend = await startTestBackend(oidcEnv(issuer, { PORT: String(backendPort) }));
    let provider: TestProvider | undefined;
    try {
      assert.ok(Date.now() - startedAt < 5_000, 'start-up did not wait on the provider');
      const admin = await signIn(backend);
      assert.equal(admin.member.role, 'admin');
      const jar = new CookieJar();
      assert.deepEqual((await me(backend, jar)).oidc, { enabled: true, label: 'Test IdP' });
      assert.equal(signInError(await browse(jar, `${backend.url}/api/auth/oidc/start`)), 'OIDC_UNAVAILABLE');
      assert.equal(jar.get('pairpad_oidc'), undefined);

      // Once the provider answers, a later sign-in finds it (discovery is retried after a pause).
      provider = await startTestProvider([`${backend.url}/api/auth/oidc/callback`], port);
      await waitFor(
        async () => (await browse(new CookieJar(), `${backend.url}/api/auth/oidc/start`)).headers.get('location')?.startsWith(issuer),
        {
          timeoutMs: 8_000,
          intervalMs: 250,
          what: 'start to redirect to the provider',
        },
      );
    } finally {
      await backend.close();
      await provider?.close();
    }
  });
});

describe('OIDC sign-in attempts', () => {
  it('past SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP an address is sent back with RATE_LIMITED', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const backend = await startTestBackend(oidcEnv(issuer, { SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: '2' }));
    try {
      const jar = new CookieJar();
      assert.equal(signInError(await browse(jar, `${backend.url}/api/auth/oidc/start`)), 'OIDC_UNAVAILABLE');
      assert.equal(signInError(await browse(jar, `${backend.url}/api/auth/oidc/callback?code=x&state=y`)), 'OIDC_STATE_MISMATCH');
      assert.equal(signInError(await browse(jar, `${backend.url}/api/auth/oidc/start`)), 'RATE_LIMITED');
    } finally {
      await backend.close();
    }
  });
});
