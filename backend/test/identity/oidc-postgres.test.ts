/** OIDC sign-in with two backend nodes on one real PostgreSQL (the helper fails when it is not installed). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendHandle } from '../../src/server';
import { startTestBackend } from '../helpers/test-backend';
import { browse, CookieJar, startTestProvider, type TestProvider } from '../helpers/oidc-provider';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { FRONTEND, freePort, me, oidcEnv, startAndSignIn } from './oidc-browser';

describe('OIDC across two nodes on one PostgreSQL', () => {
  let postgres: TestPostgresServer;
  let provider: TestProvider;
  const nodes: BackendHandle[] = [];

  before(async () => {
    postgres = await startPostgresServer();
    const databaseUrl = await postgres.createDatabase();
    const ports = [await freePort(), await freePort()];
    provider = await startTestProvider(ports.map((port) => `http://127.0.0.1:${port}/api/auth/oidc/callback`));
    for (const port of ports)
      nodes.push(await startTestBackend(oidcEnv(provider.issuer, { PORT: String(port), DATABASE_URL: databaseUrl })));
  });
  after(async () => {
    for (const node of nodes) await node.close();
    await provider?.close();
    await postgres?.stop();
  });

  it('a sign-in started on node A completes on node B (behind a load balancer), and the session is valid on both', async () => {
    const [a, b] = nodes as [BackendHandle, BackendHandle];
    const jar = new CookieJar();
    const callback = new URL(await startAndSignIn(a, jar, 'alice'));
    const landed = await browse(jar, `${b.url}${callback.pathname}${callback.search}`);
    assert.equal(landed.headers.get('location'), `${FRONTEND}/dashboard`);
    for (const node of nodes) assert.equal((await me(node, jar)).member?.email, 'alice@example.com');
  });
});
