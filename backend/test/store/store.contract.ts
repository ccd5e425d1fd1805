import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { AppError } from '@pairpad/protocol';
import {
  ForeignKeyViolationError,
  InterviewRepository,
  listAudit,
  migrateToLatest,
  MigrationError,
  MIGRATIONS,
  UniqueViolationError,
  decodeRoomState,
  encodeRoomState,
  type DatabaseHandle,
  type InterviewSnapshot,
  type Migration,
} from '../../src/store';

/**
 * A fresh, empty database of one engine (nothing migrated), and a way to open a second
 * connection pool to that same database (another node). The suite closes both.
 */
export type FreshDatabase = () => Promise<{ handle: DatabaseHandle; reopen: () => Promise<DatabaseHandle> }>;

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A second, synthetic migration: what "the next version" does to a database holding rows. */
const nextVersion: Migration = {
  name: '9999-test-next-version',
  async up(db) {
    await db.schema.alterTable('interviews').addColumn('test_rating', 'integer').execute();
  },
};

async function tableNames(handle: DatabaseHandle): Promise<string[]> {
  const tables = await handle.db.introspection.getTables();
  return tables.map((table) => table.name).sort();
}

async function addMember(handle: DatabaseHandle, id: string, name = id): Promise<void> {
  await handle.db
    .insertInto('members')
    .values({ id, email: `${id}@example.com`, name, role: 'interviewer', created_at: T0 })
    .execute();
}

/** A room state whose code is `code` (written by its own client, so two of them merge). */
function roomStateWith(code: string, chat: string[] = []): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 1 + ([...code].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 7) % 1_000_000);
  doc.getText('code').insert(0, code);
  const interview = new Y.Doc();
  interview.getArray('chat').push(chat);
  return encodeRoomState({ doc: Y.encodeStateAsUpdate(doc), interview: Y.encodeStateAsUpdate(interview) });
}

function codeOf(blob: Uint8Array | null): string {
  assert.ok(blob);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decodeRoomState(blob).doc);
  return doc.getText('code').toString();
}

function snapshot(id: string, overrides: Partial<InterviewSnapshot> = {}): InterviewSnapshot {
  return {
    id,
    createdAt: T0,
    title: 'Snapshot',
    language: 'python',
    questionId: null,
    questionTitle: null,
    status: 'live',
    startedAt: T0 + 1_000,
    endedAt: null,
    candidateName: null,
    roomState: roomStateWith('print(1)'),
    notesState: null,
    finalCode: null,
    participants: [{ name: 'Ivy', role: 'interviewer' }],
    at: T0 + 2_000,
    ...overrides,
  };
}

/** Seeds rows in the shape of migration 0001 (valid for every later version that keeps them). */
async function seed0001(handle: DatabaseHandle): Promise<void> {
  await addMember(handle, 'm1', 'Mia');
  await new InterviewRepository(handle.db, handle.engine).create({
    id: 'kept-1',
    title: 'Kept',
    language: 'go',
    createdBy: 'm1',
    candidateName: 'Cai',
    createdAt: T0,
  });
  await handle.db
    .insertInto('audit_log')
    .values({ at: T0, actor_member_id: 'm1', action: 'seed', target: 'kept-1', details: '{}' })
    .execute();
}

