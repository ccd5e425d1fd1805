import { Router, type Request, type Response } from 'express';
import {
  parseOrThrow,
  RubricSchema,
  ScorecardBodySchema,
  SessionIdSchema,
  type MyScorecardResponse,
  type ScorecardListResponse,
  type ScorecardView,
  type TeamRubricResponse,
} from '@pairpad/protocol';
import { scorecardSummary, scorecardView, type ScorecardService, type ScoringMember, type TeamRubricStore } from '../scorecards';
import { answerFresh } from './fresh-answer';
import { requireAdmin, requireMember } from './authentication';

export interface ScorecardsRoutesOptions {
  scorecards: ScorecardService;
  teamRubric: TeamRubricStore;
}

/** Members only: a guest interviewer link or a candidate gets SIGN_IN_REQUIRED and nothing else. */
function scoringMember(response: Response): ScoringMember {
  const member = requireMember(response);
  return { id: member.id, role: member.role };
}

/**
 * Scorecards over REST (the rules are in scorecards/): one's own scorecard (autosaved draft,
 * submit, edit by submitting again), an interview's scorecards under the independent-judgement
 * rule, and the team's default rubric. Answers are never cached.
 */
export function scorecardsRoutes({ scorecards, teamRubric }: ScorecardsRoutesOptions): Router {
  const router = Router();
  const interviewId = (value: unknown): string => parseOrThrow(SessionIdSchema, value, 'interview id');

  router.get('/api/interviews/:id/scorecards/mine', async (request, response) => {
    const member = scoringMember(response);
    const { rubric, scorecard } = await scorecards.mine(interviewId(request.params.id), member);
    const body: MyScorecardResponse = { rubric, scorecard: scorecard ? scorecardView(scorecard) : null };
    answerFresh(response, body);
  });

  // Saving a draft and submitting take the same body and answer the same view; only the rule differs.
  const writeMine = (write: 'saveDraft' | 'submit') => async (request: Request, response: Response) => {
    const member = scoringMember(response);
    const id = interviewId(request.params.id);
    const input = parseOrThrow(ScorecardBodySchema, request.body ?? {}, 'scorecard');
    const body: ScorecardView = scorecardView(await scorecards[write](id, member, input));
    answerFresh(response, body);
  };
  router.put('/api/interviews/:id/scorecards/mine', writeMine('saveDraft'));
  router.post('/api/interviews/:id/scorecards/mine/submit', writeMine('submit'));

  router.get('/api/interviews/:id/scorecards', async (request, response) => {
    const member = scoringMember(response);
    const { rubric, listing } = await scorecards.list(interviewId(request.params.id), member);
    const visible = listing.visibility === 'all' ? listing.scorecards : [];
    const body: ScorecardListResponse = {
      rubric,
      visibility: listing.visibility,
      scorecards: listing.scorecards.map(scorecardView),
      hiddenCount: listing.hiddenCount,
      summary: scorecardSummary(rubric.rubric, visible),
    };
    answerFresh(response, body);
  });

  router.get('/api/team/rubric', async (_request, response) => {
    requireMember(response);
    const body: TeamRubricResponse = await teamRubric.get();
    answerFresh(response, body);
  });

  router.put('/api/team/rubric', async (request, response) => {
    requireAdmin(response);
    const rubric = parseOrThrow(RubricSchema, request.body ?? {}, 'rubric');
    await teamRubric.set(rubric);
    const body: TeamRubricResponse = { rubric, isDefault: false };
    response.json(body);
  });

  return router;
}
