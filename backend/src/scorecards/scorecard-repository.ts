import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
  emptyRecommendationCounts,
  RubricSchema,
  RubricSourceSchema,
  type CriterionScore,
  type Recommendation,
  type RecommendationCounts,
  type Rubric,
  type RubricSource,
} from '@pairpad/protocol';
import type { Database, ScorecardStatus, ScorecardsTable } from '../store';

/**
 * Who is looking at an interview's scorecards. A member sees what the independent-judgement rule
 * lets them (`listForInterview`); an API token (public API) sees every submitted scorecard,
 * never a draft.
 */
export type ScorecardViewer = { kind: 'member'; memberId: string; role: 'admin' | 'interviewer' } | { kind: 'api' };

export interface ScorecardRevisionRecord {
  version: number;
  submittedAt: number;
  scores: Record<string, CriterionScore>;
  recommendation: Recommendation | null;
  notes: string;
}

/** One member's scorecard for one interview (times in ms since the epoch). */
export interface ScorecardRecord {
  id: string;
  interviewId: string;
  author: { id: string; name: string };
  status: ScorecardStatus;
  scores: Record<string, CriterionScore>;
  recommendation: Recommendation | null;
  notes: string;
  /** Submitted versions so far (0: a draft never submitted). */
  version: number;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  /** Earlier submitted versions, oldest first (the current one excluded). */
  history: ScorecardRevisionRecord[];
}

/**
 * What a viewer may see of one interview's scorecards:
 * - `all`: every submitted scorecard, plus the viewer's own (draft or not);
 * - `own`: the viewer's own only — they may score this interview and have not submitted yet;
 * - `none`: a member who is not an interviewer of it and not an admin.
 */
export interface ScorecardListing {
  visibility: 'all' | 'own' | 'none';
  scorecards: ScorecardRecord[];
  /** Submitted scorecards of others withheld from this viewer. */
  hiddenCount: number;
}

export interface ScorecardContent {
  scores: Record<string, CriterionScore>;
  recommendation: Recommendation | null;
  notes: string;
}

export interface StoredRubric {
  rubric: Rubric;
  source: RubricSource;
}

/** The interview facts the scorecard rules need. */
export interface ScoredInterview {
  id: string;
  questionId: string | null;
  createdBy: string | null;
}

type ScorecardRow = Selectable<ScorecardsTable>;

/**
 * Scorecards on the database (both engines): one per (interview, member), the submitted versions
 * in `scorecard_revisions`, the interview's frozen rubric in `interview_rubrics`, the members who
 * joined an interview as its interviewer in `interview_interviewers`. Knows nothing of HTTP.
 */
