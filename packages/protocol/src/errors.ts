/**
 * Every error the API or the socket layer can answer with, named once.
 * REST bodies are `{ error: { code, message } }`; socket acks are `{ ok: false, error: { code, message } }`.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_SESSION_ID: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** The interviewer locked editing: a candidate's edit is refused and changes nothing. */
  EDITING_LOCKED: 403,
  SESSION_NOT_FOUND: 404,
  SESSION_GENERATION_MISMATCH: 409,
  SESSION_ENDED: 409,
  NOT_JOINED: 409,
  UNKNOWN_EVENT: 400,
  INVALID_MESSAGE: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  ROOM_FULL: 429,
  RUNTIME_UNKNOWN: 400,
  JOB_NOT_FOUND: 404,
  /** Console input or a stop for a run that is not running (finished, or not started yet). */
  RUN_NOT_RUNNING: 409,
  /** Console input for a run whose stdin was the Input box (or an executor without connect). */
  RUN_NOT_INTERACTIVE: 409,
  QUESTION_NOT_FOUND: 404,
  /** Run tests in a room that has no test cases. */
  NO_TEST_CASES: 409,
  /** The room's previous test run has not finished yet. */
  TEST_RUN_IN_PROGRESS: 409,
  EXECUTOR_UNAVAILABLE: 503,
  /** The database does not answer (down, restarting, disk full); retried later. */
  DATABASE_UNAVAILABLE: 503,
  EXECUTOR_REJECTED: 502,
  /** The code executor did not finish a run in time (EXECUTION_TIMEOUT_MS). */
  EXECUTOR_TIMEOUT: 504,
  /**
   * The client gave up waiting for the server's answer (ack) to one of its socket events. Set
   * by the client, never sent by the server; before, such acks said EXECUTOR_TIMEOUT.
   */
  ACK_TIMEOUT: 504,
  SERVER_SHUTTING_DOWN: 503,
  /** The session store (Redis) cannot be reached just now: a handshake refused for this is retried. */
  SESSION_STORE_UNAVAILABLE: 503,
  /** A route or room action for team members, from a caller who is not signed in. */
  SIGN_IN_REQUIRED: 401,
  /** Unknown email or wrong password: one message for both, so accounts cannot be probed. */
  SIGN_IN_FAILED: 401,
  /** Too many wrong passwords in a row: the account waits SIGN_IN_LOCK_MINUTES. */
  ACCOUNT_LOCKED: 429,
  /** A disabled member's cookie, or a disabled member signing in. */
  ACCOUNT_DISABLED: 403,
  /** A cookie-authenticated write without the session's x-csrf-token (or from a foreign origin). */
  CSRF_TOKEN_INVALID: 403,
  /** The first-run setup code is wrong, already used, or setup is already done. */
  SETUP_CODE_INVALID: 403,
  /** An invite link that is unknown, expired or already used. */
  INVITE_INVALID: 410,
  /** A password reset link that is unknown, expired or already used. */
  RESET_LINK_INVALID: 410,
  /** A new member's email belongs to a member already. */
  EMAIL_TAKEN: 409,
  /** The guest interviewer link of this interview was revoked by a team member. */
  GUEST_LINK_REVOKED: 403,
  /** An interview that is not in the team's archive (or was deleted). */
  INTERVIEW_NOT_FOUND: 404,
  /** The last active admin cannot be demoted or disabled: nobody could manage members then. */
  LAST_ADMIN: 409,
  /** OIDC sign-in on a server without OIDC_ISSUER / OIDC_CLIENT_ID. */
  OIDC_DISABLED: 404,
  /** The OpenID provider cannot be reached (discovery failed); local sign-in still works. */
  OIDC_UNAVAILABLE: 503,
  /** The callback's state is not the one this browser started with (forged, stale or from another browser). */
  OIDC_STATE_MISMATCH: 400,
  /** The provider refused the code: already used (a replayed callback), expired, or the PKCE verifier does not match. */
  OIDC_CODE_INVALID: 400,
  /** The provider's answer failed a check (ID token signature, nonce, issuer, audience, times) or was an error. */
  OIDC_FAILED: 502,
  /** The person cancelled or was refused at the provider (`error=access_denied`). */
  OIDC_CANCELLED: 400,
  /** The provider did not say the email is verified (OIDC_REQUIRE_VERIFIED_EMAIL), or gave none. */
  OIDC_EMAIL_UNVERIFIED: 403,
  /** Signed in at the provider, but not let in here: domain or group not allowed, no member or invite, or an email linked to another provider account. */
  OIDC_NOT_ALLOWED: 403,
  /** A path with a malformed percent-escape (`%ff`, `%zz`): it cannot be decoded into a route's parameters. */
  MALFORMED_URL: 400,
  /** A scorecard for an interview one neither joined as an interviewer nor created (or a member who cannot score). */
  SCORECARD_NOT_ALLOWED: 403,
  /** A criterion score outside 1–4. */
  SCORE_OUT_OF_RANGE: 400,
  /** A criterion's notes or the overall notes are longer than SCORECARD_LIMITS allows. */
  SCORECARD_NOTES_TOO_LONG: 413,
  /** A score for a criterion the interview's rubric does not have. */
  UNKNOWN_CRITERION: 400,
  /** Submit needs a score for every criterion and a recommendation. */
  SCORECARD_INCOMPLETE: 400,
  /** Autosave on a submitted scorecard: edits after submit are submitted again (a new version). */
  SCORECARD_ALREADY_SUBMITTED: 409,
  /** Someone else's scorecard (or none yet): nothing to show. */
  SCORECARD_NOT_FOUND: 404,
  /** A personal API token that is missing, unknown (another server's, say), revoked, expired, or whose member is disabled. */
  API_TOKEN_INVALID: 401,
  /** A valid API token without the scope the route needs (a read-only token on a write route). */
  API_TOKEN_SCOPE_MISSING: 403,
  /** No such API token (or not one of the caller's). */
  API_TOKEN_NOT_FOUND: 404,
  /** A member already holds MAX_API_TOKENS_PER_MEMBER live tokens: revoke one first. */
  API_TOKEN_LIMIT: 409,
  /** An interviewer email that is not an active member of the team. */
  INTERVIEWER_NOT_MEMBER: 400,
  /** A webhook URL that is not an http(s) URL, carries credentials, or whose host does not resolve. */
  WEBHOOK_URL_INVALID: 400,
  /** A webhook URL that resolves to a loopback, private, link-local or reserved address (SSRF), without the admin's and the server's leave. */
  WEBHOOK_URL_FORBIDDEN: 400,
  /** No webhook endpoint with that id. */
  WEBHOOK_NOT_FOUND: 404,
  /** No delivery with that id for that endpoint. */
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  /** A workspace file path that breaks the path rules (absolute, "..", empty segment, too long or deep). */
  WORKSPACE_PATH_INVALID: 400,
  /** A workspace file path already used by a file, or a file that would also be a folder ("a" and "a/b"). */
  WORKSPACE_PATH_TAKEN: 409,
  /** More files than a workspace may hold (WORKSPACE_LIMITS.files). */
  WORKSPACE_TOO_MANY_FILES: 413,
  /** More text than a workspace may hold (WORKSPACE_LIMITS.bytes). */
  WORKSPACE_TOO_LARGE: 413,
  /** No file at that path in the workspace (rename or delete of a file that is gone). */
  WORKSPACE_FILE_NOT_FOUND: 404,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level details for validation errors (path → message); never stack traces. */
  details?: Record<string, string>;
}

/** An error that is safe to show to a client: a code from the list above and a readable message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
