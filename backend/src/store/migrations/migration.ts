import type { Kysely } from 'kysely';
import type { DatabaseEngine } from '../database';

/** Column types that differ between the engines; everything else is spelled the same. */
export interface EngineTypes {
  /** Milliseconds since the epoch: SQLite's integer is 64-bit, PostgreSQL needs bigint. */
  readonly millis: 'integer' | 'bigint';
  readonly blob: 'blob' | 'bytea';
  /** An auto-incremented integer primary key's type (SQLite: `integer primary key autoincrement`). */
  readonly serial: 'integer' | 'bigserial';
}

export interface MigrationContext {
  readonly engine: DatabaseEngine;
  readonly types: EngineTypes;
}

/**
 * One schema change. Migrations are listed statically in `migrations/index.ts` (esbuild bundles
 * the backend: there is no folder to scan at run time), applied in order, each in its own
 * transaction on both engines, and never edited once released: a change is a new migration.
 * They take an untyped database: they run against the schema of their time, not today's.
 */
export interface Migration {
  /** `NNNN-what-it-does`, sorted by its number. */
  readonly name: string;
  up(db: Kysely<unknown>, context: MigrationContext): Promise<void>;
}

export function engineTypes(engine: DatabaseEngine): EngineTypes {
  return engine === 'sqlite'
    ? { millis: 'integer', blob: 'blob', serial: 'integer' }
    : { millis: 'bigint', blob: 'bytea', serial: 'bigserial' };
}
