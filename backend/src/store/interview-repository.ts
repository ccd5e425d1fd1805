import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { AppError } from '@pairpad/protocol';
import { writeAudit } from './audit-log';
import type { DatabaseEngine } from './database';
import type { Database, InterviewRow, InterviewStatus, MemberRole, RecommendationValue } from './database-schema';
import { mergeRoomStates, mergeYjsUpdates } from './room-state-codec';

/** One line of the dashboard (the contract's `InterviewSummary`; times in ms since the epoch). */
export interface InterviewSummary {
  id: string;
  title: string;
  language: string;
  questionId: string | null;
  questionTitle: string | null;
  candidateName: string | null;
  status: InterviewStatus;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  createdBy: { id: string; name: string } | null;
}

export interface InterviewParticipant {
  name: string;
  role: string;
}

/** Everything kept about one interview, for the report, the playback and access checks. */
export interface InterviewRecord extends InterviewSummary {
  candidateEmail: string | null;
  interviewerTokenHash: string | null;
  guestLinkRevoked: boolean;
  updatedAt: number;
  /** `encodeRoomState` blob, null until the room first opened. */
  roomState: Uint8Array | null;
  notesState: Uint8Array | null;
  finalCode: Record<string, string> | null;
  participants: InterviewParticipant[];
}

/** The session record, written when the session is created (POST /api/sessions). */
export interface NewInterview {
  id: string;
  title: string;
  language: string;
  questionId?: string | null;
  questionTitle?: string | null;
  createdBy?: string | null;
  candidateName?: string | null;
  candidateEmail?: string | null;
  interviewerTokenHash?: string | null;
  createdAt: number;
}

/** What the archive writes of a live room, as it goes. */
export interface InterviewSnapshot {
  id: string;
  /** Used when the row does not exist yet (it was created while the database was down, say). */
  createdAt: number;
  interviewerTokenHash?: string | null;
  title: string;
  language: string;
  questionId: string | null;
  questionTitle: string | null;
  /** Never goes back: ended stays ended, live never returns to upcoming. */
  status: InterviewStatus;
  startedAt: number | null;
  endedAt: number | null;
  /** Fills the column only when it is empty (the name given at creation wins). */
  candidateName: string | null;
  roomState: Uint8Array;
  notesState: Uint8Array | null;
  finalCode: Record<string, string> | null;
  participants: InterviewParticipant[];
  at: number;
  /**
   * What this writer's last `saveSnapshot` answered. When the row still holds exactly that
   * (same states, same update time), nobody else wrote since: one UPDATE writes the new values,
   * and the new states — the same room's, so a superset — replace the old ones without a merge
   * (`Y.mergeUpdates` of a 30 KB state costs ~20 ms of CPU). Otherwise the row is read and merged.
   */
  basedOn?: SavedSnapshot | null;
}

/** What a snapshot left in the row: the next snapshot of the same writer is `basedOn` it. */
export type SavedSnapshot = Pick<
  InterviewRow,
  | 'title'
  | 'language'
  | 'question_id'
  | 'question_title'
  | 'status'
  | 'candidate_name'
  | 'candidate_email'
  | 'started_at'
  | 'ended_at'
  | 'updated_at'
  | 'final_code'
  | 'participants'
  | 'search_text'
  | 'room_state'
  | 'notes_state'
>;

/** What `writeSnapshot` did: the row's values now, and its status just before (null: nothing written). */
export interface SnapshotWrite {
  saved: SavedSnapshot | null;
  previousStatus: InterviewStatus | null;
}

export type InterviewScope = 'mine' | 'team';

/** The dashboard's list query; zod-free: the REST layer parses, this trusts its types. */
export interface InterviewListQuery {
  scope: InterviewScope;
  /** The member asking: required for `mine`. */
  memberId?: string | null;
  status?: InterviewStatus;
  /** Matches title, question title, candidate name or email, any case, anywhere in them. */
  q?: string;
  /** Created at or after (ms). */
  from?: number;
  /** Created before (ms). */
  to?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /**
   * Only interviews with a submitted scorecard of this recommendation that the viewer
   * (`memberId`, `role`) may see: they submitted their own, or they are an admin who neither
   * created it, joined it nor scored it (scorecards/scorecard-repository.ts has the same rule).
   */
  recommendation?: RecommendationValue;
  /** The viewer's role, for `recommendation`. */
  role?: MemberRole;
  /** 1–100, default 20. */
  limit?: number;
}

