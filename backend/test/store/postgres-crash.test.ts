import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createDatabase, type DatabaseHandle } from '../../src/store';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';

describe('PostgreSQL restarting under a transaction in progress', () => {
  let postgres: TestPostgresServer;
  let database: DatabaseHandle;
  const poolErrors: string[] = [];
  before(async () => {
    postgres = await startPostgresServer();
    database = await createDatabase({
      dataDir: '/nonexistent',
      databaseUrl: await postgres.createDatabase(),
      onPoolError: (error) => poolErrors.push(error.message),
    });
  });
  after(async () => {
    await database?.close();
    await postgres?.stop();
  });

  it('fails the transaction and keeps the process alive (a checked-out client had no error listener: the process crashed)', async () => {
    let crashed: Promise<void> | undefined;
    const outcome = database.db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // Between two queries the client is checked out and idle: the server goes away now.
        crashed = postgres.crash();
        await crashed;
        await sql`select 2`.execute(trx);
      })
      .then(
        () => 'committed',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    assert.notEqual(await outcome, 'committed');
    await crashed;
    assert.ok(
      poolErrors.some((message) => /terminated/i.test(message)),
      `pool errors: ${poolErrors.join('; ')}`,
    );
    // The server is back (crash() restarts it): the same handle works again.
    const row = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    assert.equal(row.rows[0]?.one, 1);
  });
});
