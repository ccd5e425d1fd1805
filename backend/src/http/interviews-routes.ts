import { Router } from 'express';
import {
  AppError,
  EraseCandidateBodySchema,
  ListInterviewsQuerySchema,
  SessionIdSchema,
  parseOrThrow,
  type EraseCandidateResponse,
  type ListInterviewsResponse,
} from '@pairpad/protocol';
import { interviewSummaryView, listFilters, type InterviewRepository } from '../store';
import type { SessionService } from '../sessions';
import type { ScorecardRepository } from '../scorecards';
import { answerFresh } from './fresh-answer';
import { requireAdmin, requireMember } from './authentication';

export interface InterviewsRoutesOptions {
  interviews: InterviewRepository;
  /** A deleted interview that is still live is closed too (its room ends for everyone). */
  sessions: SessionService;
  /** Each line's recommendation counts (as the viewer may see them); absent: not shown. */
  scorecards?: Pick<ScorecardRepository, 'recommendationSummaries'>;
}

/** The team's archive: the dashboard list (members), deletion (admin or creator), erasing a candidate (admin). */
export function interviewsRoutes({ interviews, sessions, scorecards }: InterviewsRoutesOptions): Router {
  const router = Router();

  router.get('/api/interviews', async (request, response) => {
    const member = requireMember(response);
    const query = parseOrThrow(ListInterviewsQuerySchema, request.query, 'interview list query');
    const page = await interviews.list({
      scope: query.scope,
      memberId: member.id,
      limit: query.limit,
      ...listFilters(query),
      ...(query.recommendation ? { recommendation: query.recommendation, role: member.role } : {}),
    });
    const items = page.items.map(interviewSummaryView);
    if (scorecards) {
      const viewer = { kind: 'member', memberId: member.id, role: member.role } as const;
      const counts = await scorecards.recommendationSummaries(
        items.map((item) => item.id),
        viewer,
      );
      for (const item of items) item.recommendations = counts.get(item.id) ?? null;
    }
    const body: ListInterviewsResponse = { items, nextCursor: page.nextCursor };
    answerFresh(response, body);
  });

  router.delete('/api/interviews/:id', async (request, response) => {
    const member = requireMember(response);
    const id = parseOrThrow(SessionIdSchema, request.params.id, 'interview id');
    const interview = await interviews.get(id);
    if (!interview) throw new AppError('INTERVIEW_NOT_FOUND', "No such interview in the team's archive (or it was deleted).");
    if (member.role !== 'admin' && interview.createdBy?.id !== member.id) {
      throw new AppError('FORBIDDEN', 'Only an admin or the member who created this interview can delete it.');
    }
    await interviews.delete(id, { memberId: member.id });
    // A live room goes too: its participants are told, and nothing is written back.
    await sessions.store.delete(id);
    response.status(204).end();
  });

  router.post('/api/admin/erase-candidate', async (request, response) => {
    const admin = requireAdmin(response);
    const body = parseOrThrow(EraseCandidateBodySchema, request.body ?? {}, 'candidate');
    const candidate = { ...(body.email ? { email: body.email } : {}), ...(body.name ? { name: body.name } : {}) };
    let answer: EraseCandidateResponse;
    if (body.dryRun) {
      answer = { deleted: 0, matched: await interviews.countCandidateInterviews(candidate) };
    } else {
      const deleted = await interviews.eraseCandidate(candidate, { memberId: admin.id });
      answer = { deleted, matched: deleted };
    }
    response.json(answer);
  });

  return router;
}
