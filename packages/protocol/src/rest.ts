/**
 * The REST API in one table: every route the backend serves, with the zod schema of its body
 * and the type of its answer. docs/api.md is generated from it and from the socket event table
 * (`npm run docs:api`), and a backend test checks that the routes the server registers are
 * exactly these. A new route is a new row here.
 */
import type { z } from 'zod';
import type { ErrorCode } from './errors';
import { ExecuteBodySchema } from './execution';
import { CreateSessionBodySchema } from './sessions';

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

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: 'POST',
    path: '/api/sessions',
    summary: 'Create an interview session; the answer carries the candidate and interviewer links.',
    access: 'anyone (rate-limited per address)',
    body: CreateSessionBodySchema,
    answer: '201 `CreateSessionResponse`',
    errors: ['QUESTION_NOT_FOUND', 'RATE_LIMITED'],
  },
  { method: 'GET', path: '/api/sessions/:id', summary: "A session's public view (title, language, participants, expiry).", access: 'anyone with the link', answer: '200 `SessionPublicView`', errors: ['INVALID_SESSION_ID', 'SESSION_NOT_FOUND'] },
  { method: 'GET', path: '/api/sessions/:id/timeline', summary: 'The playback timeline: code checkpoints, runs, chat, joins and leaves.', access: 'the interviewer (`Authorization: Bearer <interviewerToken>`)', answer: '200 `Timeline`', errors: ['UNAUTHORIZED', 'SESSION_NOT_FOUND'] },
  { method: 'GET', path: '/api/sessions/:id/report', summary: 'The interview report: final code, runs, test runs, participants.', access: 'the interviewer (bearer token)', answer: '200 `InterviewReport`', errors: ['UNAUTHORIZED', 'SESSION_NOT_FOUND'] },
  { method: 'GET', path: '/api/questions', summary: 'The question bank, as the picker lists it.', access: 'anyone', answer: '200 `{ questions: QuestionSummary[] }`' },
  { method: 'GET', path: '/api/questions/:id', summary: 'One bank question with its public test cases (hidden ones keep only their name; no solutions).', access: 'anyone', answer: '200 `Question` without `solutions`, `tests` as `PublicTestCase[]`', errors: ['QUESTION_NOT_FOUND'] },
  {
    method: 'POST',
    path: '/api/execute',
    summary: "Queue a run of a room's code (or the given code); it shows in the room like a run started there.",
    access: 'anyone with the session id; a run without the interviewer token counts as a candidate’s',
    body: ExecuteBodySchema,
    answer: '202 `ExecuteAccepted` (+ `Location: /api/execute/status/<jobId>`)',
    errors: ['SESSION_NOT_FOUND', 'SESSION_ENDED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'SERVER_SHUTTING_DOWN'],
  },
  { method: 'GET', path: '/api/execute/status/:jobId', summary: "A run's current record (kept 15 minutes after it finished; any node answers under Redis).", access: 'anyone with the job id', answer: '200 `RunRecord`', errors: ['JOB_NOT_FOUND'] },
  { method: 'GET', path: '/api/runtimes', summary: "The executor's runtimes (Piston's shape).", access: 'anyone', answer: '200 `RuntimeView[]`', errors: ['EXECUTOR_UNAVAILABLE'] },
  { method: 'GET', path: '/api/queue-stats', summary: 'The execution queue: every kind of job together (`workerPool`) and per kind (`byKind`), and its limits.', access: 'anyone', answer: '200 `QueueStats`' },
  { method: 'GET', path: '/health', summary: 'Readiness (the same as /health/ready).', access: 'anyone', answer: '200, or 503 while a required check fails: `{ status, version, uptimeSeconds, checks }`' },
  { method: 'GET', path: '/health/ready', summary: 'Readiness: Redis when REDIS_URL is set, the embedded executor unless EXECUTION_REQUIRED=false.', access: 'anyone', answer: '200 or 503, as /health' },
  { method: 'GET', path: '/health/live', summary: 'Liveness: the process answers; never looks at Redis or the executor.', access: 'anyone', answer: '200 `{ status, version, uptimeSeconds }`' },
  { method: 'GET', path: '/health/:check', summary: 'One check (`sessions`, `executor`, `redis`) with its details, e.g. why code cannot run.', access: 'anyone', answer: '200 or 503 `{ status, ok, required, details }`', errors: ['NOT_FOUND'] },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics (text format).', access: 'anyone who can reach the backend (keep it off the public network)', answer: '200 text/plain' },
];
