export { createDatabase, SQLITE_FILE_NAME, type DatabaseConfig, type DatabaseEngine, type DatabaseHandle } from './database';
export type * from './database-schema';
export { migrateToLatest, MigrationError, type MigrateOptions } from './migrate';
export { MIGRATIONS, type Migration, type MigrationContext } from './migrations';
export { ForeignKeyViolationError, mapStoreError, StoreError, StoreUnavailableError, UniqueViolationError } from './store-errors';
