/**
 * The REST routes' per-minute limits hold for the cluster, not per node: two real backend
 * processes on one real redis-server count a client's sign-in attempts together (without the
 * shared counters, each node would allow the limit on its own and the 5th attempt below would
 * pass on B).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { TEST_ADMIN } from '../helpers/member-agent';
import { startNode, type BackendNode } from './cluster-harness';

const LIMIT = 4;

async function wrongSignIn(node: BackendNode): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${node.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: TEST_ADMIN.email, password: 'not the password' }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

describe('REST rate limits across two backend processes sharing Redis', () => {
  let redis: TestRedisServer;
  let nodeA: BackendNode;
  let nodeB: BackendNode;

  before(async () => {
    redis = await startRedisServer();
    // Lockout per account is far above the limit, so only the address limit refuses.
    const env = { REDIS_URL: redis.url, SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: String(LIMIT) };
    [nodeA, nodeB] = await Promise.all([startNode('A', env), startNode('B', env)]);
  });
  after(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
  });

  it('sign-in attempts from one address count on both nodes together', async () => {
    const answers = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB]) answers.push(await wrongSignIn(node));
    assert.ok(
      answers.every((answer) => answer.status === 401),
      `the first ${LIMIT} are judged on their password: ${JSON.stringify(answers)}`,
    );
    for (const node of [nodeA, nodeB]) assert.deepEqual(await wrongSignIn(node), { status: 429, code: 'RATE_LIMITED' });
  });
});