export interface InterviewPage {
  items: InterviewSummary[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const STATUS_ORDER: Record<InterviewStatus, number> = { upcoming: 0, live: 1, ended: 2 };

/** Lowercased in JavaScript, the same on both engines (SQLite folds ASCII only). */
export function searchTextOf(fields: {
  title: string;
  questionTitle: string | null;
  candidateName: string | null;
  candidateEmail: string | null;
}): string {
  return [fields.title, fields.questionTitle, fields.candidateName, fields.candidateEmail]
    .filter((value): value is string => !!value)
    .join('\n')
    .toLowerCase();
}

/** `%`, `_` and the escape itself match literally in a LIKE pattern. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** `column` contains `text`, matched on the lowercased search text (the same on both engines). */
function contains(column: string, text: string) {
  return sql<boolean>`${sql.ref(column)} like ${likePattern(text)} escape '\\'`;
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // Falls through to the named error.
  }
  throw new AppError('VALIDATION_FAILED', 'That page cursor is not valid; start again from the first page.', { cursor: 'invalid cursor' });
}

/** SQLite binds Buffers, never plain Uint8Arrays; pg takes either. */
function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function mergeParticipants(a: InterviewParticipant[], b: InterviewParticipant[]): InterviewParticipant[] {
  const seen = new Map<string, InterviewParticipant>();
  for (const entry of [...a, ...b]) seen.set(`${entry.role}\u0000${entry.name}`, { name: entry.name, role: entry.role });
  return [...seen.values()];
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

type SummaryRow = Pick<
  InterviewRow,
  | 'id'
  | 'title'
  | 'language'
  | 'question_id'
  | 'question_title'
  | 'candidate_name'
  | 'status'
  | 'created_at'
  | 'started_at'
  | 'ended_at'
  | 'created_by'
> & { creator_name: string | null };

function toSummary(row: SummaryRow): InterviewSummary {
  return {
    id: row.id,
    title: row.title,
    language: row.language,
    questionId: row.question_id,
    questionTitle: row.question_title,
    candidateName: row.candidate_name,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    createdBy: row.created_by === null ? null : { id: row.created_by, name: row.creator_name ?? '' },
  };
}

/**
 * The row after `snapshot`: status never goes back, the first start and the first end stay,
 * the candidate's name given at creation wins, code per language and participants accumulate.
 * `mergeStates`: unite the stored Yjs states with the snapshot's (another writer may have
 * written); else the snapshot's replace them.
 */
function nextRow(current: SavedSnapshot, snapshot: InterviewSnapshot, mergeStates: boolean): SavedSnapshot {
  const status = STATUS_ORDER[snapshot.status] > STATUS_ORDER[current.status] ? snapshot.status : current.status;
  const title = snapshot.title || current.title;
  const questionTitle = snapshot.questionTitle ?? current.question_title;
  const candidateName = current.candidate_name ?? snapshot.candidateName;
  return {
    title,
    language: snapshot.language,
    question_id: snapshot.questionId ?? current.question_id,
    question_title: questionTitle,
    status,
    candidate_name: candidateName,
    candidate_email: current.candidate_email,
    started_at: minOf(current.started_at, snapshot.startedAt),
    ended_at: status === 'ended' ? (current.ended_at ?? snapshot.endedAt ?? snapshot.at) : null,
    updated_at: Math.max(current.updated_at, snapshot.at),
    final_code: snapshot.finalCode
      ? JSON.stringify({ ...parseJson<Record<string, string>>(current.final_code, {}), ...snapshot.finalCode })
      : current.final_code,
    participants: JSON.stringify(mergeParticipants(parseJson<InterviewParticipant[]>(current.participants, []), snapshot.participants)),
    search_text: searchTextOf({ title, questionTitle, candidateName, candidateEmail: current.candidate_email }),
    room_state: mergeStates ? mergeRoomStates(current.room_state, snapshot.roomState) : snapshot.roomState,
    notes_state: mergeStates ? mergeYjsUpdates(current.notes_state, snapshot.notesState) : snapshot.notesState,
  };
}

/** The columns a snapshot sets (the candidate's email is set at creation only). */
function rowValues(row: SavedSnapshot) {
  const { candidate_email: _email, room_state, notes_state, ...rest } = row;
  return { ...rest, room_state: toBuffer(room_state), notes_state: toBuffer(notes_state) };
}

/**
 * Interviews in the database: the session record at creation, the live room's snapshots, the
 * dashboard's list, deletion and retention (each deletion audited in the same transaction).
 * Works the same on SQLite and PostgreSQL (one contract suite runs on both).
 */
/** The `interviews` row of a session just created: `upcoming`, nobody in it yet. */
function newInterviewRow(input: NewInterview) {
  return {
    id: input.id,
    title: input.title,
    language: input.language,
    question_id: input.questionId ?? null,
    question_title: input.questionTitle ?? null,
    status: 'upcoming' as const,
    created_by: input.createdBy ?? null,
    candidate_name: input.candidateName ?? null,
    candidate_email: input.candidateEmail?.trim().toLowerCase() || null,
    interviewer_token_hash: input.interviewerTokenHash ?? null,
    created_at: input.createdAt,
    updated_at: input.createdAt,
    participants: '[]',
    search_text: searchTextOf({
      title: input.title,
      questionTitle: input.questionTitle ?? null,
      candidateName: input.candidateName ?? null,
      candidateEmail: input.candidateEmail ?? null,
    }),
  };
}

export class InterviewRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: DatabaseEngine,
  ) {}

