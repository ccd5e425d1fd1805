export { createDatabase, SQLITE_FILE_NAME, type DatabaseConfig, type DatabaseEngine, type DatabaseHandle } from './database';
export type * from './database-schema';
export { migrateToLatest, MigrationError, type MigrateOptions } from './migrate';
export { MIGRATIONS, type Migration, type MigrationContext } from './migrations';
export { ForeignKeyViolationError, mapStoreError, StoreError, StoreUnavailableError, UniqueViolationError } from './store-errors';
export { listAudit, writeAudit, type AuditEntry, type AuditRecord } from './audit-log';
export {
  DEFAULT_PAGE_SIZE,
  InterviewRepository,
  MAX_PAGE_SIZE,
  searchTextOf,
  type InterviewListQuery,
  type InterviewPage,
  type InterviewParticipant,
  type InterviewRecord,
  type InterviewScope,
  type InterviewSnapshot,
  type InterviewSummary,
  type NewInterview,
  type SnapshotWrite,
} from './interview-repository';
export { interviewSummaryView, isoOrNull, listFilters } from './interview-views';
export { decodeRoomState, encodeRoomState, mergeRoomStates, type RoomState } from './room-state-codec';
export { archivedViews, type ArchivedViews } from './archived-interview';
export { InterviewArchive, type ArchiveHealth, type InterviewArchiveOptions } from './interview-archive';
export { InterviewRetention, type InterviewRetentionOptions } from './interview-retention';
