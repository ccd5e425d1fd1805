/**
 * Rubrics and scorecards: what a question's front matter may carry (`rubric:`), the team's
 * default rubric, and the scorecard REST bodies and answers. Scores and note sizes are checked
 * by the server with named errors (SCORE_OUT_OF_RANGE, SCORECARD_NOTES_TOO_LONG), so the body
 * schemas here only fix the shapes.
 */
import { z } from 'zod';
import { SCORECARD_LIMITS } from './limits';

export const RUBRIC_SCORES = [1, 2, 3, 4] as const;
export type RubricScore = (typeof RUBRIC_SCORES)[number];

const anchorText = z.string().trim().min(1, 'an anchor is required').max(SCORECARD_LIMITS.anchorChars);

export const RubricCriterionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'id must be lowercase letters, digits and dashes (at most 40)'),
    name: z.string().trim().min(1, 'name is required').max(SCORECARD_LIMITS.criterionNameChars),
    description: z.string().trim().max(SCORECARD_LIMITS.criterionDescriptionChars).default(''),
    /** What a 1, 2, 3 and 4 mean for this criterion (all four, keys 1–4). */
    anchors: z.strictObject({ 1: anchorText, 2: anchorText, 3: anchorText, 4: anchorText }),
  })
  .strict();
export type RubricCriterion = z.infer<typeof RubricCriterionSchema>;

export const RubricSchema = z
  .object({
    criteria: z
      .array(RubricCriterionSchema)
      .min(1, 'a rubric needs at least one criterion')
      .max(SCORECARD_LIMITS.criteria, `a rubric has at most ${SCORECARD_LIMITS.criteria} criteria`)
      .refine((criteria) => new Set(criteria.map((criterion) => criterion.id)).size === criteria.length, 'criterion ids must be unique'),
  })
  .strict();
export type Rubric = z.infer<typeof RubricSchema>;

/** Where an interview's rubric came from: its question's front matter, or the team default. */
export const RubricSourceSchema = z.union([
  z.object({ kind: z.literal('question'), questionId: z.string() }),
  z.object({ kind: z.literal('team') }),
]);
export type RubricSource = z.infer<typeof RubricSourceSchema>;

export const InterviewRubricSchema = z.object({
  rubric: RubricSchema,
  source: RubricSourceSchema,
  /** True once a scorecard exists: the rubric is then frozen for this interview. */
  frozen: z.boolean(),
});
export type InterviewRubric = z.infer<typeof InterviewRubricSchema>;

export const RECOMMENDATIONS = ['strong_no', 'no', 'yes', 'strong_yes'] as const;
export const RecommendationSchema = z.enum(RECOMMENDATIONS, {
  error: () => `recommendation must be one of: ${RECOMMENDATIONS.join(', ')}`,
});
export type Recommendation = z.infer<typeof RecommendationSchema>;
export const RECOMMENDATION_LABELS: Readonly<Record<Recommendation, string>> = {
  strong_no: 'Strong no',
  no: 'No',
  yes: 'Yes',
  strong_yes: 'Strong yes',
};

/** One criterion's entry: a score (null until chosen) and notes. */
export const CriterionScoreSchema = z
  .object({
    score: z.number().int('a score is a whole number').nullable().default(null),
    notes: z.string().default(''),
  })
  .strict();
export type CriterionScore = z.infer<typeof CriterionScoreSchema>;

/** `PUT /api/interviews/:id/scorecards/mine` (autosave) and `POST …/mine/submit`. */
export const ScorecardBodySchema = z
  .object({
    /** Keyed by criterion id; a criterion left out counts as not scored yet. */
    scores: z.record(z.string().max(40), CriterionScoreSchema).default({}),
    recommendation: RecommendationSchema.nullable().default(null),
    /** Overall notes. */
    notes: z.string().default(''),
  })
  .strict();
export type ScorecardBody = z.infer<typeof ScorecardBodySchema>;

export const SCORECARD_STATUSES = ['draft', 'submitted'] as const;
export type ScorecardStatus = (typeof SCORECARD_STATUSES)[number];

export const ScorecardRevisionSchema = z.object({
  version: z.number().int().positive(),
  submittedAt: z.string(),
  scores: z.record(z.string(), CriterionScoreSchema),
  recommendation: RecommendationSchema.nullable(),
  notes: z.string(),
});
export type ScorecardRevision = z.infer<typeof ScorecardRevisionSchema>;

