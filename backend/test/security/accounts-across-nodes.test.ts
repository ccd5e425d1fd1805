import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SOCKET_PATH, type AuthMeResponse, type Welcome } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { agentFromResponse } from '../helpers/member-agent';
import { signIn, startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

async function me(url: string, cookie: string): Promise<AuthMeResponse> {
  return (await (await fetch(`${url}/api/auth/me`, { headers: { cookie } })).json()) as AuthMeResponse;
}

function roleOnSocket(url: string, sessionId: string, cookie: string): Promise<string> {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { sessionId, name: 'Ivy', protocolVersion: PROTOCOL_VERSION },
    extraHeaders: { cookie },
  });
  return new Promise((resolve) => {
    socket.once('session:welcome', (welcome: Welcome) => {
      socket.disconnect();
      resolve(welcome.role);
    });
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => {
      socket.disconnect();
      resolve(error.data?.code ?? error.message);
    });
  });
}

describe('accounts across two backends on one PostgreSQL', () => {
  let server: TestPostgresServer;
  const backends: BackendHandle[] = [];
  const dirs: string[] = [];
  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    for (const backend of backends) await backend.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  });

  it('a sign-in on A is valid on B (REST and socket); signing out or disabling on one ends it on both', async () => {
    const databaseUrl = await server.createDatabase();
    // Both start at once on an empty database: one migrates, one creates the admin, neither fails.
    const [a, b] = await Promise.all([startTestBackend({ DATABASE_URL: databaseUrl }), startTestBackend({ DATABASE_URL: databaseUrl })]);
    backends.push(a!, b!);
    const nodeA = a!;
    const nodeB = b!;
    const admin = await signIn(nodeA);
    assert.equal((await me(nodeB.url, admin.cookie)).member?.email, admin.member.email);
    const created = await fetch(`${nodeB.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
      body: JSON.stringify({ language: 'python' }),
    });
    assert.equal(created.status, 201, 'the CSRF token from A is good on B');
    const session = (await created.json()) as { id: string };
    assert.equal(await roleOnSocket(nodeB.url, session.id, admin.cookie), 'interviewer');

    // An invited teammate on B, disabled by the admin on A: B refuses the teammate's cookie at once.
    const invite = (await (await admin.fetch('/api/members/invites', { method: 'POST', json: { email: 'ann@pairpad.test' } })).json()) as {
      inviteUrl: string;
    };
    const accepted = await fetch(`${nodeB.url}/api/auth/invites/${invite.inviteUrl.split('/invite/')[1]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann', password: 'ann-password-1' }),
    });
    const ann = await agentFromResponse(nodeB.url, accepted);
    assert.equal((await me(nodeA.url, ann.cookie)).member?.email, 'ann@pairpad.test');
    assert.equal((await admin.fetch(`/api/members/${ann.member.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
    assert.equal((await me(nodeB.url, ann.cookie)).member, null);

    assert.equal((await admin.fetch('/api/auth/sign-out', { method: 'POST' })).status, 204);
    assert.equal((await me(nodeB.url, admin.cookie)).member, null, 'signed out on A, refused on B');
    assert.equal(await roleOnSocket(nodeB.url, session.id, admin.cookie), 'candidate');
  });

  it('PostgreSQL down: a member already signed in keeps working; an unknown cookie is DATABASE_UNAVAILABLE, not anonymous', async () => {
    const databaseUrl = await server.createDatabase();
    const node = await startTestBackend({ DATABASE_URL: databaseUrl });
    backends.push(node);
    const admin = await signIn(node);
    const other = await signIn(node);
    assert.equal((await me(node.url, admin.cookie)).member?.email, admin.member.email);
    await server.crash(async () => {
      assert.equal((await me(node.url, admin.cookie)).member?.email, admin.member.email, 'the known session still counts');
      const created = await admin.fetch('/api/sessions', { method: 'POST', json: { language: 'python' } });
      assert.equal(created.status, 201, 'sessions are created during the outage');
      // Never seen by this node: it cannot be checked, and it is not silently anonymous.
      const unknown = await fetch(`${node.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `pairpad_session=${'C'.repeat(43)}` },
        body: '{}',
      });
      assert.equal(unknown.status, 503);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE');
    });
    await waitFor(async () => (await me(node.url, other.cookie)).member !== null, { what: 'the database back' });
  });

  it('nodes starting together without an admin share one setup code, accepted by any node', async () => {
    const databaseUrl = await server.createDatabase();
    const dataDirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'pairpad-node-')));
    dirs.push(...dataDirs);
    const nodes = await Promise.all(
      dataDirs.map((dir) => startTestBackend({ DATABASE_URL: databaseUrl, DATA_DIR: dir, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' })),
    );
    backends.push(...nodes);
    const files = dataDirs.map((dir) => join(dir, 'setup-code.txt')).filter((file) => existsSync(file));
    assert.equal(files.length, 1, 'one node issued the code; the other points to it');
    const code = readFileSync(files[0]!, 'utf8').trim();
    // Whichever node printed it, the other accepts it.
    const other = nodes[files[0]!.startsWith(dataDirs[0]!) ? 1 : 0]!;
    const response = await fetch(`${other.url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ setupCode: code, email: 'root@pairpad.test', name: 'Root', password: 'root-password-1' }),
    });
    assert.equal(response.status, 201);
    for (const node of nodes)
      assert.equal(((await (await fetch(`${node.url}/api/auth/me`)).json()) as AuthMeResponse).setupRequired, false);
  });
});