  /** Writes the session record as `upcoming`; a second call for the same id changes nothing (and answers false). */
  async create(input: NewInterview): Promise<boolean> {
    const result = await this.db
      .insertInto('interviews')
      .values(newInterviewRow(input))
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * `create` for several interviews in one statement (one round trip); answers the ids written
   * (an id already in the table is left as it is, as `create` leaves it). One row the database
   * refuses fails the whole statement.
   */
  async createMany(inputs: readonly NewInterview[]): Promise<Set<string>> {
    if (inputs.length === 0) return new Set();
    const rows = await this.db
      .insertInto('interviews')
      .values(inputs.map(newInterviewRow))
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returning('id')
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Writes a live room's state: creates the row if it is missing, else merges into it (Yjs
   * states merged, so two nodes writing the same interview lose nothing and make one row).
   * Answers the states now in the row, or null when the interview was deleted meanwhile
   * (nothing is written).
   */
  async saveSnapshot(snapshot: InterviewSnapshot): Promise<SavedSnapshot | null> {
    return (await this.writeSnapshot(snapshot)).saved;
  }

  /**
   * `saveSnapshot`, also answering the status the row held just before this write (null when
   * nothing was written). Exact across nodes: the fast path's UPDATE is conditional on that status,
   * the merge reads it under the row lock (PostgreSQL) or the single writer (SQLite), so a change of
   * status (upcoming → live, → ended) is seen by exactly one writer: the archive publishes it.
   */
  async writeSnapshot(snapshot: InterviewSnapshot): Promise<SnapshotWrite> {
    const over = await this.saveOver(snapshot);
    if (over) return over;
    return this.saveMerging(snapshot);
  }

  /**
   * The common case, one statement: the row still holds what this writer wrote last (`basedOn`),
   * so the new values follow from those alone. Undefined when it does not (or no `basedOn`).
   */
  private async saveOver(snapshot: InterviewSnapshot): Promise<SnapshotWrite | undefined> {
    const previous = snapshot.basedOn;
    if (!previous) return undefined;
    const next = nextRow(previous, snapshot, false);
    let update = this.db
      .updateTable('interviews')
      .set(rowValues(next))
      .where('id', '=', snapshot.id)
      .where('deleted_at', 'is', null)
      .where('status', '=', previous.status)
      .where('updated_at', '=', previous.updated_at)
      .where('room_state', '=', toBuffer(previous.room_state)!);
    update =
      previous.notes_state === null
        ? update.where('notes_state', 'is', null)
        : update.where('notes_state', '=', toBuffer(previous.notes_state)!);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? { saved: next, previousStatus: previous.status } : undefined;
  }

  /** Creates the row if missing, reads it (locked on PostgreSQL) and merges into it. */
  private async saveMerging(snapshot: InterviewSnapshot): Promise<SnapshotWrite> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('interviews')
        .values({
          id: snapshot.id,
          title: snapshot.title,
          language: snapshot.language,
          status: 'upcoming',
          interviewer_token_hash: snapshot.interviewerTokenHash ?? null,
          created_at: snapshot.createdAt,
          updated_at: snapshot.at,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      let select = trx.selectFrom('interviews').selectAll().where('id', '=', snapshot.id);
      // Two nodes writing one interview take turns on PostgreSQL; SQLite has one writer anyway.
      if (this.engine === 'postgres') select = select.forUpdate();
      const current = await select.executeTakeFirstOrThrow();
      if (current.deleted_at !== null) return { saved: null, previousStatus: null };
      const next = nextRow(current, snapshot, true);
      await trx.updateTable('interviews').set(rowValues(next)).where('id', '=', snapshot.id).execute();
      return { saved: next, previousStatus: current.status };
    });
  }

