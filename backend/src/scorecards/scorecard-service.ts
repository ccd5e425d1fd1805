import { AppError, SCORECARD_LIMITS, type InterviewRubric, type Rubric, type ScorecardBody } from '@pairpad/protocol';
import type { TeamEvents } from '../events/team-events';
import type {
  ScorecardContent,
  ScorecardListing,
  ScorecardRecord,
  ScorecardRepository,
  ScoredInterview,
  StoredRubric,
} from './scorecard-repository';
import type { TeamRubricStore } from './team-rubric';

/** A signed-in member acting on scorecards (guests and candidates never reach this). */
export interface ScoringMember {
  id: string;
  role: 'admin' | 'interviewer';
}

export interface ScorecardServiceOptions {
  repository: ScorecardRepository;
  teamRubric: TeamRubricStore;
  /** A question's rubric from the bank (undefined: the question has none, or is gone). */
  questionRubric: (questionId: string) => Rubric | undefined;
  /**
   * The question the interview's room has now, when it is live on this node (the row's
   * `question_id` is written at checkpoints only). Undefined: ask the row.
   */
  liveQuestionId?: (interviewId: string) => string | null | undefined;
  events?: TeamEvents;
  now?: () => number;
}

/**
 * The scorecard rules: who may score (the interview's creator and the members who joined it as
 * interviewer), what a valid scorecard is (scores 1–4 for the rubric's criteria, notes within
 * SCORECARD_LIMITS, all scored and a recommendation to submit), the rubric an interview uses
 * (frozen at its first scorecard) and `scorecard.submitted` on every submit. No HTTP here.
 */
export class ScorecardService {
  private readonly now: () => number;

