import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect } from 'kysely';
import type { Database } from './database-schema';
import { errorMappingDriver } from './store-errors';

export type DatabaseEngine = 'sqlite' | 'postgres';

export interface DatabaseConfig {
  /** Folder of the embedded SQLite file `pairpad.db` (created when missing). */
  dataDir: string;
  /** postgres://… → PostgreSQL instead of SQLite. */
  databaseUrl?: string | undefined;
  /** Errors of idle pooled PostgreSQL connections (a server restart): logged, never fatal. */
  onPoolError?: (error: Error) => void;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: DatabaseEngine;
  /** Where the data lives, for logs: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** One round trip; throws StoreUnavailableError when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'pairpad.db';

/** How long SQLite waits for another connection's write lock before SQLITE_BUSY (another process on the same file). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** How long a query waits for a PostgreSQL connection: without it a down server hangs every write forever. */
const PG_CONNECT_TIMEOUT_MS = 5_000;
const PG_QUERY_TIMEOUT_MS = 30_000;
const PG_POOL_SIZE = 10;
/** int8: timestamps in ms and counts, which pg reads as strings by default; all fit in 2^53. */
const PG_INT8_OID = 20;

function withErrorMapping(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => errorMappingDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

async function sqliteDialect(dataDir: string): Promise<{ dialect: Dialect; location: string }> {
  // Loaded only when used: a PostgreSQL deployment never needs the native module.
  const { default: SqliteDatabase } = await import('better-sqlite3');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const connection = new SqliteDatabase(file);
  // WAL: readers never wait for the writer; synchronous=NORMAL is durable across a process
  // crash in WAL mode (only a power loss can drop the last commits).
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return { dialect: new SqliteDialect({ database: connection }), location: file };
}

async function postgresDialect(url: string, onPoolError: (error: Error) => void): Promise<{ dialect: Dialect; location: string }> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    query_timeout: PG_QUERY_TIMEOUT_MS,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Without a listener, an idle client's error (the server restarting) crashes the process.
  pool.on('error', onPoolError);
  // The pool listens to idle clients only: a client checked out (inside a transaction, between
  // two of its queries) whose connection drops emits 'error' with nobody listening, and that also
  // crashed the process. Its queries still fail with the error; this only keeps the node alive.
  pool.on('connect', (client) => client.on('error', onPoolError));
  const parsed = new URL(url);
  parsed.password = '';
  return { dialect: new PostgresDialect({ pool }), location: parsed.toString() };
}

/** Opens the database the config names: PostgreSQL with a DATABASE_URL, else SQLite in the data folder. Run `migrateToLatest` next. */
export async function createDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  const engine: DatabaseEngine = config.databaseUrl ? 'postgres' : 'sqlite';
  const { dialect, location } = config.databaseUrl
    ? await postgresDialect(config.databaseUrl, config.onPoolError ?? (() => {}))
    : await sqliteDialect(config.dataDir);
  const db = new Kysely<Database>({ dialect: withErrorMapping(dialect) });
  let closed: Promise<void> | undefined;
  return {
    db,
    engine,
    location,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
