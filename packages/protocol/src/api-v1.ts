/**
 * The public REST API (`/api/v1/…`) and the personal API tokens that open it. Every route is a
 * row of API_V1_ROUTES: the backend validates with these schemas, the OpenAPI 3.1 document at
 * `/api/v1/openapi.json` is generated from them, and REST_ROUTES (docs/api.md) lists them too.
 */
import { z } from 'zod';
import { EmailSchema } from './accounts';
import type { ErrorCode } from './errors';
import { InterviewStatusSchema, InterviewSummarySchema, MAX_INTERVIEWS_PAGE } from './interviews';
import { DEFAULT_LANGUAGE, LanguageIdSchema } from './languages';
import { MAX_TITLE_LENGTH } from './limits';
import { QuestionSchema } from './questions';
import { RunFileSchema } from './run-files';
import { ScorecardViewSchema } from './scorecards';
import { DisplayNameSchema } from './sessions';

/** Every token starts with this, so a leaked one is recognised by secret scanners and people. */
export const API_TOKEN_PREFIX = 'ppk_';
/** `ppk_` + 43 base64url characters (32 random bytes). */
export const API_TOKEN_PATTERN = /^ppk_[A-Za-z0-9_-]{43}$/;
/** How many characters of a token are kept in clear and shown in lists (`ppk_` + 8). */
export const API_TOKEN_SHOWN_PREFIX_LENGTH = 12;
/** Tokens one member may hold at once (revoked and expired ones do not count). */
export const MAX_API_TOKENS_PER_MEMBER = 25;

export const API_TOKEN_SCOPES = ['read', 'write'] as const;
export const ApiTokenScopeSchema = z.enum(API_TOKEN_SCOPES);
export type ApiTokenScope = z.infer<typeof ApiTokenScopeSchema>;

/** `POST /api/tokens` (a signed-in member, cookie + CSRF). */
export const CreateApiTokenBodySchema = z.strictObject({
  /** What the token is for ("Greenhouse sync"), shown in the list. */
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(80, 'must be at most 80 characters')
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
  scopes: z
    .array(ApiTokenScopeSchema)
    .min(1, 'give at least one scope')
    .max(API_TOKEN_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
  /** Left out: the token works until it is revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBodySchema>;

export const ApiTokenIdSchema = z.string().uuid('must be a token id');

/** A token as lists show it: never its secret, only its first characters. */
export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(ApiTokenScopeSchema),
  /** `ppk_` and the next 8 characters, to recognise the token. */
  prefix: z.string(),
  member: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** The answer to `POST /api/tokens`: the only time the secret is ever shown. */
export const ApiTokenCreatedSchema = ApiTokenSchema.extend({ secret: z.string() });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreatedSchema>;

/** `GET /api/tokens?scope=mine|team` (`team`: an admin, every member's tokens). */
export const ListApiTokensQuerySchema = z.strictObject({ scope: z.enum(['mine', 'team']).default('mine') });
export const ApiTokensListResponseSchema = z.object({ tokens: z.array(ApiTokenSchema) });
export type ApiTokensListResponse = z.infer<typeof ApiTokensListResponseSchema>;

// ---------------------------------------------------------------------------------------------
// /api/v1

/** `POST /api/v1/interviews`: what an applicant tracking system knows when it books an interview. */
export const ApiCreateInterviewBodySchema = z.strictObject({
  title: z.string().trim().max(MAX_TITLE_LENGTH, `must be at most ${MAX_TITLE_LENGTH} characters`).optional(),
  /** A bank question (GET /api/questions lists them): the room starts from it. */
  questionId: QuestionSchema.shape.id.optional(),
  language: LanguageIdSchema.default(DEFAULT_LANGUAGE),
  /** Emails of team members who interview; each gets the room's link (they sign in there). */
  interviewers: z.array(EmailSchema).max(20, 'at most 20 interviewers').default([]),
  candidateName: DisplayNameSchema.optional(),
  candidateEmail: EmailSchema.optional(),
});
export type ApiCreateInterviewBody = z.infer<typeof ApiCreateInterviewBodySchema>;

export const ApiInterviewIdSchema = z.string().uuid('must be an interview id');
export const ApiInterviewParamsSchema = z.strictObject({ id: ApiInterviewIdSchema });

export const ApiInterviewLinksSchema = z.object({
  /** The candidate's link (no account; never shows interviewer-only data). */
  candidate: z.string(),
  /** The room for team members (they sign in). */
  room: z.string(),
  /** The report page and the keystroke playback page (team members). */
  report: z.string(),
  playback: z.string(),
});

export const ApiInterviewSchema = InterviewSummarySchema.extend({ links: ApiInterviewLinksSchema });
export type ApiInterview = z.infer<typeof ApiInterviewSchema>;

export const ApiInterviewCreatedSchema = z.object({
  interview: ApiInterviewSchema,
  /** The guest interviewer link: opens the room as interviewer without an account (revocable). */
  guestInterviewerLink: z.string(),
  /** One link per interviewer given: the room, where the member signs in. */
  interviewers: z.array(z.object({ email: z.string(), name: z.string(), link: z.string() })),
});
export type ApiInterviewCreated = z.infer<typeof ApiInterviewCreatedSchema>;

/** `GET /api/v1/interviews`: the dashboard's filters, over the whole team. */
export const ApiListInterviewsQuerySchema = z.strictObject({
  status: InterviewStatusSchema.optional(),
  /** Searches candidate name and email, title and question title. */
  q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  /** Created at or after: an ISO date or date-time. */
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /** Created before (a date: up to the end of that day). */
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /** The previous page's nextCursor (opaque). */
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_INTERVIEWS_PAGE).default(25),
});
export type ApiListInterviewsQuery = z.infer<typeof ApiListInterviewsQuerySchema>;

export const ApiInterviewListSchema = z.object({ items: z.array(ApiInterviewSchema), nextCursor: z.string().nullable() });
export type ApiInterviewList = z.infer<typeof ApiInterviewListSchema>;

/** The report (`InterviewReport`: final code, runs, test runs, participants, notes), as the report page reads it. */
export const ApiReportSchema = z
  .object({
    sessionId: z.string(),
    title: z.string().nullable(),
    language: z.string(),
    code: z.string(),
    /** Every file's final content, the entry first, when the room held several (its workspace). */
    files: z.array(RunFileSchema).optional(),
    createdAt: z.number(),
    startedAt: z.number(),
    endedAt: z.number().nullable(),
    durationMs: z.number(),
    participants: z.array(z.object({ name: z.string(), role: z.string(), firstJoinedAt: z.number(), lastSeenAt: z.number() })),
    runs: z.array(z.object({}).loose()),
    notes: z.string(),
  })
  .loose();

export const ApiPlaybackSchema = z.object({
  /** The playback page (team members sign in). */
  playback: z.string(),
  /** The timeline as JSON: `GET /api/sessions/:id/timeline` with a member's cookie or the guest link. */
  timeline: z.string(),
});
export type ApiPlayback = z.infer<typeof ApiPlaybackSchema>;

/** An interview's submitted scorecards, each with its earlier versions (drafts never). */
export const ApiScorecardListSchema = z.object({ items: z.array(ScorecardViewSchema) });
export type ApiScorecardList = z.infer<typeof ApiScorecardListSchema>;

export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.string()).optional() }),
});

