import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from './database';
import type { Database } from './database-schema';
import { MIGRATIONS, type Migration } from './migrations';
import { engineTypes } from './migrations/migration';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Any fixed number: the PostgreSQL advisory lock that keeps two nodes starting at once from migrating together. */
const MIGRATION_LOCK_ID = 2_202_622;

export interface MigrateOptions {
  /** Defaults to every migration PairPad knows. */
  migrations?: readonly Migration[];
  /** Stop after this migration (tests migrate "from the previous version"). */
  upTo?: string;
}

async function appliedNames(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('pairpad_migrations').select('name').execute();
  return new Set(rows.map((row) => row.name));
}

/**
 * Applies the migrations not applied yet, in order, each in its own transaction (Kysely's
 * Migrator is not transactional on SQLite: a failing one would leave half its DDL). Returns the
 * names applied. Safe to run from several nodes at once: PostgreSQL serialises them with an
 * advisory lock, SQLite with `begin immediate`, and each re-reads what is applied inside its lock.
 */
export async function migrateToLatest(handle: DatabaseHandle, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  const stopAt = options.upTo === undefined ? migrations.length : migrations.findIndex((migration) => migration.name === options.upTo) + 1;
  if (stopAt === 0) throw new MigrationError(`No migration named "${options.upTo}".`);
  const context = { engine: handle.engine, types: engineTypes(handle.engine) };
  const applied: string[] = [];
  await handle.db.connection().execute(async (connection) => {
    if (handle.engine === 'postgres') await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
    try {
      await connection.schema
        .createTable('pairpad_migrations')
        .ifNotExists()
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('applied_at', context.types.millis, (column) => column.notNull())
        .execute();
      const known = new Set(migrations.map((migration) => migration.name));
      const unknown = [...(await appliedNames(connection))].filter((name) => !known.has(name));
      if (unknown.length > 0) {
        throw new MigrationError(`The database was migrated by a newer PairPad (${unknown.join(', ')}); run that version, or a newer one.`);
      }
      for (const migration of migrations.slice(0, stopAt)) {
        if (await applyOne(connection, migration, context)) applied.push(migration.name);
      }
    } finally {
      if (handle.engine === 'postgres') await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
    }
  });
  return applied;
}

/** One migration in one transaction; false when it was applied already (by another node, meanwhile). */
async function applyOne(connection: Kysely<Database>, migration: Migration, context: Parameters<Migration['up']>[1]): Promise<boolean> {
  await sql.raw(context.engine === 'sqlite' ? 'begin immediate' : 'begin').execute(connection);
  try {
    if ((await appliedNames(connection)).has(migration.name)) {
      await sql`commit`.execute(connection);
      return false;
    }
    await migration.up(connection as unknown as Kysely<unknown>, context);
    await connection.insertInto('pairpad_migrations').values({ name: migration.name, applied_at: Date.now() }).execute();
    await sql`commit`.execute(connection);
    return true;
  } catch (error) {
    await sql`rollback`.execute(connection).catch(() => undefined);
    throw new MigrationError(`Migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
