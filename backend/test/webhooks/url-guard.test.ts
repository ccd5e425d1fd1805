/**
 * The SSRF guard at send time, with the DNS answer under the test's control (the edge of the
 * world): a name that resolved to a public address at registration and to loopback at send time
 * (DNS rebinding) is refused, and the connection goes to the address that was checked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging/logger';
import { createDatabase, InterviewRepository, migrateToLatest, type DatabaseHandle } from '../../src/store';
import { Webhooks, type DeliverySettings } from '../../src/webhooks';
import { waitFor } from '../helpers/wait-for';
import { startReceiver, type Receiver } from './receiver';

const SETTINGS: DeliverySettings = {
  timeoutMs: 1_000,
  maxResponseBytes: 4096,
  retryBaseMs: 100_000,
  retryMaxMs: 100_000,
  retryForMs: 1_000_000,
  concurrency: 4,
  pollIntervalMs: 50,
  leaseMs: 5_000,
  allowPrivateUrls: false,
  keepMs: 30 * 86_400_000,
};

describe('webhook URL guard at send time', () => {
  let dir: string;
  let database: DatabaseHandle;
  let target: Receiver;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pairpad-webhooks-'));
    database = await createDatabase({ dataDir: dir });
    await migrateToLatest(database);
    await database.db
      .insertInto('members')
      .values({
        id: 'admin',
        email: 'admin@pairpad.test',
        name: 'Admin',
        role: 'admin',
        password_hash: null,
        oidc_issuer: null,
        oidc_subject: null,
        locked_until: null,
        created_at: 0,
      })
      .execute();
    target = await startReceiver();
  });
  after(async () => {
    await target.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function webhooks(resolve: (host: string) => Promise<Array<{ address: string; family: number }>>, settings = SETTINGS): Webhooks {
    return new Webhooks({
      db: database.db,
      engine: database.engine,
      interviews: new InterviewRepository(database.db, database.engine),
      publicUrl: 'http://pairpad.test',
      logger: createLogger({ level: 'error', format: 'pretty', silent: true }),
      userAgent: 'test',
      node: 'guard-test',
      resolve,
      settings,
    });
  }

  it('a name that turned private after registration (rebinding) is refused at send time; nothing reaches it', async () => {
    let answer = '93.184.216.34';
    const service = webhooks(async () => [{ address: answer, family: 4 }]);
    const { endpoint } = await service.createEndpoint(
      {
        url: `http://hooks.example.test:${target.port}/hook`,
        description: '',
        events: ['interview.ended'],
        enabled: true,
        allowPrivate: false,
      },
      'admin',
    );
    answer = '127.0.0.1';
    const id = await service.ping(endpoint.id);
    service.start();
    try {
      const delivery = await waitFor(
        async () =>
          (await service.listDeliveries(endpoint.id, { limit: 5 })).deliveries.find(
            (entry) => entry.id === id && entry.attemptList[0]?.finishedAt,
          ),
        { what: 'the attempt' },
      );
      assert.ok(delivery);
      assert.equal(delivery.attemptList[0]?.statusCode, null);
      assert.match(delivery.attemptList[0]?.error ?? '', /WEBHOOK_URL_FORBIDDEN/);
      assert.equal(delivery.status, 'pending', 'retried later: the name may turn public again');
      assert.equal(target.received.length, 0);
    } finally {
      await service.close();
    }
  });

  it('the connection goes to the checked address, whatever the name resolves to afterwards', async () => {
    // Registration and send both see loopback (allowed here): the send connects to that answer.
    let lookups = 0;
    const service = webhooks(
      async () => {
        lookups += 1;
        return [{ address: '127.0.0.1', family: 4 }];
      },
      { ...SETTINGS, allowPrivateUrls: true },
    );
    const { endpoint, secret } = await service.createEndpoint(
      {
        url: `http://receiver.example.test:${target.port}/hook`,
        description: '',
        events: ['interview.ended'],
        enabled: true,
        allowPrivate: true,
      },
      'admin',
    );
    target.setSecret(secret);
    const id = await service.ping(endpoint.id);
    service.start();
    try {
      await waitFor(() => target.received.some((entry) => entry.deliveryId === id), { what: 'the ping received' });
      assert.equal(target.received.find((entry) => entry.deliveryId === id)?.signatureValid, true);
      assert.equal(lookups, 2, 'resolved at registration and once at send time (the system resolver never asked)');
    } finally {
      await service.close();
    }
  });

  it('allowPrivate without WEBHOOKS_ALLOW_PRIVATE_URLS is refused at registration', async () => {
    const service = webhooks(async () => [{ address: '127.0.0.1', family: 4 }]);
    await assert.rejects(
      service.createEndpoint({ url: target.url, description: '', events: ['interview.ended'], enabled: true, allowPrivate: true }, 'admin'),
      (error: { code?: string }) => error.code === 'WEBHOOK_URL_FORBIDDEN',
    );
  });
});
