import { sql, type Expression, type SqlBool } from 'kysely';
import type { Migration } from './migration';

/**
 * Issue 23's scorecards: who took part in an interview as a team member (they may score it), the
 * rubric each interview is scored against (frozen at its first scorecard), one scorecard per
 * (interview, member) and every submitted version of it.
 */
export const migration0002: Migration = {
  name: '0002-scorecards',
  async up(db, { engine, types }) {
    // No foreign key to interviews: a member may join a room before the archive has written its row.
    await db.schema
      .createTable('interview_interviewers')
      .addColumn('interview_id', 'text', (column) => column.notNull())
      .addColumn('member_id', 'text', (column) => column.notNull().references('members.id').onDelete('cascade'))
      .addColumn('joined_at', types.millis, (column) => column.notNull())
      .addPrimaryKeyConstraint('interview_interviewers_pk', ['interview_id', 'member_id'])
      .execute();
    await db.schema.createIndex('interview_interviewers_member').on('interview_interviewers').column('member_id').execute();

    await db.schema
      .createTable('interview_rubrics')
      .addColumn('interview_id', 'text', (column) => column.primaryKey().references('interviews.id').onDelete('cascade'))
      .addColumn('rubric', 'text', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('created_at', types.millis, (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('scorecards')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('interview_id', 'text', (column) => column.notNull().references('interviews.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (column) => column.notNull().references('members.id').onDelete('cascade'))
      .addColumn('status', 'text', (column) => column.notNull().check(sqlIn('status', ['draft', 'submitted'])))
      .addColumn('scores', 'text', (column) => column.notNull().defaultTo('{}'))
      .addColumn('recommendation', 'text', (column) => column.check(sqlIn('recommendation', ['strong_no', 'no', 'yes', 'strong_yes'])))
      .addColumn('notes', 'text', (column) => column.notNull().defaultTo(''))
      .addColumn('version', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('created_at', types.millis, (column) => column.notNull())
      .addColumn('updated_at', types.millis, (column) => column.notNull())
      .addColumn('submitted_at', types.millis)
      .addUniqueConstraint('scorecards_interview_member', ['interview_id', 'member_id'])
      .execute();
    // The dashboard's recommendation filter and summary read submitted scorecards per interview.
    await db.schema
      .createIndex('scorecards_interview_status')
      .on('scorecards')
      .columns(['interview_id', 'status', 'recommendation'])
      .execute();

    await db.schema
      .createTable('scorecard_revisions')
      .addColumn('id', types.serial, (column) => (engine === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey()))
      .addColumn('scorecard_id', 'text', (column) => column.notNull().references('scorecards.id').onDelete('cascade'))
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('scores', 'text', (column) => column.notNull())
      .addColumn('recommendation', 'text')
      .addColumn('notes', 'text', (column) => column.notNull())
      .addColumn('submitted_at', types.millis, (column) => column.notNull())
      .addUniqueConstraint('scorecard_revisions_version', ['scorecard_id', 'version'])
      .execute();
  },
};

/** `column in ('a', 'b')` as a CHECK constraint (literal values: DDL takes no parameters). */
function sqlIn(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}
