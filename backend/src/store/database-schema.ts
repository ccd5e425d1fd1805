import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Every table of the database, as Kysely sees it (the shape fixed by issue 22's "Teams contract").
 * Both engines store the same values: timestamps are integer milliseconds since the epoch,
 * booleans integer 0/1, JSON text, Y.Doc states blobs (SQLite) or bytea (PostgreSQL), read back
 * as Buffers.
 */
export interface Database {
  members: MembersTable;
  auth_sessions: AuthSessionsTable;
  invites: InvitesTable;
  password_resets: PasswordResetsTable;
  settings: SettingsTable;
  interviews: InterviewsTable;
  audit_log: AuditLogTable;
  interview_interviewers: InterviewInterviewersTable;
  interview_rubrics: InterviewRubricsTable;
  scorecards: ScorecardsTable;
  scorecard_revisions: ScorecardRevisionsTable;
  api_tokens: ApiTokensTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  /** The migration runner's own bookkeeping: one row per applied migration. */
  pairpad_migrations: MigrationsTable;
}

/** Milliseconds since the epoch (an int8 on PostgreSQL, parsed back to a number). */
export type Millis = number;
/** 0 or 1. */
export type Flag = 0 | 1;

export type MemberRole = 'admin' | 'interviewer';

export interface MembersTable {
  id: string;
  /** Lowercased before it is stored: unique whatever the case typed. */
  email: string;
  name: string;
  role: MemberRole;
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: ColumnType<Flag, Flag | undefined, Flag>;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: Millis | null;
  created_at: Millis;
}

export interface AuthSessionsTable {
  /** sha256 (hex) of the cookie's secret: a leaked table gives no usable cookie. */
  id_hash: string;
  member_id: string;
  csrf_token: string;
  created_at: Millis;
  expires_at: Millis;
  last_seen_at: Millis;
}

export interface InvitesTable {
  token_hash: string;
  email: string;
  role: MemberRole;
  created_by: string;
  created_at: Millis;
  expires_at: Millis;
  accepted_at: Millis | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  member_id: string;
  created_by: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type InterviewStatus = 'upcoming' | 'live' | 'ended';

export interface InterviewsTable {
  /** The session id. */
  id: string;
  title: string;
  language: string;
  question_id: string | null;
  question_title: string | null;
  status: InterviewStatus;
  created_by: string | null;
  candidate_name: string | null;
  candidate_email: string | null;
  interviewer_token_hash: string | null;
  guest_link_revoked: ColumnType<Flag, Flag | undefined, Flag>;
  created_at: Millis;
  started_at: Millis | null;
  ended_at: Millis | null;
  updated_at: Millis;
  /** The room's Y.Doc (`Y.encodeStateAsUpdate`); null until the room is first opened. */
  room_state: Uint8Array | null;
  /** The interviewers' private notes document, same encoding. */
  notes_state: Uint8Array | null;
  /** JSON `{ [language]: code }`. */
  final_code: string | null;
  /** JSON array of `{ name, role }`. */
  participants: ColumnType<string, string | undefined, string>;
  /**
   * Lowercased "title question candidate email" for the dashboard's search, folded in
   * JavaScript so that both engines match the same rows (SQLite's lower() and LIKE fold ASCII only).
   */
  search_text: ColumnType<string, string | undefined, string>;
  /** Soft delete: hidden from every list and read, erased by retention. */
  deleted_at: Millis | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Millis;
  actor_member_id: string | null;
  action: string;
  target: string;
  /** JSON object. */
  details: string;
}

/** A member who joined an interview's room as its interviewer (0002): they may score it. */
export interface InterviewInterviewersTable {
  interview_id: string;
  member_id: string;
  joined_at: Millis;
}

/** The rubric an interview is scored against, frozen when its first scorecard is made (0002). */
export interface InterviewRubricsTable {
  interview_id: string;
  /** JSON `Rubric`. */
  rubric: string;
  /** JSON `RubricSource`. */
  source: string;
  created_at: Millis;
}

export type ScorecardStatus = 'draft' | 'submitted';
export type RecommendationValue = 'strong_no' | 'no' | 'yes' | 'strong_yes';

/** One member's scorecard for one interview (0002): the current draft or submitted version. */
export interface ScorecardsTable {
  id: string;
  interview_id: string;
  member_id: string;
  status: ScorecardStatus;
  /** JSON `{ [criterionId]: { score, notes } }`. */
  scores: string;
  recommendation: RecommendationValue | null;
  notes: string;
  /** Submitted versions so far. */
  version: number;
  created_at: Millis;
  updated_at: Millis;
  submitted_at: Millis | null;
}

/** Every submitted version of a scorecard (0002), the current one included. */
export interface ScorecardRevisionsTable {
  id: Generated<number>;
  scorecard_id: string;
  version: number;
  scores: string;
  recommendation: RecommendationValue | null;
  notes: string;
  submitted_at: Millis;
}

/** Personal API tokens (`/api/v1`): only the secret's sha256 is kept. */
export interface ApiTokensTable {
  id: string;
  member_id: string;
  name: string;
  /** JSON array of 'read' | 'write'. */
  scopes: string;
  /** sha256 (hex) of the whole token. */
  token_hash: string;
  /** `ppk_` and the next 8 characters, shown in lists. */
  prefix: string;
  created_at: Millis;
  last_used_at: Millis | null;
  expires_at: Millis | null;
  revoked_at: Millis | null;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  /** JSON array of event types. */
  events: string;
  /** The signing secret, as handed to the admin once (an HMAC key must be usable, so it is not hashed). */
  secret: string;
  enabled: ColumnType<Flag, Flag | undefined, Flag>;
  /** An admin allowed a private or loopback address (honoured only with WEBHOOKS_ALLOW_PRIVATE_URLS). */
  allow_private: ColumnType<Flag, Flag | undefined, Flag>;
  created_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The interview the event is about (null for a ping): erased with it. */
  interview_id: string | null;
  /** The JSON body sent, byte for byte (what the signature covers). */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Millis;
  /** The node holding the lease while `delivering`. */
  claimed_by: string | null;
  /** The lease's end: after it, another node may take the delivery (its node died). */
  claimed_until: Millis | null;
  last_status_code: number | null;
  /** The receiver's answer, truncated to WEBHOOKS_RESPONSE_MAX_BYTES. */
  last_response: string | null;
  last_error: string | null;
  created_at: Millis;
  delivered_at: Millis | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  node: string;
  started_at: Millis;
  /** Null while in flight, or forever if its node died (then `error` says so once another node takes it). */
  finished_at: Millis | null;
  duration_ms: number | null;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
}

export interface MigrationsTable {
  name: string;
  applied_at: Millis;
}

export type MemberRow = Selectable<MembersTable>;
export type NewMemberRow = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type InterviewRow = Selectable<InterviewsTable>;
export type NewInterviewRow = Insertable<InterviewsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
