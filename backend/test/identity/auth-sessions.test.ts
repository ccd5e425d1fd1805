import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityService, KyselyIdentityRepository, sha256Hex } from '../../src/identity';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '../../src/store';

const HOUR = 3_600_000;

describe('auth sessions on the real database, with a moved clock', () => {
  let database: DatabaseHandle;
  let dir: string;
  let now = Date.parse('2026-12-07T12:00:00Z');
  let identity: IdentityService;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pairpad-identity-'));
    database = await createDatabase({ dataDir: dir });
    await migrateToLatest(database);
    identity = new IdentityService({
      repository: new KyselyIdentityRepository(database.db),
      limits: { sessionTtlMs: 24 * HOUR, maxFailedSignIns: 5, lockMs: HOUR, inviteTtlMs: HOUR, resetTtlMs: HOUR },
      now: () => now,
    });
    await identity.ensureAdmin('admin@pairpad.test', 'admin-password');
  });
  after(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores only the hash of the cookie secret, and slides the expiry with use', async () => {
    const { session } = await identity.signIn('admin@pairpad.test', 'admin-password');
    const rows = await database.db.selectFrom('auth_sessions').selectAll().execute();
    assert.ok(
      rows.every((row) => row.id_hash !== session.cookieValue),
      'the secret itself is never stored',
    );
    assert.ok(rows.some((row) => row.id_hash === sha256Hex(session.cookieValue)));

    now += 20 * HOUR;
    const used = await identity.authenticate(session.cookieValue);
    assert.equal(used?.session.expiresAt, now + 24 * HOUR, 'used: the expiry slides');
    now += 20 * HOUR;
    assert.ok(await identity.authenticate(session.cookieValue), '40 h after sign-in, 20 h after its last use: still signed in');
    now += 25 * HOUR;
    assert.equal(await identity.authenticate(session.cookieValue), null, 'unused for longer than the TTL: signed out');
    assert.equal(
      await database.db
        .selectFrom('auth_sessions')
        .select('id_hash')
        .where('id_hash', '=', sha256Hex(session.cookieValue))
        .executeTakeFirst(),
      undefined,
      'and removed',
    );
  });

  it('writes last_seen_at at most once a minute', async () => {
    const { session } = await identity.signIn('admin@pairpad.test', 'admin-password');
    const seen = async () =>
      (
        await database.db
          .selectFrom('auth_sessions')
          .select('last_seen_at')
          .where('id_hash', '=', sha256Hex(session.cookieValue))
          .executeTakeFirstOrThrow()
      ).last_seen_at;
    const first = await seen();
    now += 30_000;
    await identity.authenticate(session.cookieValue);
    assert.equal(await seen(), first);
    now += 31_000;
    await identity.authenticate(session.cookieValue);
    assert.equal(await seen(), now);
  });

  it('a lock passes with time; a right password then resets the count', async () => {
    const locking = new IdentityService({
      repository: new KyselyIdentityRepository(database.db),
      limits: { sessionTtlMs: HOUR, maxFailedSignIns: 2, lockMs: HOUR, inviteTtlMs: HOUR, resetTtlMs: HOUR },
      now: () => now,
    });
    const codes: string[] = [];
    for (const password of ['wrong-1-password', 'wrong-2-password', 'admin-password']) {
      codes.push(
        await locking.signIn('admin@pairpad.test', password).then(
          () => 'OK',
          (error: { code: string }) => error.code,
        ),
      );
    }
    assert.deepEqual(codes, ['SIGN_IN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    now += HOUR + 1;
    await locking.signIn('admin@pairpad.test', 'admin-password');
    const member = await locking.repository.memberByEmail('admin@pairpad.test');
    assert.deepEqual([member?.failedSignIns, member?.lockedUntil], [0, null]);
  });

  it('sweeps expired sessions', async () => {
    await identity.signIn('admin@pairpad.test', 'admin-password');
    now += 48 * HOUR;
    assert.ok((await identity.sweepExpiredSessions()) >= 1);
    assert.equal((await database.db.selectFrom('auth_sessions').selectAll().execute()).length, 0);
  });
});
