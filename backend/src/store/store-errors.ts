import type { DatabaseConnection, Driver } from 'kysely';

/**
 * Named database errors, the same whichever engine raised them: callers catch
 * `UniqueViolationError` instead of testing `SQLITE_CONSTRAINT_UNIQUE` and `23505` apart.
 */
export class StoreError extends Error {
  /** The engine's own code (`SQLITE_…` or a PostgreSQL SQLSTATE), for logs. */
  readonly engineCode: string | undefined;
  constructor(message: string, engineCode: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.engineCode = engineCode;
  }
}

/** A row with the same primary key or unique value exists already. */
export class UniqueViolationError extends StoreError {
  override name = 'UniqueViolationError';
}

/** A reference to a row that does not exist (or a delete of a row still referenced). */
export class ForeignKeyViolationError extends StoreError {
  override name = 'ForeignKeyViolationError';
}

/**
 * The database cannot take the query now: unreachable, restarting, disk full, locked too long.
 * Worth retrying later; the interview archive keeps its pending write and retries.
 */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}

const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|PROTOCOL|NOLFS|CORRUPT|NOTADB)/;
/** Node socket errors raised by pg when the server is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** SQLSTATE classes: 08 connection, 53 insufficient resources (disk full, out of memory), 57P admin shutdown / crash, 58 system error. */
const PG_UNAVAILABLE = /^(08|53|57P|58)/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The named error for an engine error, or the error itself when it is none of them. */
export function mapStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return new UniqueViolationError(message, code, { cause: error });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return new ForeignKeyViolationError(message, code, { cause: error });
  if (code !== undefined && (SQLITE_UNAVAILABLE.test(code) || NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) {
    return new StoreUnavailableError(message, code, { cause: error });
  }
  // pg's own errors when the pool cannot reach the server carry no code.
  if (
    error instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
  ) {
    return new StoreUnavailableError(message, code, { cause: error });
  }
  return error;
}

const patched = new WeakSet<DatabaseConnection>();

/** Makes one connection throw named errors (patched in place: drivers keep their own connection objects). */
function patchConnection(connection: DatabaseConnection): DatabaseConnection {
  if (patched.has(connection)) return connection;
  patched.add(connection);
  const executeQuery = connection.executeQuery.bind(connection);
  connection.executeQuery = async (...args) => {
    try {
      return await executeQuery(...args);
    } catch (error) {
      throw mapStoreError(error);
    }
  };
  return connection;
}

/**
 * Wraps a Kysely driver so that every query through it throws the named errors above: the
 * repositories of every module (interviews here, members in identity/) get them for free.
 */
export function errorMappingDriver(inner: Driver): Driver {
  return {
    init: (options) => inner.init(options),
    acquireConnection: async (options) => {
      try {
        return patchConnection(await inner.acquireConnection(options));
      } catch (error) {
        throw mapStoreError(error);
      }
    },
    beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
    commitTransaction: (connection) => inner.commitTransaction(connection),
    rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
    ...(inner.savepoint ? { savepoint: inner.savepoint.bind(inner) } : {}),
    ...(inner.rollbackToSavepoint ? { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) } : {}),
    ...(inner.releaseSavepoint ? { releaseSavepoint: inner.releaseSavepoint.bind(inner) } : {}),
    releaseConnection: (connection, options) => inner.releaseConnection(connection, options),
    destroy: (options) => inner.destroy(options),
  };
}
