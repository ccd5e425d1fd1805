import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase, InterviewRepository, migrateToLatest, StoreUnavailableError } from '../../src/store';
import { storeContract } from './store.contract';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-sqlite-'));
  dirs.push(dir);
  return dir;
}

storeContract('SQLite (better-sqlite3)', async () => {
  const dataDir = tempDir();
  return { handle: await createDatabase({ dataDir }), reopen: () => createDatabase({ dataDir }) };
});

describe('SQLite specifics', () => {
  it('a full disk is StoreUnavailableError, and writes work again once there is room', async () => {
    const handle = await createDatabase({ dataDir: tempDir() });
    try {
      await migrateToLatest(handle);
      const repository = new InterviewRepository(handle.db, handle.engine);
      await repository.create({ id: 'small', title: 't', language: 'python', createdAt: 1 });
      // SQLite's page cap stands in for a full disk: the same SQLITE_FULL.
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(handle.db);
      await sql.raw(`pragma max_page_count = ${(rows[0]?.page_count ?? 0) + 2}`).execute(handle.db);
      const big = { id: 'big', title: 'x'.repeat(200_000), language: 'python', createdAt: 2 };
      await assert.rejects(repository.create(big), StoreUnavailableError);
      await sql`pragma max_page_count = 1073741823`.execute(handle.db);
      await repository.create(big);
      assert.equal((await repository.get('big'))?.title.length, 200_000);
    } finally {
      await handle.close();
    }
  });

  it('opens the file in WAL mode with foreign keys on', async () => {
    const handle = await createDatabase({ dataDir: tempDir() });
    try {
      assert.match(handle.location, /pairpad\.db$/);
      const pragma = async (name: string) =>
        Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(handle.db)).rows[0] ?? {})[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('busy_timeout'), 5000);
    } finally {
      await handle.close();
    }
  });
});