  /** The columns of an `InterviewSummary` (`toSummary`), with the creator's name. */
  private summaries() {
    return this.db
      .selectFrom('interviews')
      .leftJoin('members', 'members.id', 'interviews.created_by')
      .select([
        'interviews.id',
        'interviews.title',
        'interviews.language',
        'interviews.question_id',
        'interviews.question_title',
        'interviews.candidate_name',
        'interviews.status',
        'interviews.created_at',
        'interviews.started_at',
        'interviews.ended_at',
        'interviews.created_by',
        'members.name as creator_name',
      ]);
  }

  /** One interview with everything kept; null when unknown or deleted. */
  async get(id: string): Promise<InterviewRecord | null> {
    const row = await this.db
      .selectFrom('interviews')
      .leftJoin('members', 'members.id', 'interviews.created_by')
      .selectAll('interviews')
      .select('members.name as creator_name')
      .where('interviews.id', '=', id)
      .where('interviews.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    return {
      ...toSummary(row),
      candidateEmail: row.candidate_email,
      interviewerTokenHash: row.interviewer_token_hash,
      guestLinkRevoked: row.guest_link_revoked === 1,
      updatedAt: row.updated_at,
      roomState: row.room_state,
      notesState: row.notes_state,
      finalCode: parseJson<Record<string, string> | null>(row.final_code, null),
      participants: parseJson<InterviewParticipant[]>(row.participants, []),
    };
  }

