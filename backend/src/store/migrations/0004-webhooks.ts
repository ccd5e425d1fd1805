import { sql, type Expression, type SqlBool } from 'kysely';
import type { Migration } from './migration';

/**
 * Issue 23's webhooks: the endpoints an admin registers, the delivery queue every node claims
 * from (a row per event per endpoint, leased by one node at a time), and each attempt's outcome.
 */
export const migration0004: Migration = {
  name: '0004-webhooks',
  async up(db, { engine, types }) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('url', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
      // JSON array of event types.
      .addColumn('events', 'text', (column) => column.notNull())
      // Kept as given: every delivery is signed with it (an HMAC key cannot be stored hashed).
      .addColumn('secret', 'text', (column) => column.notNull())
      .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
      .addColumn('allow_private', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (column) => column.references('members.id').onDelete('set null'))
      .addColumn('created_at', types.millis, (column) => column.notNull())
      .addColumn('updated_at', types.millis, (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('endpoint_id', 'text', (column) => column.notNull().references('webhook_endpoints.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('event_type', 'text', (column) => column.notNull())
      // The interview the event is about (null for a ping): its deliveries go when it is erased.
      .addColumn('interview_id', 'text')
      .addColumn('payload', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull().check(sqlIn('status', ['pending', 'delivering', 'succeeded', 'failed'])))
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('next_attempt_at', types.millis, (column) => column.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', types.millis)
      .addColumn('last_status_code', 'integer')
      .addColumn('last_response', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', types.millis, (column) => column.notNull())
      .addColumn('delivered_at', types.millis)
      .execute();
    // The dispatchers' claim: due pending rows and expired leases, oldest due first.
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    // An endpoint's deliveries, newest first (the admin page).
    await db.schema
      .createIndex('webhook_deliveries_endpoint')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'created_at', 'id'])
      .execute();

    await db.schema.createIndex('webhook_deliveries_interview').on('webhook_deliveries').column('interview_id').execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', types.serial, (column) => (engine === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey()))
      .addColumn('delivery_id', 'text', (column) => column.notNull().references('webhook_deliveries.id').onDelete('cascade'))
      .addColumn('attempt', 'integer', (column) => column.notNull())
      .addColumn('node', 'text', (column) => column.notNull())
      .addColumn('started_at', types.millis, (column) => column.notNull())
      .addColumn('finished_at', types.millis)
      .addColumn('duration_ms', 'integer')
      .addColumn('status_code', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();
  },
};

/** `column in ('a', 'b')` as a CHECK constraint (literal values: DDL takes no parameters). */
function sqlIn(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}