export const ScorecardViewSchema = z.object({
  id: z.string(),
  interviewId: z.string(),
  author: z.object({ id: z.string(), name: z.string() }),
  status: z.enum(SCORECARD_STATUSES),
  scores: z.record(z.string(), CriterionScoreSchema),
  recommendation: RecommendationSchema.nullable(),
  notes: z.string(),
  /** Submitted versions so far (0 for a draft never submitted). */
  version: z.number().int().nonnegative(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  /** Earlier submitted versions, oldest first (the current one excluded). */
  history: z.array(ScorecardRevisionSchema),
});
export type ScorecardView = z.infer<typeof ScorecardViewSchema>;

/** `GET /api/interviews/:id/scorecards/mine`. */
export const MyScorecardResponseSchema = z.object({
  rubric: InterviewRubricSchema,
  /** Null before the first save. */
  scorecard: ScorecardViewSchema.nullable(),
});
export type MyScorecardResponse = z.infer<typeof MyScorecardResponseSchema>;

export const RecommendationCountsSchema = z.object({ strong_no: z.number(), no: z.number(), yes: z.number(), strong_yes: z.number() });
export type RecommendationCounts = z.infer<typeof RecommendationCountsSchema>;

export const ScorecardSummarySchema = z.object({
  /** Submitted scorecards counted. */
  submitted: z.number().int().nonnegative(),
  /** Mean score per criterion id, over the submitted scorecards that scored it (null: none did). */
  averages: z.record(z.string(), z.number().nullable()),
  recommendations: RecommendationCountsSchema,
});
export type ScorecardSummary = z.infer<typeof ScorecardSummarySchema>;

/** `GET /api/interviews/:id/scorecards`: what this viewer may see (the independent-judgement rule). */
export const ScorecardListResponseSchema = z.object({
  rubric: InterviewRubricSchema,
  /**
   * `all`: every submitted scorecard (and the viewer's own draft); `own`: the viewer's own only,
   * until they submit it; `none`: a member who may neither score nor see this interview's.
   */
  visibility: z.enum(['all', 'own', 'none']),
  scorecards: z.array(ScorecardViewSchema),
  /** Submitted scorecards of others withheld from this viewer. */
  hiddenCount: z.number().int().nonnegative(),
  /** Over the visible submitted scorecards; null when none is visible. */
  summary: ScorecardSummarySchema.nullable(),
});
export type ScorecardListResponse = z.infer<typeof ScorecardListResponseSchema>;

/** `GET|PUT /api/team/rubric`. */
export const TeamRubricResponseSchema = z.object({ rubric: RubricSchema, isDefault: z.boolean() });
export type TeamRubricResponse = z.infer<typeof TeamRubricResponseSchema>;

/** The built-in team default, used until an admin saves another. */
export const DEFAULT_RUBRIC: Rubric = {
  criteria: [
    {
      id: 'problem-solving',
      name: 'Problem solving',
      description: 'Understands the problem, explores approaches, picks a sound one and adapts when stuck.',
      anchors: {
        1: 'Could not frame the problem or make progress, even with hints.',
        2: 'Reached a partial or brute-force approach, with significant help.',
        3: 'Found a working approach with little help; reasoned about trade-offs.',
        4: 'Found an efficient approach independently and explained why it is right.',
      },
    },
    {
      id: 'code-quality',
      name: 'Code quality',
      description: 'Correct, readable, idiomatic code with sensible names and structure.',
      anchors: {
        1: 'Code does not run or is very hard to follow.',
        2: 'Works in part; structure and naming get in the way.',
        3: 'Clear, working code with minor issues.',
        4: 'Clean, idiomatic, well-structured code a reviewer would approve as is.',
      },
    },
    {
      id: 'communication',
      name: 'Communication',
      description: 'Explains thinking, asks clarifying questions, takes feedback.',
      anchors: {
        1: 'Silent or unclear; did not respond to prompts.',
        2: 'Explained when asked; hard to follow at times.',
        3: 'Talked through the approach and asked good questions.',
        4: 'Drove the conversation: clear, concise, collaborative throughout.',
      },
    },
    {
      id: 'testing',
      name: 'Testing and verification',
      description: 'Checks the solution: edge cases, test runs, reasoning about correctness.',
      anchors: {
        1: 'Did not test or check the solution.',
        2: 'Ran the given example only.',
        3: 'Tested several cases including some edge cases.',
        4: 'Tested systematically, found and fixed own bugs, reasoned about complexity.',
      },
    },
  ],
};

export function emptyRecommendationCounts(): RecommendationCounts {
  return { strong_no: 0, no: 0, yes: 0, strong_yes: 0 };
}