  /** One interview's summary and candidate email, without the stored states (webhook payloads); null when unknown or deleted. */
  async summary(id: string): Promise<(InterviewSummary & { candidateEmail: string | null }) | null> {
    const row = await this.summaries()
      .select('interviews.candidate_email')
      .where('interviews.id', '=', id)
      .where('interviews.deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? { ...toSummary(row), candidateEmail: row.candidate_email } : null;
  }

  /** The dashboard's page: newest first, keyset-paginated on (created_at, id). */
  async list(query: InterviewListQuery): Promise<InterviewPage> {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    let select = this.summaries().where('interviews.deleted_at', 'is', null);
    if (query.scope === 'mine') {
      if (!query.memberId)
        throw new AppError('VALIDATION_FAILED', '"My interviews" needs a signed-in member.', { scope: 'mine needs a member' });
      select = select.where('interviews.created_by', '=', query.memberId);
    }
    if (query.status) select = select.where('interviews.status', '=', query.status);
    const q = query.q?.trim();
    if (q) select = select.where(contains('interviews.search_text', q));
    if (query.from !== undefined) select = select.where('interviews.created_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('interviews.created_at', '<', query.to);
    if (query.recommendation) select = select.where(this.recommendationFilter(query.recommendation, query.memberId ?? null, query.role));
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      // A row value: both engines seek the (created_at, id) index to it instead of scanning to it.
      select = select.where((eb) => eb(eb.refTuple('interviews.created_at', 'interviews.id'), '<', eb.tuple(after.createdAt, after.id)));
    }
    const rows = await select
      .orderBy('interviews.created_at', 'desc')
      .orderBy('interviews.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toSummary), nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
  }

  /** `recommendation` of the list query, as a condition on the `interviews` row. */
  private recommendationFilter(recommendation: RecommendationValue, memberId: string | null, role: MemberRole | undefined) {
    return (eb: ExpressionBuilder<Database & { interviews: Database['interviews'] }, 'interviews'>) => {
      const scorecard = (alias: 'matching' | 'own') =>
        eb.selectFrom(`scorecards as ${alias}`).select(`${alias}.id`).whereRef(`${alias}.interview_id`, '=', 'interviews.id');
      const matching = eb.exists(
        scorecard('matching').where('matching.status', '=', 'submitted').where('matching.recommendation', '=', recommendation),
      );
      if (memberId === null) return matching;
      const own = scorecard('own').where('own.member_id', '=', memberId);
      const onIt = eb
        .selectFrom('interview_interviewers as joined')
        .select('joined.member_id')
        .whereRef('joined.interview_id', '=', 'interviews.id')
        .where('joined.member_id', '=', memberId);
      const ownSubmitted = eb.exists(own.where('own.status', '=', 'submitted'));
      const visible =
        role === 'admin'
          ? eb.or([
              ownSubmitted,
              eb.and([
                eb.or([eb('interviews.created_by', 'is', null), eb('interviews.created_by', '!=', memberId)]),
                eb.not(eb.exists(onIt)),
                eb.not(eb.exists(scorecard('own').where('own.member_id', '=', memberId))),
              ]),
            ])
          : ownSubmitted;
      return eb.and([matching, visible]);
    };
  }

  /** Revokes (or restores) the guest interviewer link of one interview; false when there is none. */
  async setGuestLinkRevoked(id: string, revoked: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('interviews')
      .set({ guest_link_revoked: revoked ? 1 : 0 })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Deletes one interview: its content (room, notes, code, candidate, participants, scorecards) is erased at
   * once, and a tombstone of the id stays, so that a room still open somewhere cannot write it
   * back. Audited. False when there was nothing to delete.
   */
  async delete(id: string, actor: { memberId: string | null; reason?: string }, at: number = Date.now()): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const erased = await this.erase(trx, [id], at);
      if (erased === 0) return false;
      await writeAudit(
        trx,
        { actorMemberId: actor.memberId, action: 'interview.delete', target: id, details: actor.reason ? { reason: actor.reason } : {} },
        at,
      );
      return true;
    });
  }

  /**
   * Erases every interview of one candidate, by email (any case) or by exact name (any case).
   * Audited with the count; the candidate's email or name is kept only there, as the request.
   */
  async eraseCandidate(
    candidate: { email?: string; name?: string },
    actor: { memberId: string | null },
    at: number = Date.now(),
  ): Promise<number> {
    const wanted = candidateMatch(candidate);
    return this.db.transaction().execute(async (trx) => {
      const ids = await candidateInterviewIds(trx, wanted);
      const count = await this.erase(trx, ids, at);
      await writeAudit(
        trx,
        {
          actorMemberId: actor.memberId,
          action: 'candidate.erase',
          target: wanted.email ?? wanted.name ?? '',
          details: { deleted: count, by: wanted.email ? 'email' : 'name', interviews: ids },
        },
        at,
      );
      return count;
    });
  }

  /** How many interviews `eraseCandidate` would erase now (the admin's look before erasing). */
  async countCandidateInterviews(candidate: { email?: string; name?: string }): Promise<number> {
    return (await candidateInterviewIds(this.db, candidateMatch(candidate))).length;
  }