/** The behaviour the database layer must have on every engine. */
export function storeContract(name: string, fresh: FreshDatabase): void {
  describe(`store contract: ${name}`, () => {
    let handle: DatabaseHandle;
    let reopen: () => Promise<DatabaseHandle>;
    const opened: DatabaseHandle[] = [];
    beforeEach(async () => {
      ({ handle, reopen } = await fresh());
      opened.push(handle);
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    describe('migrations', () => {
      it('from empty: creates every table of the contract once, then has nothing to do', async () => {
        assert.deepEqual(
          await migrateToLatest(handle),
          MIGRATIONS.map((migration) => migration.name),
        );
        assert.deepEqual(await migrateToLatest(handle), []);
        const tables = await tableNames(handle);
        for (const table of [
          'members',
          'auth_sessions',
          'invites',
          'password_resets',
          'settings',
          'interviews',
          'audit_log',
          'interview_interviewers',
          'interview_rubrics',
          'scorecards',
          'scorecard_revisions',
          'api_tokens',
          'webhook_endpoints',
          'webhook_deliveries',
          'webhook_attempts',
          'pairpad_migrations',
        ]) {
          assert.ok(tables.includes(table), `${table} exists (${tables.join(', ')})`);
        }
      });

      it('from the previous version: rows written by it survive the migration to the latest', async () => {
        // With one released migration, "latest" is it plus a synthetic next one; once 0002
        // exists, the previous version is the second-to-last real migration.
        const all = MIGRATIONS.length >= 2 ? MIGRATIONS : [...MIGRATIONS, nextVersion];
        const previous = all[all.length - 2]!;
        await migrateToLatest(handle, { migrations: all, upTo: previous.name });
        await seed0001(handle);
        const applied = await migrateToLatest(handle, { migrations: all });
        assert.deepEqual(applied, [all[all.length - 1]!.name]);
        const kept = await new InterviewRepository(handle.db, handle.engine).get('kept-1');
        assert.equal(kept?.title, 'Kept');
        assert.deepEqual(kept?.createdBy, { id: 'm1', name: 'Mia' });
        assert.equal((await listAudit(handle.db)).length, 1);
      });

      it('a failing migration leaves nothing behind, and is retried next start', async () => {
        await migrateToLatest(handle);
        const broken: Migration = {
          name: '9998-test-broken',
          async up(db) {
            await db.schema.createTable('half_done').addColumn('id', 'text').execute();
            throw new Error('boom');
          },
        };
        await assert.rejects(
          migrateToLatest(handle, { migrations: [...MIGRATIONS, broken] }),
          (error: unknown) => error instanceof MigrationError && /9998-test-broken failed: boom/.test(error.message),
        );
        assert.ok(!(await tableNames(handle)).includes('half_done'), 'its DDL was rolled back');
        const fixed: Migration = {
          name: broken.name,
          up: async (db) => void (await db.schema.createTable('half_done').addColumn('id', 'text').execute()),
        };
        assert.deepEqual(await migrateToLatest(handle, { migrations: [...MIGRATIONS, fixed] }), [broken.name]);
      });

      it('refuses a database migrated by a newer version', async () => {
        await migrateToLatest(handle, { migrations: [...MIGRATIONS, nextVersion] });
        await assert.rejects(
          migrateToLatest(handle),
          (error: unknown) => error instanceof MigrationError && /newer PairPad/.test(error.message),
        );
      });
    });

    describe('with the schema', () => {
      let interviews: InterviewRepository;
      beforeEach(async () => {
        await migrateToLatest(handle);
        interviews = new InterviewRepository(handle.db, handle.engine);
      });

      it('maps a duplicate to UniqueViolationError and a dangling reference to ForeignKeyViolationError', async () => {
        await addMember(handle, 'a');
        await assert.rejects(addMember(handle, 'a'), UniqueViolationError);
        await assert.rejects(
          handle.db.insertInto('members').values({ id: 'b', email: 'a@example.com', name: 'B', role: 'admin', created_at: T0 }).execute(),
          UniqueViolationError,
        );
        await assert.rejects(
          handle.db
            .insertInto('auth_sessions')
            .values({ id_hash: 'h', member_id: 'nobody', csrf_token: 'c', created_at: T0, expires_at: T0 + 1, last_seen_at: T0 })
            .execute(),
          ForeignKeyViolationError,
        );
        // Inside a transaction too, and the transaction rolls back.
        await assert.rejects(
          handle.db.transaction().execute(async (trx) => {
            await trx.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
            await trx.insertInto('settings').values({ key: 'k', value: 'w' }).execute();
          }),
          UniqueViolationError,
        );
        assert.equal((await handle.db.selectFrom('settings').selectAll().execute()).length, 0);
      });

      it('deleting a member cascades to their sign-in state and unattributes their interviews', async () => {
        await addMember(handle, 'gone');
        await handle.db
          .insertInto('auth_sessions')
          .values({ id_hash: 'h', member_id: 'gone', csrf_token: 'c', created_at: T0, expires_at: T0 + 1, last_seen_at: T0 })
          .execute();
        await interviews.create({ id: 'i1', title: 'T', language: 'python', createdBy: 'gone', createdAt: T0 });
        await handle.db.deleteFrom('members').where('id', '=', 'gone').execute();
        assert.equal((await handle.db.selectFrom('auth_sessions').selectAll().execute()).length, 0);
        assert.equal((await interviews.get('i1'))?.createdBy, null);
      });

      it('reads back the same types on both engines: numbers, Buffers, strings', async () => {
        await interviews.saveSnapshot(snapshot('types', { notesState: Y.encodeStateAsUpdate(new Y.Doc()) }));
        const row = await handle.db.selectFrom('interviews').selectAll().where('id', '=', 'types').executeTakeFirstOrThrow();
        assert.equal(typeof row.created_at, 'number');
        assert.equal(row.created_at, T0);
        assert.equal(row.guest_link_revoked, 0);
        assert.ok(Buffer.isBuffer(row.room_state));
        assert.ok(Buffer.isBuffer(row.notes_state));
        const { count } = await handle.db
          .selectFrom('interviews')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        assert.equal(count, 1);
        await handle.db
          .insertInto('audit_log')
          .values({ at: T0, actor_member_id: null, action: 'a', target: 't', details: '{}' })
          .execute();
        assert.equal(typeof (await listAudit(handle.db))[0]?.id, 'number');
      });

      it('createMany writes several upcoming interviews in one statement and answers the ids written (one already there is left as it is)', async () => {
        await addMember(handle, 'mm');
        await interviews.create({ id: 'many-0', title: 'First', language: 'python', createdAt: T0 });
        const written = await interviews.createMany([
          { id: 'many-0', title: 'Again', language: 'python', createdAt: T0 },
          { id: 'many-1', title: 'One', language: 'go', createdBy: 'mm', candidateEmail: ' Bo@Example.COM ', createdAt: T0 + 1 },
          { id: 'many-2', title: 'Two', language: 'python', createdAt: T0 + 2 },
        ]);
        assert.deepEqual([...written].sort(), ['many-1', 'many-2']);
        assert.equal((await interviews.get('many-0'))?.title, 'First');
        const one = await interviews.get('many-1');
        assert.equal(one?.status, 'upcoming');
        assert.equal(one?.candidateEmail, 'bo@example.com');
        assert.deepEqual(one?.createdBy, { id: 'mm', name: 'mm' });
        assert.equal((await interviews.get('many-2'))?.language, 'python');
        assert.deepEqual([...(await interviews.createMany([]))], []);
        // A row the database refuses (an unknown member) fails the statement: nothing of it is written.
        await assert.rejects(
          interviews.createMany([
            { id: 'many-3', title: 'Three', language: 'python', createdAt: T0 },
            { id: 'many-4', title: 'Four', language: 'python', createdBy: 'nobody', createdAt: T0 },
          ]),
        );
        assert.equal(await interviews.get('many-3'), null);
      });

      it('create writes an upcoming interview once; get answers null for unknown ids', async () => {
        await addMember(handle, 'm');
        const input = {
          id: 'up',
          title: 'Backend',
          language: 'go',
          createdBy: 'm',
          candidateName: 'Ana',
          candidateEmail: ' Ana@Example.COM ',
          interviewerTokenHash: 'f'.repeat(64),
          createdAt: T0,
        };
        await interviews.create(input);
        await interviews.create({ ...input, title: 'Second call' });
        const record = await interviews.get('up');
        assert.equal(record?.status, 'upcoming');
        assert.equal(record?.title, 'Backend');
        assert.equal(record?.candidateEmail, 'ana@example.com');
        assert.equal(record?.interviewerTokenHash, 'f'.repeat(64));
        assert.equal(record?.roomState, null);
        assert.deepEqual(record?.createdBy, { id: 'm', name: 'm' });
        assert.equal(await interviews.get('nope'), null);
      });

      it('saveSnapshot creates a missing row, then merges: states united, status never goes back, first start kept', async () => {
        assert.ok(await interviews.saveSnapshot(snapshot('s', { roomState: roomStateWith('A'), candidateName: 'Cat' })));
        // Another node's copy of the same interview, with an edit this one never saw.
        await interviews.saveSnapshot(
          snapshot('s', {
            roomState: roomStateWith('B'),
            status: 'ended',
            endedAt: T0 + 9_000,
            startedAt: T0 + 5_000,
            candidateName: 'Other',
            participants: [{ name: 'Cat', role: 'candidate' }],
            finalCode: { python: 'AB' },
          }),
        );
        await interviews.saveSnapshot(snapshot('s', { roomState: roomStateWith('A'), status: 'live', at: T0 + 10_000 }));
        const record = await interviews.get('s');
        assert.ok(record);
        const code = codeOf(record.roomState);
        assert.ok(code.includes('A') && code.includes('B') && code.length === 2, `merged code "${code}"`);
        assert.equal(record.status, 'ended');
        assert.equal(record.endedAt, T0 + 9_000);
        assert.equal(record.startedAt, T0 + 1_000);
        assert.equal(record.candidateName, 'Cat');
        assert.deepEqual(record.finalCode, { python: 'AB' });
        assert.deepEqual(record.participants, [
          { name: 'Ivy', role: 'interviewer' },
          { name: 'Cat', role: 'candidate' },
        ]);
        assert.equal(record.updatedAt, T0 + 10_000);
        assert.equal((await handle.db.selectFrom('interviews').select('id').execute()).length, 1, 'one row');
      });

      it("basedOn: the writer's own last states are replaced as they are, another writer's are merged", async () => {
        const first = await interviews.saveSnapshot(snapshot('b', { roomState: roomStateWith('A') }));
        assert.ok(first);
        // Nobody else wrote: the new state replaces the stored one (no merge; here it even drops
        // "A", which a real room's later state never would).
        const second = await interviews.saveSnapshot(snapshot('b', { roomState: roomStateWith('B'), basedOn: first }));
        assert.equal(codeOf(second?.room_state ?? null), 'B');
        assert.equal(codeOf((await interviews.get('b'))?.roomState ?? null), 'B');
        // Another node wrote meanwhile: the stale basedOn no longer matches, so the states merge.
        await interviews.saveSnapshot(snapshot('b', { roomState: roomStateWith('C') }));
        const merged = await interviews.saveSnapshot(snapshot('b', { roomState: roomStateWith('D'), basedOn: second }));
        assert.equal([...codeOf(merged?.room_state ?? null)].sort().join(''), 'BCD');
      });

      it('saveSnapshot of a created interview keeps its creator, candidate email and token', async () => {
        await addMember(handle, 'm');
        await interviews.create({
          id: 'c',
          title: 'Made',
          language: 'python',
          createdBy: 'm',
          candidateEmail: 'x@y.z',
          interviewerTokenHash: 'a'.repeat(64),
          createdAt: T0,
        });
        await interviews.saveSnapshot(snapshot('c', { title: '', interviewerTokenHash: null }));
        const record = await interviews.get('c');
        assert.equal(record?.title, 'Made');
        assert.equal(record?.status, 'live');
        assert.equal(record?.candidateEmail, 'x@y.z');
        assert.equal(record?.interviewerTokenHash, 'a'.repeat(64));
        assert.deepEqual(record?.createdBy, { id: 'm', name: 'm' });
      });

      describe('list', () => {
        beforeEach(async () => {
          await addMember(handle, 'me', 'Me');
          await addMember(handle, 'you', 'You');
          const rows = [
            {
              id: 'a1',
              title: 'Backend screen',
              candidateName: 'Élodie Brun',
              candidateEmail: 'elodie@example.com',
              createdBy: 'me',
              createdAt: T0 + 1,
            },
            {
              id: 'a2',
              title: 'Frontend pairing',
              candidateName: 'Bob',
              candidateEmail: 'bob@example.com',
              createdBy: 'you',
              createdAt: T0 + 2,
            },
            {
              id: 'a3',
              title: '100% _wild_ title',
              candidateName: 'ØRSTED',
              candidateEmail: null,
              createdBy: 'me',
              createdAt: T0 + 3,
              questionTitle: 'Two Sum',
            },
            { id: 'a4', title: 'Untitled', candidateName: null, candidateEmail: null, createdBy: null, createdAt: T0 + 3 },
          ];
          for (const row of rows) await interviews.create({ language: 'python', ...row });
          await interviews.saveSnapshot(
            snapshot('a2', { createdAt: T0 + 2, title: 'Frontend pairing', status: 'ended', endedAt: T0 + 100 }),
          );
        });
        const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

        it('team: every interview, newest first (ties by id), with its creator', async () => {
          const page = await interviews.list({ scope: 'team' });
          assert.deepEqual(ids(page), ['a4', 'a3', 'a2', 'a1']);
          assert.equal(page.nextCursor, null);
          assert.deepEqual(page.items[1], {
            id: 'a3',
            title: '100% _wild_ title',
            language: 'python',
            questionId: null,
            questionTitle: 'Two Sum',
            candidateName: 'ØRSTED',
            status: 'upcoming',
            createdAt: T0 + 3,
            startedAt: null,
            endedAt: null,
            createdBy: { id: 'me', name: 'Me' },
          });
        });

        it('mine, status and date range filter', async () => {
          assert.deepEqual(ids(await interviews.list({ scope: 'mine', memberId: 'me' })), ['a3', 'a1']);
          assert.deepEqual(ids(await interviews.list({ scope: 'team', status: 'ended' })), ['a2']);
          assert.deepEqual(ids(await interviews.list({ scope: 'team', status: 'upcoming', from: T0 + 2, to: T0 + 4 })), ['a4', 'a3']);
          await assert.rejects(
            interviews.list({ scope: 'mine' }),
            (error: unknown) => error instanceof AppError && error.code === 'VALIDATION_FAILED',
          );
        });

        it('search: candidate, email, title and question, any case (beyond ASCII too), wildcards literal', async () => {
          const search = async (q: string) => ids(await interviews.list({ scope: 'team', q }));
          assert.deepEqual(await search('élodie'), ['a1']);
          assert.deepEqual(await search('ÉLODIE'), ['a1']);
          assert.deepEqual(await search('ørsted'), ['a3']);
          assert.deepEqual(await search('BOB@EXAMPLE'), ['a2']);
          assert.deepEqual(await search('pairing'), ['a2']);
          assert.deepEqual(await search('two sum'), ['a3']);
          assert.deepEqual(await search('100%'), ['a3']);
          assert.deepEqual(await search('_wild_'), ['a3']);
          assert.deepEqual(await search('%'), ['a3']);
          assert.deepEqual(await search('nothing like it'), []);
        });

        it('pages with a cursor: no gap and no repeat, even across equal creation times', async () => {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: { id: string }[]; nextCursor: string | null } = await interviews.list({ scope: 'team', limit: 1, cursor });
            seen.push(...ids(page));
            cursor = page.nextCursor;
          } while (cursor);
          assert.deepEqual(seen, ['a4', 'a3', 'a2', 'a1']);
          const two = await interviews.list({ scope: 'team', limit: 2 });
          assert.deepEqual(ids(two), ['a4', 'a3']);
          assert.deepEqual(ids(await interviews.list({ scope: 'team', limit: 2, cursor: two.nextCursor })), ['a2', 'a1']);
          assert.equal((await interviews.list({ scope: 'team', limit: 0 })).items.length, 1, 'limit clamped to 1');
          await assert.rejects(
            interviews.list({ scope: 'team', cursor: 'garbage' }),
            (error: unknown) => error instanceof AppError && error.code === 'VALIDATION_FAILED',
          );
        });
      });

      it('delete erases the content, leaves a tombstone no snapshot can write back, and is audited', async () => {
        await addMember(handle, 'admin');
        await interviews.saveSnapshot(snapshot('d', { candidateName: 'Dee' }));
        assert.equal(await interviews.delete('d', { memberId: 'admin' }, T0 + 50), true);
        assert.equal(await interviews.delete('d', { memberId: 'admin' }), false, 'twice: nothing to delete');
        assert.equal(await interviews.get('d'), null);
        assert.deepEqual((await interviews.list({ scope: 'team' })).items, []);
        assert.equal(await interviews.saveSnapshot(snapshot('d')), null);
        const row = await handle.db.selectFrom('interviews').selectAll().where('id', '=', 'd').executeTakeFirstOrThrow();
        assert.equal(row.room_state, null);
        assert.equal(row.candidate_name, null);
        assert.equal(row.search_text, '');
        const [entry] = await listAudit(handle.db);
        assert.deepEqual(
          { actor: entry?.actorMemberId, action: entry?.action, target: entry?.target, at: entry?.at },
          { actor: 'admin', action: 'interview.delete', target: 'd', at: T0 + 50 },
        );
        assert.equal(await interviews.setGuestLinkRevoked('d', true), false);
      });

      it('erases everything about one candidate by email or by name, any case, audited with the count', async () => {
        await interviews.create({ id: 'e1', title: 'One', language: 'python', candidateEmail: 'Zoe@Example.com', createdAt: T0 });
        await interviews.create({ id: 'e2', title: 'Two', language: 'python', candidateEmail: 'zoe@example.com', createdAt: T0 });
        await interviews.create({ id: 'e3', title: 'Three', language: 'python', candidateName: 'Zoë Ünal', createdAt: T0 });
        await interviews.create({ id: 'e4', title: 'Zoë Ünal Jr', language: 'python', candidateName: 'Zoë Ünal Jr', createdAt: T0 });
        assert.equal(await interviews.eraseCandidate({ email: 'ZOE@example.com' }, { memberId: null }), 2);
        assert.equal(await interviews.eraseCandidate({ name: 'zoë ünal' }, { memberId: null }), 1);
        assert.deepEqual(
          (await interviews.list({ scope: 'team' })).items.map((item) => item.id),
          ['e4'],
        );
        const audit = await listAudit(handle.db);
        assert.deepEqual(
          audit.map((entry) => [entry.action, entry.details.deleted]),
          [
            ['candidate.erase', 1],
            ['candidate.erase', 2],
          ],
        );
        await assert.rejects(interviews.eraseCandidate({}, { memberId: null }), (error: unknown) => error instanceof AppError);
      });

      it('retention removes interviews ended before the cutoff (and old tombstones), audited; live ones stay', async () => {
        await interviews.saveSnapshot(snapshot('old', { status: 'ended', endedAt: T0 }));
        await interviews.saveSnapshot(snapshot('recent', { status: 'ended', endedAt: T0 + 10_000 }));
        await interviews.saveSnapshot(snapshot('live', { status: 'live' }));
        await interviews.create({ id: 'tomb', title: 'x', language: 'python', createdAt: T0 });
        await interviews.delete('tomb', { memberId: null }, T0);
        assert.equal(await interviews.deleteEndedBefore(T0 + 5_000, T0 + 20_000, 1), 2);
        const left = await handle.db.selectFrom('interviews').select('id').orderBy('id').execute();
        assert.deepEqual(
          left.map((row) => row.id),
          ['live', 'recent'],
        );
        const retention = (await listAudit(handle.db)).filter((entry) => entry.action === 'retention.delete');
        assert.equal(
          retention.reduce((sum, entry) => sum + Number(entry.details.deleted), 0),
          2,
        );
      });

      it('endAbandoned ends live interviews that went quiet, at their last write', async () => {
        await interviews.saveSnapshot(snapshot('quiet', { at: T0 + 1 }));
        await interviews.saveSnapshot(snapshot('busy', { at: T0 + 10_000 }));
        assert.equal(await interviews.endAbandoned(T0 + 5_000), 1);
        const quiet = await interviews.get('quiet');
        assert.deepEqual([quiet?.status, quiet?.endedAt], ['ended', T0 + 1]);
        assert.equal((await interviews.get('busy'))?.status, 'live');
      });

      /**
       * Another writer of the same interviews, as a second node would be. PostgreSQL: a second
       * pool. SQLite has one connection per process (a second one in the same process would block
       * the event loop on the first one's lock): the writers race through its one connection.
       */
      const secondWriter = async (): Promise<InterviewRepository> => {
        if (handle.engine !== 'postgres') return interviews;
        const other = await reopen();
        opened.push(other);
        return new InterviewRepository(other.db, other.engine);
      };

      it('two connections saving the same interview at once make one row holding both', async () => {
        const second = await secondWriter();
        await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            (index % 2 ? second : interviews).saveSnapshot(snapshot('race', { roomState: roomStateWith(String(index)) })),
          ),
        );
        const code = codeOf((await interviews.get('race'))?.roomState ?? null);
        assert.equal([...code].sort().join(''), '012345');
        assert.equal((await handle.db.selectFrom('interviews').select('id').execute()).length, 1);
      });

      it('writeSnapshot: of writers racing to change the status, exactly one is told each change (the webhooks fire once)', async () => {
        const second = await secondWriter();
        assert.equal(await interviews.create({ id: 'once', title: 'x', language: 'python', createdAt: T0 }), true);
        assert.equal(await second.create({ id: 'once', title: 'x', language: 'python', createdAt: T0 }), false);
        // Every writer last saw the row upcoming (the fast path's basedOn), or nothing (the merge).
        const base = await interviews.writeSnapshot(snapshot('once', { status: 'upcoming', startedAt: null }));
        const race = (status: 'live' | 'ended') =>
          Promise.all(
            Array.from({ length: 6 }, (_, index) =>
              (index % 2 ? second : interviews).writeSnapshot(
                snapshot('once', {
                  status,
                  roomState: roomStateWith(`${status}${index}`),
                  endedAt: status === 'ended' ? T0 + 5_000 : null,
                  ...(index < 3 ? { basedOn: base.saved } : {}),
                }),
              ),
            ),
          );
        const changes = (writes: Awaited<ReturnType<typeof race>>) =>
          writes.filter((write) => write.saved && write.previousStatus !== write.saved.status).map((write) => write.previousStatus);
        assert.deepEqual(changes(await race('live')), ['upcoming']);
        assert.deepEqual(changes(await race('ended')), ['live']);
        assert.equal((await interviews.get('once'))?.status, 'ended');
      });

      it('endAbandonedIds: two nodes ending abandoned interviews at once each end (and report) different ones', async () => {
        const second = await secondWriter();
        for (let index = 0; index < 20; index += 1) await interviews.saveSnapshot(snapshot(`quiet-${index}`, { at: T0 + index }));
        const [a, b] = await Promise.all([interviews.endAbandonedIds(T0 + 5_000), second.endAbandonedIds(T0 + 5_000)]);
        const ids = [...a!, ...b!].map((entry) => entry.id).sort();
        assert.deepEqual(ids, Array.from({ length: 20 }, (_, index) => `quiet-${index}`).sort());
        assert.equal(a!.find((entry) => entry.id === 'quiet-3')?.endedAt ?? b!.find((entry) => entry.id === 'quiet-3')?.endedAt, T0 + 3);
      });

      it('raw SQL agrees: timestamps compare as integers on both engines', async () => {
        await interviews.create({ id: 'big', title: 'x', language: 'python', createdAt: 4_102_444_800_000 });
        const { rows } = await sql<{ id: string }>`select id from interviews where created_at > ${2 ** 32}`.execute(handle.db);
        assert.deepEqual(
          rows.map((row) => row.id),
          ['big'],
        );
      });
    });
  });
}