export interface ApiV1Route {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** Express path syntax (`:id`). */
  readonly path: string;
  readonly summary: string;
  /** The scope the token needs; null: public (the OpenAPI document itself). */
  readonly scope: ApiTokenScope | null;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly status: 200 | 201;
  readonly response: z.ZodType;
  readonly errors: readonly ErrorCode[];
}

const TOKEN_ERRORS: readonly ErrorCode[] = ['API_TOKEN_INVALID', 'RATE_LIMITED'];

export const API_V1_ROUTES: readonly ApiV1Route[] = [
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document, generated from the schemas the routes validate with.',
    scope: null,
    status: 200,
    response: z.object({ openapi: z.string() }).loose(),
    errors: [],
  },
  {
    operationId: 'createInterview',
    method: 'POST',
    path: '/api/v1/interviews',
    summary: 'Create an interview; the answer carries the candidate link and the interviewers’ links.',
    scope: 'write',
    body: ApiCreateInterviewBodySchema,
    status: 201,
    response: ApiInterviewCreatedSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED', 'QUESTION_NOT_FOUND', 'INTERVIEWER_NOT_MEMBER'],
  },
  {
    operationId: 'listInterviews',
    method: 'GET',
    path: '/api/v1/interviews',
    summary: "The team's interviews, newest first: `status`, `q`, `from`, `to`, keyset `cursor` and `limit`.",
    scope: 'read',
    query: ApiListInterviewsQuerySchema,
    status: 200,
    response: ApiInterviewListSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED'],
  },
  {
    operationId: 'getInterview',
    method: 'GET',
    path: '/api/v1/interviews/:id',
    summary: 'One interview: status, candidate, times and links.',
    scope: 'read',
    params: ApiInterviewParamsSchema,
    status: 200,
    response: ApiInterviewSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND'],
  },
  {
    operationId: 'getInterviewReport',
    method: 'GET',
    path: '/api/v1/interviews/:id/report',
    summary: 'The interview report as JSON: final code, runs, test runs, participants, notes.',
    scope: 'read',
    params: ApiInterviewParamsSchema,
    status: 200,
    response: ApiReportSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND'],
  },
  {
    operationId: 'getInterviewPlayback',
    method: 'GET',
    path: '/api/v1/interviews/:id/playback',
    summary: 'The playback link of an interview (and where its timeline is).',
    scope: 'read',
    params: ApiInterviewParamsSchema,
    status: 200,
    response: ApiPlaybackSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND'],
  },
  {
    operationId: 'listInterviewScorecards',
    method: 'GET',
    path: '/api/v1/interviews/:id/scorecards',
    summary: 'The submitted scorecards of an interview, each with its earlier versions; drafts are never shown.',
    scope: 'read',
    params: ApiInterviewParamsSchema,
    status: 200,
    response: ApiScorecardListSchema,
    errors: [...TOKEN_ERRORS, 'API_TOKEN_SCOPE_MISSING', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND'],
  },
];

/** The OpenAPI form of an Express path: `/a/:id` → `/a/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}