export class ScorecardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A signed-in member joined the interview's room as its interviewer (idempotent). */
  async recordInterviewer(interviewId: string, memberId: string, at: number = Date.now()): Promise<void> {
    await this.db
      .insertInto('interview_interviewers')
      .values({ interview_id: interviewId, member_id: memberId, joined_at: at })
      .onConflict((conflict) => conflict.columns(['interview_id', 'member_id']).doNothing())
      .execute();
  }

  /** The interview (not deleted), or null. */
  async interview(interviewId: string): Promise<ScoredInterview | null> {
    const row = await this.db
      .selectFrom('interviews')
      .select(['id', 'question_id', 'created_by'])
      .where('id', '=', interviewId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, questionId: row.question_id, createdBy: row.created_by } : null;
  }

  /** Whether the member may score this interview: they created it or joined its room as interviewer. */
  async isInterviewer(interview: ScoredInterview, memberId: string): Promise<boolean> {
    if (interview.createdBy === memberId) return true;
    const row = await this.db
      .selectFrom('interview_interviewers')
      .select('member_id')
      .where('interview_id', '=', interview.id)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async rubricOf(interviewId: string): Promise<StoredRubric | null> {
    const row = await this.db
      .selectFrom('interview_rubrics')
      .select(['rubric', 'source'])
      .where('interview_id', '=', interviewId)
      .executeTakeFirst();
    if (!row) return null;
    return { rubric: RubricSchema.parse(JSON.parse(row.rubric)), source: RubricSourceSchema.parse(JSON.parse(row.source)) };
  }

  /** Freezes the interview's rubric unless one is frozen already; answers the one in force. */
  async freezeRubric(interviewId: string, rubric: StoredRubric, at: number = Date.now()): Promise<StoredRubric> {
    await this.db
      .insertInto('interview_rubrics')
      .values({ interview_id: interviewId, rubric: JSON.stringify(rubric.rubric), source: JSON.stringify(rubric.source), created_at: at })
      .onConflict((conflict) => conflict.column('interview_id').doNothing())
      .execute();
    return (await this.rubricOf(interviewId)) ?? rubric;
  }

  async getOwn(interviewId: string, memberId: string): Promise<ScorecardRecord | null> {
    const rows = await this.selectScorecards(interviewId).where('scorecards.member_id', '=', memberId).execute();
    const [record] = await this.withHistory(rows);
    return record ?? null;
  }

  /** Autosave: creates or updates the member's draft. The caller checked it is not submitted. */
  async saveDraft(interviewId: string, memberId: string, content: ScorecardContent, at: number = Date.now()): Promise<void> {
    await this.db
      .insertInto('scorecards')
      .values({
        id: randomUUID(),
        interview_id: interviewId,
        member_id: memberId,
        status: 'draft',
        ...contentColumns(content),
        version: 0,
        created_at: at,
        updated_at: at,
        submitted_at: null,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['interview_id', 'member_id'])
          .doUpdateSet({ ...contentColumns(content), updated_at: at })
          .where('scorecards.status', '=', 'draft'),
      )
      .execute();
  }

  /** Submits (or submits again, after an edit): a new version, kept in the revisions. */
  async submit(interviewId: string, memberId: string, content: ScorecardContent, at: number = Date.now()): Promise<ScorecardRecord> {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('scorecards')
        .select(['id', 'version'])
        .where('interview_id', '=', interviewId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      const id = existing?.id ?? randomUUID();
      const version = (existing?.version ?? 0) + 1;
      const columns = { ...contentColumns(content), status: 'submitted' as const, version, updated_at: at, submitted_at: at };
      if (existing) await trx.updateTable('scorecards').set(columns).where('id', '=', id).execute();
      else
        await trx
          .insertInto('scorecards')
          .values({ id, interview_id: interviewId, member_id: memberId, created_at: at, ...columns })
          .execute();
      await trx
        .insertInto('scorecard_revisions')
        .values({ scorecard_id: id, version, ...contentColumns(content), submitted_at: at })
        .execute();
    });
    const record = await this.getOwn(interviewId, memberId);
    if (!record) throw new Error('a submitted scorecard vanished');
    return record;
  }

  /** The interview's scorecards as this viewer may see them (the independent-judgement rule). */
  async listForInterview(interviewId: string, viewer: ScorecardViewer): Promise<ScorecardListing> {
    const rows = await this.selectScorecards(interviewId).execute();
    const submitted = rows.filter((row) => row.status === 'submitted');
    if (viewer.kind === 'api') return { visibility: 'all', scorecards: await this.withHistory(submitted), hiddenCount: 0 };
    const own = rows.find((row) => row.member_id === viewer.memberId);
    const others = submitted.filter((row) => row.member_id !== viewer.memberId);
    const visibility = await this.visibilityFor(interviewId, viewer, own);
    if (visibility === 'all') return { visibility, scorecards: await this.withHistory(own ? [own, ...others] : others), hiddenCount: 0 };
    return { visibility, scorecards: await this.withHistory(own ? [own] : []), hiddenCount: others.length };
  }

  /**
   * Recommendation counts of submitted scorecards per interview, for the dashboard: null where
   * the viewer may not see them yet (same rule as `listForInterview`).
   */
  async recommendationSummaries(
    interviewIds: readonly string[],
    viewer: ScorecardViewer,
  ): Promise<Map<string, RecommendationCounts | null>> {
    const result = new Map<string, RecommendationCounts | null>();
    if (interviewIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('scorecards')
      .select(['interview_id', 'member_id', 'status', 'recommendation'])
      .where('interview_id', 'in', [...interviewIds])
      .execute();
    const visible = await this.visibleInterviews(interviewIds, viewer, rows);
    for (const id of interviewIds) result.set(id, visible.has(id) ? emptyRecommendationCounts() : null);
    for (const row of rows) {
      const counts = result.get(row.interview_id);
      if (counts && row.status === 'submitted' && row.recommendation) counts[row.recommendation] += 1;
    }
    return result;
  }

  private async visibleInterviews(
    interviewIds: readonly string[],
    viewer: ScorecardViewer,
    rows: ReadonlyArray<{ interview_id: string; member_id: string; status: ScorecardStatus }>,
  ): Promise<Set<string>> {
    if (viewer.kind === 'api') return new Set(interviewIds);
    const visible = new Set<string>();
    const mine = new Map(rows.filter((row) => row.member_id === viewer.memberId).map((row) => [row.interview_id, row.status]));
    for (const [id, status] of mine) if (status === 'submitted') visible.add(id);
    if (viewer.role !== 'admin') return visible;
    const scoring = await this.interviewsScoredBy(interviewIds, viewer.memberId);
    for (const id of interviewIds) if (!scoring.has(id) && !mine.has(id)) visible.add(id);
    return visible;
  }

  /** Of these interviews, those the member created or joined as interviewer. */
  private async interviewsScoredBy(interviewIds: readonly string[], memberId: string): Promise<Set<string>> {
    const [created, joined] = await Promise.all([
      this.db
        .selectFrom('interviews')
        .select('id')
        .where('id', 'in', [...interviewIds])
        .where('created_by', '=', memberId)
        .execute(),
      this.db
        .selectFrom('interview_interviewers')
        .select('interview_id as id')
        .where('interview_id', 'in', [...interviewIds])
        .where('member_id', '=', memberId)
        .execute(),
    ]);
    return new Set([...created, ...joined].map((row) => row.id));
  }

  private async visibilityFor(
    interviewId: string,
    viewer: { memberId: string; role: 'admin' | 'interviewer' },
    own: { status: ScorecardStatus } | undefined,
  ): Promise<ScorecardListing['visibility']> {
    if (own?.status === 'submitted') return 'all';
    if (own) return 'own';
    const interview = await this.interview(interviewId);
    if (interview && (await this.isInterviewer(interview, viewer.memberId))) return 'own';
    return viewer.role === 'admin' ? 'all' : 'none';
  }

  private selectScorecards(interviewId: string) {
    return this.db
      .selectFrom('scorecards')
      .innerJoin('members', 'members.id', 'scorecards.member_id')
      .selectAll('scorecards')
      .select('members.name as author_name')
      .where('scorecards.interview_id', '=', interviewId)
      .orderBy('scorecards.submitted_at', 'asc')
      .orderBy('scorecards.created_at', 'asc');
  }

  private async withHistory(rows: ReadonlyArray<ScorecardRow & { author_name: string }>): Promise<ScorecardRecord[]> {
    if (rows.length === 0) return [];
    const revisions = await this.db
      .selectFrom('scorecard_revisions')
      .selectAll()
      .where(
        'scorecard_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('version', 'asc')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      interviewId: row.interview_id,
      author: { id: row.member_id, name: row.author_name },
      status: row.status,
      ...parseContent(row),
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      submittedAt: row.submitted_at,
      history: revisions
        .filter((revision) => revision.scorecard_id === row.id && revision.version < row.version)
        .map((revision) => ({ version: revision.version, submittedAt: revision.submitted_at, ...parseContent(revision) })),
    }));
  }
}

function contentColumns(content: ScorecardContent): { scores: string; recommendation: Recommendation | null; notes: string } {
  return { scores: JSON.stringify(content.scores), recommendation: content.recommendation, notes: content.notes };
}

function parseContent(row: { scores: string; recommendation: Recommendation | null; notes: string }): ScorecardContent {
  return { scores: JSON.parse(row.scores) as Record<string, CriterionScore>, recommendation: row.recommendation, notes: row.notes };
}