  /**
   * Retention: removes ended interviews that ended before `cutoff` and tombstones deleted
   * before it, in batches. Audited (one entry per run that removed something).
   */
  async deleteEndedBefore(cutoff: number, at: number = Date.now(), batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.db.transaction().execute(async (trx) => {
        const ids = (
          await trx
            .selectFrom('interviews')
            .select('id')
            .where((eb) => eb.or([eb.and([eb('status', '=', 'ended'), eb('ended_at', '<', cutoff)]), eb('deleted_at', '<', cutoff)]))
            .limit(batchSize)
            .execute()
        ).map((row) => row.id);
        if (ids.length === 0) return 0;
        await trx.deleteFrom('interviews').where('id', 'in', ids).execute();
        await this.eraseWebhookDeliveries(trx, ids);
        await writeAudit(
          trx,
          {
            actorMemberId: null,
            action: 'retention.delete',
            target: 'interviews',
            details: { deleted: ids.length, endedBefore: cutoff, interviews: ids },
          },
          at,
        );
        return ids.length;
      });
      total += removed;
      if (removed < batchSize) return total;
    }
  }

  /**
   * Interviews whose room went quiet before `cutoff` without being ended (the session expired,
   * or the only node holding it restarted): marked ended at their last write, so that "live now"
   * stays true. Returns how many.
   */
  async endAbandoned(cutoff: number): Promise<number> {
    return (await this.endAbandonedIds(cutoff)).length;
  }

  /**
   * `endAbandoned`, answering each interview it ended with its end time. One conditional UPDATE:
   * when several nodes run it at once, each row is ended (and answered) by one of them only.
   */
  async endAbandonedIds(cutoff: number): Promise<Array<{ id: string; endedAt: number }>> {
    const rows = await this.db
      .updateTable('interviews')
      .set((eb) => ({ status: 'ended', ended_at: eb.ref('updated_at') }))
      .where('status', '=', 'live')
      .where('updated_at', '<', cutoff)
      .where('deleted_at', 'is', null)
      .returning(['id', 'ended_at'])
      .execute();
    return rows.map((row) => ({ id: row.id, endedAt: row.ended_at ?? cutoff }));
  }

  /**
   * Webhook deliveries about these interviews carry the candidate's name and email in their
   * payloads: they go with the interview (erased, deleted, or past retention), sent or not.
   */
  private async eraseWebhookDeliveries(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await trx.deleteFrom('webhook_deliveries').where('interview_id', 'in', ids).execute();
  }

  private async erase(trx: Kysely<Database>, ids: readonly string[], at: number): Promise<number> {
    if (ids.length === 0) return 0;
    await this.eraseWebhookDeliveries(trx, ids);
    const result = await trx
      .updateTable('interviews')
      .set({
        title: '',
        question_title: null,
        candidate_name: null,
        candidate_email: null,
        interviewer_token_hash: null,
        room_state: null,
        notes_state: null,
        final_code: null,
        participants: '[]',
        search_text: '',
        deleted_at: at,
        updated_at: at,
      })
      .where('id', 'in', ids)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    // The interviewers' judgements of the candidate go with the interview (revisions cascade).
    await trx.deleteFrom('scorecards').where('interview_id', 'in', ids).execute();
    await trx.deleteFrom('interview_rubrics').where('interview_id', 'in', ids).execute();
    await trx.deleteFrom('interview_interviewers').where('interview_id', 'in', ids).execute();
    return Number(result.numUpdatedRows);
  }
}

interface CandidateMatch {
  email: string | undefined;
  name: string | undefined;
}

function candidateMatch(candidate: { email?: string; name?: string }): CandidateMatch {
  const email = candidate.email?.trim().toLowerCase() || undefined;
  const name = candidate.name?.trim().toLowerCase() || undefined;
  if (!email && !name)
    throw new AppError('VALIDATION_FAILED', "Give the candidate's email or name.", { candidate: 'email or name required' });
  return { email, name };
}

/** The kept interviews of one candidate: by email (stored lowercased), or by exact name in any case. */
async function candidateInterviewIds(db: Kysely<Database>, { email, name }: CandidateMatch): Promise<string[]> {
  // Names are narrowed with the lowercased search text, then compared exactly here (SQLite's
  // lower() folds ASCII only).
  const rows = await db
    .selectFrom('interviews')
    .select(['id', 'candidate_name', 'candidate_email'])
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([...(email ? [eb('candidate_email', '=', email)] : []), ...(name ? [contains('search_text', name)] : [])]))
    .execute();
  return rows
    .filter((row) => (email && row.candidate_email === email) || (name && row.candidate_name?.trim().toLowerCase() === name))
    .map((row) => row.id);
}
