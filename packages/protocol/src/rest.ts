/**
 * The REST API in one table: every route the backend serves, with the zod schema of its body
 * and the type of its answer. docs/api.md is generated from it and from the socket event table
 * (`npm run docs:api`), and a backend test checks that the routes the server registers are
 * exactly these. A new route is a new row here.
 */
import type { z } from 'zod';
import type { ErrorCode } from './errors';
import {
  AcceptInviteBodySchema,
  CreateInviteBodySchema,
  ResetPasswordBodySchema,
  SetupBodySchema,
  SignInBodySchema,
  UpdateMemberBodySchema,
} from './accounts';
import { ExecuteBodySchema } from './execution';
import { EraseCandidateBodySchema } from './interviews';
import { RubricSchema, ScorecardBodySchema } from './scorecards';
import { CreateSessionBodySchema } from './sessions';
import { API_V1_ROUTES, CreateApiTokenBodySchema, type ApiV1Route } from './api-v1';
import { CreateWebhookBodySchema, UpdateWebhookBodySchema } from './webhooks';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRoute {
  readonly method: HttpMethod;
  /** Express path syntax (`:id` is a path parameter). */
  readonly path: string;
  readonly summary: string;
  /** Who may call it, in words (anyone; the interviewer token; …). */
  readonly access: string;
  /** The JSON body, parsed with this schema before anything happens. */
  readonly body?: z.ZodType;
  /** The success status and the type of the answer (a name from @pairpad/protocol, or a shape in words). */
  readonly answer: string;
  /** The named errors it answers with, besides VALIDATION_FAILED for a bad body and INTERNAL_ERROR. */
  readonly errors?: readonly ErrorCode[];
}

/** A row of the public API's table as a row of this one (docs/api.md lists both). */
function fromApiV1(route: ApiV1Route): RestRoute {
  return {
    method: route.method,
    path: route.path,
    summary: route.summary,
    access:
      route.scope === null
        ? 'anyone'
        : `a personal API token with the \`${route.scope}\` scope (\`Authorization: Bearer ppk_…\`; no cookie, no CSRF; rate-limited per token)`,
    ...(route.body ? { body: route.body } : {}),
    answer: `${route.status} (schema in \`/api/v1/openapi.json\`, operation \`${route.operationId}\`)`,
    errors: route.errors,
  };
}

