import type { Migration } from './migration';

/**
 * Issue 23's personal API tokens: a member's named, scoped bearer tokens for `/api/v1`. Only the
 * sha256 of the secret is kept (a leaked row gives no usable token), and its first characters in
 * clear so a member can tell tokens apart.
 */
export const migration0003: Migration = {
  name: '0003-api-tokens',
  async up(db, { types }) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('member_id', 'text', (column) => column.notNull().references('members.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      // JSON array of 'read' | 'write'.
      .addColumn('scopes', 'text', (column) => column.notNull())
      .addColumn('token_hash', 'text', (column) => column.notNull().unique())
      .addColumn('prefix', 'text', (column) => column.notNull())
      .addColumn('created_at', types.millis, (column) => column.notNull())
      .addColumn('last_used_at', types.millis)
      .addColumn('expires_at', types.millis)
      .addColumn('revoked_at', types.millis)
      .execute();
    await db.schema.createIndex('api_tokens_member').on('api_tokens').columns(['member_id', 'created_at']).execute();
  },
};
