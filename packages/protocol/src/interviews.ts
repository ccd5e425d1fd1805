/** The team's interview archive over REST: the dashboard list, deletion, erasing a candidate. */
import { z } from 'zod';
import { RecommendationCountsSchema, RecommendationSchema } from './scorecards';

export const INTERVIEW_STATUSES = ['upcoming', 'live', 'ended'] as const;
export const InterviewStatusSchema = z.enum(INTERVIEW_STATUSES);
export type InterviewStatus = z.infer<typeof InterviewStatusSchema>;

/** Largest page the dashboard may ask for (each row is small; the list stays fast). */
export const MAX_INTERVIEWS_PAGE = 100;

/** `GET /api/interviews` query: everything optional; dates are ISO dates or date-times. */
export const ListInterviewsQuerySchema = z.strictObject({
  scope: z.enum(['mine', 'team']).default('mine'),
  status: InterviewStatusSchema.optional(),
  /** Searches candidate name and email, title and question title. */
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /**
   * Interviews with at least one submitted scorecard of this recommendation that the viewer may
   * see (the independent-judgement rule: not before they submitted their own).
   */
  recommendation: RecommendationSchema.optional(),
  /** Opaque: the previous page's nextCursor. */
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_INTERVIEWS_PAGE).default(25),
});
export type ListInterviewsQuery = z.infer<typeof ListInterviewsQuerySchema>;

export const InterviewSummarySchema = z.object({
  id: z.string(),
  /** Null when the interview was created without a title. */
  title: z.string().nullable(),
  /** A language id (LanguageIdSchema); kept as a string: an archived interview may outlive a language. */
  language: z.string(),
  questionId: z.string().nullable(),
  questionTitle: z.string().nullable(),
  candidateName: z.string().nullable(),
  status: InterviewStatusSchema,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  /**
   * Recommendations of the submitted scorecards, counted; null while the viewer may not see them
   * (an interviewer of it who has not submitted their own, or a non-admin not on it). Absent
   * where it is not computed.
   */
  recommendations: RecommendationCountsSchema.nullable().optional(),
});
export type InterviewSummary = z.infer<typeof InterviewSummarySchema>;

export const ListInterviewsResponseSchema = z.object({ items: z.array(InterviewSummarySchema), nextCursor: z.string().nullable() });
export type ListInterviewsResponse = z.infer<typeof ListInterviewsResponseSchema>;

/** `POST /api/admin/erase-candidate` (admin): everything about one candidate, by email or name. */
export const EraseCandidateBodySchema = z
  .strictObject({
    email: z.string().trim().toLowerCase().min(1).max(254).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** Only count what would be erased (nothing is erased or audited). */
    dryRun: z.boolean().optional(),
  })
  .refine((body) => body.email !== undefined || body.name !== undefined, 'give email or name');
export type EraseCandidateBody = z.infer<typeof EraseCandidateBodySchema>;
/** `matched`: the candidate's interviews found; `deleted`: those erased (0 on a dry run). */
export const EraseCandidateResponseSchema = z.object({ deleted: z.number().int().nonnegative(), matched: z.number().int().nonnegative() });
export type EraseCandidateResponse = z.infer<typeof EraseCandidateResponseSchema>;
