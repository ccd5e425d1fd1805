import { migration0001 } from './0001-teams';
import { migration0002 } from './0002-scorecards';
import { migration0003 } from './0003-api-tokens';
import { migration0004 } from './0004-webhooks';
import type { Migration } from './migration';

export type { Migration, MigrationContext } from './migration';

/** Every migration, oldest first. Append only; never reorder or edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004];