/** Who may write a scorecard, and what saving a draft and submitting both refuse. */
const SCORER = 'a signed-in member who created the interview or joined it as interviewer';
const SCORECARD_WRITE_ERRORS = [
  'SIGN_IN_REQUIRED',
  'CSRF_TOKEN_INVALID',
  'INTERVIEW_NOT_FOUND',
  'SCORECARD_NOT_ALLOWED',
  'SCORE_OUT_OF_RANGE',
  'SCORECARD_NOTES_TOO_LONG',
  'UNKNOWN_CRITERION',
] as const satisfies readonly ErrorCode[];

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: 'POST',
    path: '/api/sessions',
    summary: 'Create an interview session; the answer carries the candidate and guest interviewer links.',
    access: 'a signed-in member (cookie + `x-csrf-token`; rate-limited per address)',
    body: CreateSessionBodySchema,
    answer: '201 `CreateSessionResponse`',
    errors: ['SIGN_IN_REQUIRED', 'CSRF_TOKEN_INVALID', 'QUESTION_NOT_FOUND', 'RATE_LIMITED'],
  },
  {
    method: 'POST',
    path: '/api/sessions/:id/guest-link/revoke',
    summary: 'Revoke the guest interviewer link: its token is refused from now on and its open sockets are closed.',
    access: 'a signed-in member',
    answer: '204',
    errors: ['SIGN_IN_REQUIRED', 'CSRF_TOKEN_INVALID', 'SESSION_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/sessions/:id',
    summary: "A session's public view (title, language, participants, expiry).",
    access: 'anyone with the link',
    answer: '200 `SessionPublicView`',
    errors: ['INVALID_SESSION_ID', 'SESSION_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/sessions/:id/timeline',
    summary:
      'The playback timeline: every edit of the code (Yjs updates with time and author), runs, console, chat, joins and leaves (from the database once the session is gone).',
    access: 'a signed-in member, or the guest link (`Authorization: Bearer <interviewerToken>`)',
    answer: '200 `Timeline`',
    errors: ['SIGN_IN_REQUIRED', 'UNAUTHORIZED', 'GUEST_LINK_REVOKED', 'SESSION_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/sessions/:id/report',
    summary: 'The interview report: final code, runs, test runs, participants, notes.',
    access: 'a signed-in member, or the guest link (bearer token)',
    answer: '200 `InterviewReport`',
    errors: ['SIGN_IN_REQUIRED', 'UNAUTHORIZED', 'GUEST_LINK_REVOKED', 'SESSION_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/questions',
    summary: 'The question bank, as the picker lists it (never to a candidate: the room shows its own question).',
    access: 'a signed-in member, or the guest link (bearer token and `?sessionId=`)',
    answer: '200 `{ questions: QuestionSummary[] }`',
    errors: ['SIGN_IN_REQUIRED', 'UNAUTHORIZED'],
  },
  {
    method: 'GET',
    path: '/api/questions/:id',
    summary: 'One bank question with its public test cases (hidden ones keep only their name; no solutions).',
    access: 'as GET /api/questions',
    answer: '200 `Question` without `solutions`, `tests` as `PublicTestCase[]`',
    errors: ['SIGN_IN_REQUIRED', 'QUESTION_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    summary: 'Who is signed in, the CSRF token for writes, whether first-run setup is needed, the OpenID Connect button.',
    access: 'anyone',
    answer: '200 `AuthMeResponse`',
  },
  {
    method: 'POST',
    path: '/api/auth/setup',
    summary: 'Create the first admin with the one-time setup code from the server log (or DATA_DIR/setup-code.txt); signs in.',
    access: 'anyone holding the code, while no admin exists (rate-limited)',
    body: SetupBodySchema,
    answer: '201 `AuthSuccess` + cookie',
    errors: ['SETUP_CODE_INVALID', 'RATE_LIMITED'],
  },
  {
    method: 'POST',
    path: '/api/auth/sign-in',
    summary: 'Sign in with email and password: sets the httpOnly `pairpad_session` cookie.',
    access: 'anyone (rate-limited; an account locks after SIGN_IN_MAX_FAILURES)',
    body: SignInBodySchema,
    answer: '200 `AuthSuccess` + cookie',
    errors: ['SIGN_IN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
  },
  {
    method: 'POST',
    path: '/api/auth/sign-out',
    summary: "End this browser's auth session and clear the cookie.",
    access: 'anyone (with the cookie: `x-csrf-token`)',
    answer: '204',
    errors: ['CSRF_TOKEN_INVALID'],
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/start',
    summary:
      'Start "Sign in with <OIDC_LABEL>": redirects to the OpenID provider (authorization code with PKCE, state and nonce in the sealed, single-use `pairpad_oidc` cookie). Query `returnTo`: a path on this site.',
    access: 'anyone (when OIDC_ISSUER is set)',
    answer: '302 to the provider; 302 to `/sign-in?error=CODE` when it cannot start',
    errors: ['OIDC_DISABLED', 'OIDC_UNAVAILABLE', 'RATE_LIMITED'],
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    summary:
      "The provider's redirect back: checks state, nonce and PKCE, reads the verified email (and groups), applies OIDC_ALLOWED_DOMAINS / OIDC_ALLOWED_GROUPS, links or provisions the member, and signs in.",
    access: 'the browser that started the sign-in',
    answer: '302 to `returnTo` with the `pairpad_session` cookie; 302 to `/sign-in?error=CODE` on failure',
    errors: [
      'OIDC_STATE_MISMATCH',
      'OIDC_CODE_INVALID',
      'OIDC_NOT_ALLOWED',
      'OIDC_EMAIL_UNVERIFIED',
      'OIDC_CANCELLED',
      'OIDC_FAILED',
      'OIDC_UNAVAILABLE',
      'ACCOUNT_DISABLED',
      'RATE_LIMITED',
    ],
  },
  {
    method: 'GET',
    path: '/api/auth/invites/:token',
    summary: 'Who an invite link is for.',
    access: 'anyone holding the link',
    answer: '200 `InviteInfo`',
    errors: ['INVITE_INVALID', 'RATE_LIMITED'],
  },
  {
    method: 'POST',
    path: '/api/auth/invites/:token',
    summary: 'Accept an invite: the new member picks a name and password and is signed in (single use).',
    access: 'anyone holding the link',
    body: AcceptInviteBodySchema,
    answer: '201 `AuthSuccess` + cookie',
    errors: ['INVITE_INVALID', 'EMAIL_TAKEN', 'RATE_LIMITED'],
  },
  {
    method: 'POST',
    path: '/api/auth/reset/:token',
    summary: "Set a new password from an admin's reset link (single use); the member's other browsers are signed out.",
    access: 'anyone holding the link',
    body: ResetPasswordBodySchema,
    answer: '204',
    errors: ['RESET_LINK_INVALID', 'RATE_LIMITED'],
  },
  {
    method: 'GET',
    path: '/api/members',
    summary: 'The team: every member with role, disabled flag and creation time.',
    access: 'an admin',
    answer: '200 `MembersListResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN'],
  },
  {
    method: 'POST',
    path: '/api/members/invites',
    summary: 'An invite link for a new member (expires after INVITE_TTL_HOURS; no mail is sent).',
    access: 'an admin',
    body: CreateInviteBodySchema,
    answer: '201 `InviteCreated`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'EMAIL_TAKEN'],
  },
  {
    method: 'PATCH',
    path: '/api/members/:id',
    summary: "Change a member's role, or disable them (their sessions and open sockets end).",
    access: 'an admin',
    body: UpdateMemberBodySchema,
    answer: '200 `MemberListItem`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'NOT_FOUND', 'LAST_ADMIN'],
  },
  {
    method: 'POST',
    path: '/api/members/:id/reset-link',
    summary: 'A password reset link for a member, handed over by the admin.',
    access: 'an admin',
    answer: '200 `ResetLink`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/interviews',
    summary:
      'The dashboard: `?scope=mine|team&status=&q=&from=&to=&recommendation=&cursor=&limit=`, newest first, keyset-paginated; each line with its recommendation counts where the viewer may see them.',
    access: 'a signed-in member',
    answer: '200 `ListInterviewsResponse`',
    errors: ['SIGN_IN_REQUIRED'],
  },
  {
    method: 'DELETE',
    path: '/api/interviews/:id',
    summary: 'Delete an interview (audited); a live one is closed too.',
    access: 'an admin, or the member who created it',
    answer: '204',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'INTERVIEW_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: '/api/admin/erase-candidate',
    summary: 'Erase every interview of one candidate, by email or exact name (audited); `dryRun: true` only counts them.',
    access: 'an admin',
    body: EraseCandidateBodySchema,
    answer: '200 `EraseCandidateResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID'],
  },
  {
    method: 'GET',
    path: '/api/interviews/:id/scorecards/mine',
    summary: 'My scorecard for an interview (null before the first save) and the rubric it is scored on.',
    access: 'a signed-in member who created the interview or joined it as interviewer (never a guest link or a candidate)',
    answer: '200 `MyScorecardResponse`',
    errors: ['SIGN_IN_REQUIRED', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND', 'SCORECARD_NOT_ALLOWED'],
  },
  {
    method: 'PUT',
    path: '/api/interviews/:id/scorecards/mine',
    summary: 'Autosave my draft scorecard (the first save freezes the interview’s rubric).',
    access: SCORER,
    body: ScorecardBodySchema,
    answer: '200 `ScorecardView`',
    errors: [...SCORECARD_WRITE_ERRORS, 'SCORECARD_ALREADY_SUBMITTED'],
  },
  {
    method: 'POST',
    path: '/api/interviews/:id/scorecards/mine/submit',
    summary:
      'Submit my scorecard, or submit an edit of it: a new version; the earlier ones stay in its history. Publishes `scorecard.submitted`.',
    access: SCORER,
    body: ScorecardBodySchema,
    answer: '200 `ScorecardView`',
    errors: [...SCORECARD_WRITE_ERRORS, 'SCORECARD_INCOMPLETE'],
  },
  {
    method: 'GET',
    path: '/api/interviews/:id/scorecards',
    summary:
      "An interview's scorecards with a summary, under the independent-judgement rule: an interviewer of it sees the others' only once they submitted their own; an admin not on it sees every submitted one; drafts are their author's only.",
    access: 'a signed-in member',
    answer: '200 `ScorecardListResponse`',
    errors: ['SIGN_IN_REQUIRED', 'VALIDATION_FAILED', 'INTERVIEW_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/team/rubric',
    summary: 'The team’s default rubric (interviews without a question, or whose question has no rubric, are scored on it).',
    access: 'a signed-in member',
    answer: '200 `TeamRubricResponse`',
    errors: ['SIGN_IN_REQUIRED'],
  },
  {
    method: 'PUT',
    path: '/api/team/rubric',
    summary: 'Replace the team’s default rubric (interviews already scored keep the rubric they were scored on).',
    access: 'an admin',
    body: RubricSchema,
    answer: '200 `TeamRubricResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID'],
  },
  {
    method: 'GET',
    path: '/api/tokens',
    summary: 'Personal API tokens, newest first: `?scope=mine` (default) or `?scope=team` (an admin: every member’s). Never their secrets.',
    access: 'a signed-in member',
    answer: '200 `ApiTokensListResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN'],
  },
  {
    method: 'POST',
    path: '/api/tokens',
    summary:
      'Create a personal API token (name, scopes `read`/`write`, optional expiry); the secret is in this answer only, stored as its sha256.',
    access: 'a signed-in member',
    body: CreateApiTokenBodySchema,
    answer: '201 `ApiTokenCreated`',
    errors: ['SIGN_IN_REQUIRED', 'CSRF_TOKEN_INVALID', 'API_TOKEN_LIMIT'],
  },
  {
    method: 'POST',
    path: '/api/tokens/:id/revoke',
    summary: 'Revoke an API token: refused from the next request on.',
    access: 'its member, or an admin (any token)',
    answer: '200 `ApiToken`',
    errors: ['SIGN_IN_REQUIRED', 'CSRF_TOKEN_INVALID', 'API_TOKEN_NOT_FOUND'],
  },
  ...API_V1_ROUTES.map(fromApiV1),
  {
    method: 'GET',
    path: '/api/webhooks',
    summary: 'The webhook endpoints: URL, events, enabled, a hint of the secret.',
    access: 'an admin',
    answer: '200 `ListWebhooksResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN'],
  },
  {
    method: 'POST',
    path: '/api/webhooks',
    summary:
      'Register an endpoint for some events; the answer holds its signing secret, shown this once. A URL resolving to a loopback, private or reserved address is refused unless `allowPrivate` and WEBHOOKS_ALLOW_PRIVATE_URLS.',
    access: 'an admin',
    body: CreateWebhookBodySchema,
    answer: '201 `WebhookCreated`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'WEBHOOK_URL_INVALID', 'WEBHOOK_URL_FORBIDDEN'],
  },
  {
    method: 'PATCH',
    path: '/api/webhooks/:id',
    summary: "Change an endpoint's URL (checked again), description, events, enabled or private-address flag.",
    access: 'an admin',
    body: UpdateWebhookBodySchema,
    answer: '200 `WebhookEndpoint`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'WEBHOOK_NOT_FOUND', 'WEBHOOK_URL_INVALID', 'WEBHOOK_URL_FORBIDDEN'],
  },
  {
    method: 'DELETE',
    path: '/api/webhooks/:id',
    summary: 'Delete an endpoint and its deliveries.',
    access: 'an admin',
    answer: '204',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/webhooks/:id/deliveries',
    summary: "An endpoint's deliveries, newest first (`?limit=&cursor=`), each with its payload and every attempt (status, time, answer).",
    access: 'an admin',
    answer: '200 `ListWebhookDeliveriesResponse`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: '/api/webhooks/:id/ping',
    summary: 'Queue a signed `webhook.ping` delivery to the endpoint (a test of the URL and the signature check).',
    access: 'an admin',
    answer: '202 `WebhookDeliveryQueued`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: '/api/webhooks/:id/deliveries/:deliveryId/replay',
    summary: "Send a delivery's payload again, as a new delivery (same event id, signed anew, retried for WEBHOOKS_RETRY_FOR_MS).",
    access: 'an admin',
    answer: '202 `WebhookDeliveryQueued`',
    errors: ['SIGN_IN_REQUIRED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID', 'WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND'],
  },
  {
    method: 'POST',
    path: '/api/execute',
    summary: "Queue a run of a room's code (or the given code); it shows in the room like a run started there.",
    access:
      'anyone with the session id (sessions exist only if a member made one); a run without a member cookie or the guest token counts as a candidate’s',
    body: ExecuteBodySchema,
    answer: '202 `ExecuteAccepted` (+ `Location: /api/execute/status/<jobId>`)',
    errors: ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'SERVER_SHUTTING_DOWN'],
  },
  {
    method: 'GET',
    path: '/api/execute/status/:jobId',
    summary: "A run's current record (kept 15 minutes after it finished; any node answers under Redis).",
    access: 'anyone with the job id',
    answer: '200 `RunRecord`',
    errors: ['JOB_NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/api/runtimes',
    summary: "The executor's runtimes (Piston's shape); with several executors (PISTON_URLS), the languages every one of them lists.",
    access: 'anyone',
    answer: '200 `RuntimeView[]`',
    errors: ['EXECUTOR_UNAVAILABLE'],
  },
  {
    method: 'GET',
    path: '/api/queue-stats',
    summary:
      'The execution queue: every kind of job together (`workerPool`) and per kind (`byKind`), its limits, and each executor (`executors`: up or not, jobs in flight; named, never addressed).',
    access: 'anyone',
    answer: '200 `QueueStats`',
  },
  {
    method: 'GET',
    path: '/health',
    summary: 'Readiness (the same as /health/ready).',
    access: 'anyone',
    answer: '200, or 503 while a required check fails: `{ status, version, uptimeSeconds, checks }`',
  },
  {
    method: 'GET',
    path: '/health/ready',
    summary: 'Readiness: Redis when REDIS_URL is set, the embedded executor unless EXECUTION_REQUIRED=false.',
    access: 'anyone',
    answer: '200 or 503, as /health',
  },
  {
    method: 'GET',
    path: '/health/live',
    summary: 'Liveness: the process answers; never looks at Redis or the executor.',
    access: 'anyone',
    answer: '200 `{ status, version, uptimeSeconds }`',
  },
  {
    method: 'GET',
    path: '/health/:check',
    summary: 'One check (`sessions`, `executor`, `redis`) with its details, e.g. why code cannot run.',
    access: 'anyone',
    answer: '200 or 503 `{ status, ok, required, details }`',
    errors: ['NOT_FOUND'],
  },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text format).',
    access: 'anyone who can reach the backend (keep it off the public network)',
    answer: '200 text/plain',
  },
];