  constructor(private readonly options: ScorecardServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get repository(): ScorecardRepository {
    return this.options.repository;
  }

  /** The member's scorecard (null before the first save) and the rubric it is scored on. */
  async mine(interviewId: string, member: ScoringMember): Promise<{ rubric: InterviewRubric; scorecard: ScorecardRecord | null }> {
    const interview = await this.requireScorer(interviewId, member);
    return { rubric: await this.rubricOf(interview), scorecard: await this.options.repository.getOwn(interviewId, member.id) };
  }

  /** Autosave of a draft; a submitted scorecard is edited by submitting again. */
  async saveDraft(interviewId: string, member: ScoringMember, body: ScorecardBody): Promise<ScorecardRecord> {
    const interview = await this.requireScorer(interviewId, member);
    const content = await this.checkedAndFrozen(interview, body);
    const existing = await this.options.repository.getOwn(interviewId, member.id);
    if (existing?.status === 'submitted')
      throw new AppError(
        'SCORECARD_ALREADY_SUBMITTED',
        'This scorecard is submitted: edit it and submit it again (a new version is kept).',
      );
    await this.options.repository.saveDraft(interviewId, member.id, content, this.now());
    const saved = await this.options.repository.getOwn(interviewId, member.id);
    // A submit that raced this autosave won: its version stands, the draft was not written over it.
    if (saved?.status === 'submitted')
      throw new AppError(
        'SCORECARD_ALREADY_SUBMITTED',
        'This scorecard is submitted: edit it and submit it again (a new version is kept).',
      );
    if (!saved) throw new Error('a saved scorecard vanished');
    return saved;
  }

  /** Submits, or submits an edit (a new version; the earlier ones stay in the history). */
  async submit(interviewId: string, member: ScoringMember, body: ScorecardBody): Promise<ScorecardRecord> {
    const interview = await this.requireScorer(interviewId, member);
    const content = await this.checkedAndFrozen(interview, body, { complete: true });
    const record = await this.options.repository.submit(interviewId, member.id, content, this.now());
    this.options.events?.publish({
      type: 'scorecard.submitted',
      interviewId,
      scorecardId: record.id,
      memberId: member.id,
      occurredAt: record.submittedAt ?? this.now(),
    });
    return record;
  }

  /** The scorecards the member may see, with the interview's rubric. */
  async list(interviewId: string, member: ScoringMember): Promise<{ rubric: InterviewRubric; listing: ScorecardListing }> {
    const interview = await this.requireInterview(interviewId);
    const listing = await this.options.repository.listForInterview(interviewId, { kind: 'member', memberId: member.id, role: member.role });
    return { rubric: await this.rubricOf(interview), listing };
  }

  /** The rubric in force: the frozen one, else the one the first scorecard would freeze. */
  async rubricOf(interview: ScoredInterview): Promise<InterviewRubric> {
    const frozen = await this.options.repository.rubricOf(interview.id);
    if (frozen) return { ...frozen, frozen: true };
    return { ...(await this.resolveRubric(interview)), frozen: false };
  }

  /**
   * Checks the scorecard against the rubric in force, then freezes that rubric (a refused
   * scorecard freezes nothing). Another request may have frozen another one meanwhile (the
   * question changed in between): then it is checked again against that one.
   */
  private async checkedAndFrozen(
    interview: ScoredInterview,
    body: ScorecardBody,
    rules: { complete: boolean } = { complete: false },
  ): Promise<ScorecardContent> {
    const check = (rubric: Rubric) => (rules.complete ? checkComplete(rubric, checkContent(rubric, body)) : checkContent(rubric, body));
    const frozen = await this.options.repository.rubricOf(interview.id);
    if (frozen) return check(frozen.rubric);
    const resolved = await this.resolveRubric(interview);
    check(resolved.rubric);
    const stored = await this.options.repository.freezeRubric(interview.id, resolved, this.now());
    return check(stored.rubric);
  }

  private async resolveRubric(interview: ScoredInterview): Promise<StoredRubric> {
    const live = this.options.liveQuestionId?.(interview.id);
    const questionId = live === undefined ? interview.questionId : live;
    const rubric = questionId ? this.options.questionRubric(questionId) : undefined;
    if (questionId && rubric) return { rubric, source: { kind: 'question', questionId } };
    return { rubric: (await this.options.teamRubric.get()).rubric, source: { kind: 'team' } };
  }

  private async requireInterview(interviewId: string): Promise<ScoredInterview> {
    const interview = await this.options.repository.interview(interviewId);
    if (!interview) throw new AppError('INTERVIEW_NOT_FOUND', "No such interview in the team's archive (or it was deleted).");
    return interview;
  }

  private async requireScorer(interviewId: string, member: ScoringMember): Promise<ScoredInterview> {
    const interview = await this.requireInterview(interviewId);
    if (!(await this.options.repository.isInterviewer(interview, member.id)))
      throw new AppError('SCORECARD_NOT_ALLOWED', 'Only the interviewers of this interview (who joined it, or created it) can score it.');
    return interview;
  }
}

/** To submit: a score for every criterion and a recommendation. */
function checkComplete(rubric: Rubric, content: ScorecardContent): ScorecardContent {
  const missing = rubric.criteria.filter((criterion) => content.scores[criterion.id]?.score == null).map((criterion) => criterion.id);
  if (missing.length === 0 && content.recommendation !== null) return content;
  const details: Record<string, string> = Object.fromEntries(missing.map((id) => [`scores.${id}`, 'a score is required to submit']));
  if (content.recommendation === null) details.recommendation = 'a recommendation is required to submit';
  throw new AppError('SCORECARD_INCOMPLETE', 'Score every criterion and choose a recommendation before submitting.', details);
}

/** Scores within 1–4 for the rubric's criteria, notes within the limits: else a named error. */
function checkContent(rubric: Rubric, body: ScorecardBody): ScorecardContent {
  const known = new Set(rubric.criteria.map((criterion) => criterion.id));
  for (const [id, entry] of Object.entries(body.scores)) {
    if (!known.has(id))
      throw new AppError('UNKNOWN_CRITERION', `The rubric has no criterion "${id.slice(0, 40)}".`, {
        [`scores.${id}`]: 'unknown criterion',
      });
    if (entry.score !== null && (entry.score < 1 || entry.score > 4))
      throw new AppError('SCORE_OUT_OF_RANGE', 'Scores go from 1 to 4.', { [`scores.${id}.score`]: 'must be 1, 2, 3 or 4' });
    if (entry.notes.length > SCORECARD_LIMITS.criterionNotesChars)
      throw new AppError(
        'SCORECARD_NOTES_TOO_LONG',
        `A criterion's notes hold at most ${SCORECARD_LIMITS.criterionNotesChars} characters.`,
        {
          [`scores.${id}.notes`]: `at most ${SCORECARD_LIMITS.criterionNotesChars} characters`,
        },
      );
  }
  if (body.notes.length > SCORECARD_LIMITS.overallNotesChars)
    throw new AppError('SCORECARD_NOTES_TOO_LONG', `The overall notes hold at most ${SCORECARD_LIMITS.overallNotesChars} characters.`, {
      notes: `at most ${SCORECARD_LIMITS.overallNotesChars} characters`,
    });
  return { scores: body.scores, recommendation: body.recommendation, notes: body.notes };
}
