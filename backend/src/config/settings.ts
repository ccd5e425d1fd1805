import { z } from 'zod';
import { OIDC_SETTINGS } from './oidc-settings';
import { WEBHOOK_SETTINGS } from './webhook-settings';
import { booleanFlag, positiveInt } from './setting-schemas';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();

/** PISTON_URLS: each entry an http(s) URL, none twice; every bad entry named with its place. */
function executorUrlList(value: string, context: z.RefinementCtx): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const problem = !entry
      ? 'is empty'
      : !/^https?:\/\//.test(entry) || !z.string().url().safeParse(entry).success
        ? `("${entry.slice(0, 100)}") is not an http:// or https:// URL`
        : seen.has(entry.replace(/\/$/, ''))
          ? `("${entry}") lists an executor already listed`
          : null;
    seen.add(entry.replace(/\/$/, ''));
    if (problem) context.addIssue({ code: 'custom', message: `PISTON_URLS entry ${index + 1} ${problem}` });
  });
  return entries;
}

/**
 * Every backend setting: env name → schema with its default, and a one-line reason.
 * The README configuration table is checked against this list by a test.
 */
export const SETTINGS = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    doc: 'Runtime mode; `production` turns on JSON logs.',
  },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Interface the backend listens on.' },
  PORT: { schema: port.default(5000), doc: 'Backend HTTP + Socket.IO port (Heroku/Railway set it).' },
  CLIENT_URL: {
    schema: z.string().default('http://localhost:3000'),
    doc: 'Comma-separated frontend origins allowed by CORS and Socket.IO; the first one builds session links.',
  },
  PUBLIC_URL: { schema: url.optional(), doc: 'Frontend base URL used in session links (default: the first CLIENT_URL).' },
  SESSIONS_PER_MINUTE_PER_IP: {
    schema: positiveInt.default(30),
    doc: 'Sessions one client address may create per minute; more get RATE_LIMITED.',
  },
  API_REQUESTS_PER_MINUTE_PER_TOKEN: {
    schema: positiveInt.default(600),
    doc: 'Requests one personal API token may make to /api/v1 per minute (counted across nodes that share REDIS_URL); more get RATE_LIMITED.',
  },
  SOCKET_EVENTS_PER_SECOND: {
    schema: positiveInt.default(200),
    doc: 'Average events one socket may send per second (typing sends ~2 per keystroke); excess is dropped with RATE_LIMITED.',
  },
  SOCKET_EVENT_BURST: {
    schema: positiveInt.default(400),
    doc: 'Events one socket may send in a burst before SOCKET_EVENTS_PER_SECOND applies.',
  },
  SOCKET_PING_INTERVAL_MS: {
    schema: positiveInt.default(25_000),
    doc: 'Socket.IO heartbeat period (its default). With SOCKET_PING_TIMEOUT_MS it bounds how long a dropped network goes unnoticed; a closed tab is noticed at once. Each heartbeat costs every idle connection a round trip.',
  },
  SOCKET_PING_TIMEOUT_MS: {
    schema: positiveInt.default(20_000),
    doc: 'How long a heartbeat may go unanswered before the connection is dropped (Socket.IO default).',
  },
  SESSION_TTL_SECONDS: { schema: positiveInt.default(86_400), doc: 'A session expires this long after its last activity (sliding).' },
  MAX_PARTICIPANTS_PER_ROOM: { schema: positiveInt.default(20), doc: 'Connections one room accepts at once; more get ROOM_FULL.' },
  MAX_DOCUMENT_BYTES: { schema: positiveInt.default(1_048_576), doc: 'Largest encoded room document; edits past it are refused.' },
  LOG_LEVEL: { schema: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug']).default('info'), doc: 'winston log level.' },
  LOG_FORMAT: { schema: z.enum(['json', 'pretty']).optional(), doc: 'Log format (default: json in production, pretty otherwise).' },
  PISTON_URL: {
    schema: url.optional(),
    doc: 'Piston API base URL (e.g. http://piston:2000). Unset: the embedded executor is started on EXECUTOR_HOST:EXECUTOR_PORT.',
  },
  PISTON_URLS: {
    schema: z
      .string()
      .transform((value, context) => executorUrlList(value, context))
      .optional(),
    doc: 'Several executors as one pool, comma-separated (e.g. http://executor-1:2000,http://executor-2:2000): each run, test run and console goes to the least loaded healthy one, a console stays on the executor that started it, a dead one is left out until it answers again (docs/scaling.md, "Executors as a pool"). Set PISTON_URL or PISTON_URLS, not both.',
  },
  EXECUTION_POOL_CHECK_MS: {
    schema: positiveInt.min(100).default(5_000),
    doc: 'How often the backend asks each executor of PISTON_URLS for its health, load and runtimes; an executor that went down is back in the pool at most this long after it answers again (one that fails a run is checked at once).',
  },
  PISTON_API_KEY: {
    schema: z.string().trim().min(1).optional(),
    doc: "Sent as `Authorization: Bearer <key>` to PISTON_URL (or every executor of PISTON_URLS): the standalone executor's EXECUTOR_TOKEN (a Piston without auth ignores it).",
  },
  EXECUTION_REQUIRED: {
    schema: booleanFlag('EXECUTION_REQUIRED', true),
    doc: 'true: readiness (/health, /health/ready) fails while the embedded executor has no working sandbox; false: collaboration-only on purpose, the page says code cannot run.',
  },
  QUESTIONS_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'Folder of question files (format: questions/README.md). Unset: the questions/ folder shipped with PairPad.',
  },
  TEST_CASES_PER_ROOM: {
    schema: positiveInt.max(64).default(50),
    doc: "Most test cases one room may hold (a bank question with more is refused); at most 64, the executor's EXECUTOR_MAX_BATCH_CASES default.",
  },
  TEST_CASE_INPUT_BYTES: {
    schema: positiveInt.max(65_536).default(16_384),
    doc: 'Largest input of one test case (stdin plus arguments), bytes; with the two limits beside it a full set fits in one socket message.',
  },
  TEST_CASE_EXPECTED_BYTES: {
    schema: positiveInt.max(65_536).default(16_384),
    doc: 'Largest expected output of one test case, bytes.',
  },
  EXECUTION_MAX_CONCURRENT_JOBS: {
    schema: positiveInt.default(4),
    doc: 'Jobs (runs, interactive runs and test runs together) sent to the executor at once across all rooms; the rest wait in the one queue.',
  },
  EXECUTION_MAX_QUEUED_PER_ROOM: {
    schema: positiveInt.default(3),
    doc: 'Runs one room may have waiting behind its running one; more get RATE_LIMITED.',
  },
  EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: {
    schema: positiveInt.default(30),
    doc: 'Runs and test runs one client address may start per minute (room and REST together); more get RATE_LIMITED.',
  },
  EXECUTION_TIMEOUT_MS: {
    schema: positiveInt.default(30_000),
    doc: 'Longest wait for the executor to answer one run (compile + run + its own queue) before EXECUTOR_TIMEOUT.',
  },
  EXECUTION_CONSOLE: {
    schema: booleanFlag('EXECUTION_CONSOLE', true),
    doc: "true: runs go through the executor's WebSocket /api/v2/connect (output streamed to the room's console; with an empty Input box the console is the program's stdin), falling back to execute where there is none; false: execute only.",
  },
  EXECUTION_CONSOLE_TIMEOUT_MS: {
    schema: positiveInt.default(600_000),
    doc: "Longest an interactive run may take, as the backend sees it (the executor's EXECUTOR_CONNECT_TIMEOUT and idle limit end it sooner).",
  },
  PREVIEW_ORIGIN: {
    schema: url.optional(),
    doc: "Origin under which live previews are served, one subdomain per preview and token (`http://<token>.preview.example.com`: point a wildcard DNS name at the backend). Default `http://preview.localhost:<PORT>` (browsers resolve *.localhost to this machine). Never PairPad's own origin: a candidate's app must not read PairPad's cookies or call its API.",
  },
  PREVIEW_SECRET: {
    schema: z.string().min(32, 'PREVIEW_SECRET must be at least 32 characters').optional(),
    doc: 'HMAC key of preview tokens; several nodes must share it. Default: with REDIS_URL, a random key the first node stores in Redis and every node reads; else random at each start (links handed out before a restart stop working).',
  },
  PREVIEW_TOKEN_TTL_SECONDS: {
    schema: positiveInt.default(3_600),
    doc: "How long a preview address is valid; the room's page asks for a fresh one each time it opens the preview.",
  },
  PREVIEW_EDIT_DEBOUNCE_MS: {
    schema: z.coerce.number().int().min(0).default(100),
    doc: "Edits reach a running preview's files this long after the last keystroke of a burst, ms.",
  },
  PREVIEW_WRITER_LEASE_MS: {
    schema: z.coerce.number().int().min(300).default(6_000),
    doc: "With REDIS_URL: how long the node writing a room's edits through to its preview holds that job without renewing it (renewed every third of it); when that node dies, another node holding the room takes over within this time.",
  },
  CONSOLE_MAX_LINE_BYTES: {
    schema: positiveInt.default(4_096),
    doc: "Largest line one participant may type into a running program's console, bytes (UTF-8); larger: PAYLOAD_TOO_LARGE.",
  },
  CONSOLE_MAX_INPUT_BYTES: {
    schema: positiveInt.default(65_536),
    doc: 'Console input one run accepts in all, bytes; past it: PAYLOAD_TOO_LARGE.',
  },
  CONSOLE_MAX_OUTPUT_BYTES: {
    schema: positiveInt.default(65_536),
    doc: "Output a run's console keeps and streams per stream, bytes: keep it equal to the executor's output cap (EXECUTOR_OUTPUT_MAX_SIZE; a self-hosted Piston's connect has none, this is the cap there).",
  },
  CONSOLE_TRANSCRIPTS_KEPT: {
    schema: positiveInt.default(50),
    doc: 'Console transcripts a room keeps for playback and the report; older runs keep their result only.',
  },
  MAX_CODE_BYTES: { schema: positiveInt.default(131_072), doc: 'Largest program a run may send to the executor, bytes (UTF-8).' },
  MAX_STDIN_BYTES: { schema: positiveInt.default(65_536), doc: 'Largest stdin a run may send to the executor, bytes (UTF-8).' },
  SHUTDOWN_TIMEOUT_MS: { schema: positiveInt.default(10_000), doc: 'Longest graceful shutdown before the process exits anyway.' },
  REDIS_URL: {
    schema: url.optional(),
    doc: 'Redis URL (redis:// or rediss://) shared by all backend nodes. Unset: sessions stay in this one process.',
  },
  REDIS_KEY_PREFIX: {
    schema: z.string().min(1).default('pairpad:'),
    doc: 'Prefix for every Redis key and channel PairPad uses, so apps can share one Redis.',
  },
  DATA_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'Folder of the embedded SQLite database (`pairpad.db`) when DATABASE_URL is unset; created when missing. Unset: `.pairpad/data` in the PairPad folder.',
  },
  DATABASE_URL: {
    schema: url
      .refine((value) => /^postgres(ql)?:\/\//.test(value), { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
      .optional(),
    doc: 'PostgreSQL URL (postgres://user:password@host:5432/db) shared by every backend node. Unset: SQLite in DATA_DIR, for one node.',
  },
  RETENTION_DAYS: {
    schema: z.coerce.number().int().min(0).default(0),
    doc: 'Ended interviews older than this many days are deleted (hourly, recorded in the audit log); 0 keeps them forever.',
  },
  CHECKPOINT_INTERVAL_MS: {
    schema: positiveInt.default(30_000),
    doc: 'How often a live room that changed is written to the database (also at the first join, each finished run, the end, and when it unloads): a crash loses at most this much. Each write encodes the whole room (~1 ms of CPU for a 14 KiB room): about +2 % CPU per edit under continuous typing at 30 s (bench/RESULTS.md).',
  },
  ADMIN_EMAIL: {
    schema: z.string().trim().toLowerCase().email().optional(),
    doc: 'With ADMIN_PASSWORD: the first admin, created at start while no admin exists (otherwise the log prints a one-time setup link).',
  },
  ADMIN_PASSWORD: {
    schema: z.string().min(8).max(256).optional(),
    doc: "The first admin's password (at least 8 characters); only read while no admin exists.",
  },
  AUTH_COOKIE_SECURE: {
    schema: z.enum(['auto', 'true', 'false'], { message: 'AUTH_COOKIE_SECURE must be auto, true or false' }).default('auto'),
    doc: 'Secure flag of the sign-in cookie. auto: on when PUBLIC_URL (or the first CLIENT_URL) is https; true behind a TLS proxy on another URL.',
  },
  AUTH_COOKIE_SAMESITE: {
    schema: z.enum(['lax', 'none'], { message: 'AUTH_COOKIE_SAMESITE must be lax or none' }).default('lax'),
    doc: 'SameSite of the sign-in cookie. lax: frontend and backend on one site (e.g. app. and api.example.com). none (forces Secure): on two sites, e.g. *.vercel.app + *.up.railway.app; the CSRF token and origin check still guard writes, but browsers that block third-party cookies will not sign in: prefer one domain.',
  },
  AUTH_SESSION_TTL_HOURS: {
    schema: positiveInt.default(168),
    doc: 'A signed-in browser stays signed in this long after its last request (sliding).',
  },
  SIGN_IN_MAX_FAILURES: { schema: positiveInt.default(5), doc: 'Wrong passwords in a row before an account is locked (ACCOUNT_LOCKED).' },
  SIGN_IN_LOCK_MINUTES: { schema: positiveInt.default(15), doc: 'How long a locked account waits before it may sign in again.' },
  SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP: {
    schema: positiveInt.default(20),
    doc: 'Sign-in (password or OIDC), setup, invite and reset attempts one client address may make per minute; more get RATE_LIMITED (guessing across accounts).',
  },
  INVITE_TTL_HOURS: { schema: positiveInt.default(168), doc: 'An invite link works this long (single use).' },
  RESET_LINK_TTL_HOURS: { schema: positiveInt.default(24), doc: 'A password reset link issued by an admin works this long (single use).' },
  ...OIDC_SETTINGS,
  ...WEBHOOK_SETTINGS,
} as const;

export type SettingName = keyof typeof SETTINGS;
