import { z } from 'zod';
import type { ErrorBody } from './errors';
import { SessionIdSchema } from './sessions';
import { ROOM_DOC } from './room-shape';
import { RunFilesSchema } from './run-files';

/** Runs a room keeps (newest first); a late joiner receives them all. */
export const RUN_HISTORY_LIMIT = 20;

/** The name of the shared stdin text in the room's Y.Doc (the "Input" box). */
export const STDIN_TEXT = ROOM_DOC.stdin;

/** Piston language names or aliases: short, no spaces (e.g. `python`, `c++`, `py3`). */
const PistonLanguageSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9+#._-]+$/, 'must be a language name such as python or c++');

/** A semver range as Piston matches it (`*`, `3.x`, `3.11`, `3.11.7`). */
const PistonVersionSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[0-9A-Za-z.*xX^~<>=| -]+$/, 'must be a version range such as * or 3.11');

/** `POST /api/execute`: everything but the session defaults to the room's current state. */
export const ExecuteBodySchema = z.strictObject({
  sessionId: SessionIdSchema,
  language: PistonLanguageSchema.optional(),
  version: PistonVersionSchema.optional(),
  /** Defaults to the room's current code. */
  code: z.string().optional(),
  /**
   * Several files instead of `code` (a workspace): the entry first, names with folders
   * (`src/util.py`); the run sends them as Piston's `files[]`. Given, `code` is not used.
   */
  files: RunFilesSchema.optional(),
  /** Defaults to the room's shared "Input". */
  stdin: z.string().optional(),
});
export type ExecuteBody = z.infer<typeof ExecuteBodySchema>;

/** `run:start` over the socket: the session is the socket's room; the rest defaults as above. */
export const RunStartSchema = ExecuteBodySchema.omit({ sessionId: true });
export type RunStart = z.infer<typeof RunStartSchema>;

export const JobIdSchema = z.string().uuid('must be a job id');

export const JOB_STATES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * What happened to a run, in one word the UI turns into a sentence. `executor-error` means the
 * code never ran to an answer (executor down, slow or rejecting): the run's `error` says why.
 */
export const RUN_OUTCOMES = [
  'success',
  'compile-error',
  'runtime-error',
  'time-limit',
  'memory-limit',
  'output-truncated',
  'signal',
  'internal-error',
  'executor-error',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** One stage (compile or run) as Piston reports it, in our naming. Times in ms, memory in bytes. */
export interface StageView {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order produced. */
  output: string;
  code: number | null;
  signal: string | null;
  /** Piston's status: null on success, else RE, SG, TO, OL, EL or XX. */
  status: string | null;
  message: string | null;
  cpuTime: number | null;
  wallTime: number | null;
  memory: number | null;
}

/** A finished run as everyone in the room sees it. */
export interface RunResult {
  outcome: RunOutcome;
  /** The outcome in words: "Time limit exceeded", "Compile error", "Exited with code 1"… */
  statusText: string;
  language: string;
  version: string;
  compile: StageView | null;
  /** Null when the compile stage failed (Piston mirrors it into `run`; we don't repeat it). */
  run: StageView | null;
  /**
   * Who stopped the run from the console (Stop or Ctrl+C), by display name: then `statusText` is
   * "Stopped by <name>", and the page shows it as a stop, not a crash, whatever the exit looked like.
   */
  stoppedBy?: string;
}

export interface RunStarter {
  name: string;
  /** `api` for runs started through `POST /api/execute`. */
  via: 'room' | 'api';
}

/** What every run in a room has, a program run or a test run: who, what, and when (epoch ms, server clock). */
export interface RunLifecycle {
  sessionId: string;
  state: JobState;
  language: string;
  version: string;
  startedBy: RunStarter;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** A job as the room, the status endpoint and the history list see it. */
export interface RunRecord extends RunLifecycle {
  jobId: string;
  result: RunResult | null;
  /** Why a `failed` job produced no result, in words. */
  error: ErrorBody | null;
  /**
   * The program's stdin is the room's console while it runs (the Input box was empty and the
   * executor has /api/v2/connect). Absent: its stdin was the Input box, closed after it.
   */
  interactive?: boolean;
}

/** `GET /api/execute/status/:jobId` answers the job's record. */
export type JobStatus = RunRecord;

export interface ExecuteAccepted {
  jobId: string;
  state: JobState;
}

export interface WorkerPoolStats {
  totalWorkers: number;
  activeWorkers: number;
  idleWorkers: number;
  queuedTasks: number;
  completedTasks: number;
  failedTasks: number;
  /** Mean ms from start to finish of finished jobs (0 before the first). */
  averageTaskTime: number;
}

/**
 * The kinds of job that share the one execution queue (its EXECUTION_MAX_CONCURRENT_JOBS slots and
 * its per-client rate limit): a run with the Input box, a run whose stdin is the room's console,
 * and a test run (compile once, run every case).
 */
export const JOB_KINDS = ['run', 'interactive-run', 'test-run'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobKindStats {
  activeWorkers: number;
  queuedTasks: number;
  completedTasks: number;
  failedTasks: number;
}

export interface QueueStats {
  /** Every kind of job together. */
  workerPool: WorkerPoolStats;
  /** The same figures per kind of job. */
  byKind: Record<JobKind, JobKindStats>;
  /** Rooms with a job queued or running. */
  activeRooms: number;
  limits: { maxConcurrentJobs: number; maxQueuedPerRoom: number; runsPerMinutePerClient: number };
  /** The executors jobs go to (one, or PISTON_URLS's pool), in their configured order. */
  executors: ExecutorStats[];
}

/** One executor as this backend node sees it (no address: that is for the operator's /health/executor). */
export interface ExecutorStats {
  /** `executor-1`… in PISTON_URLS's order, `executor` for PISTON_URL alone, `embedded` for the embedded one. */
  name: string;
  /** Taking new jobs: null until first checked, false while down (it did not answer, or is still starting). */
  up: boolean | null;
  /** Jobs this node has on it now, every kind together and per kind. */
  inFlight: number;
  byKind: Record<JobKind, number>;
  /** Long-lived things kept on it (a session's preview): they count as load. */
  pinned: number;
  /**
   * What it last said of its own load (every backend's jobs), when it says (PairPad's executor):
   * jobs running and waiting in its queue, and its connect sessions (streamed runs, consoles).
   */
  reported: { running: number; queued: number; sessions: number } | null;
}

export interface RuntimeView {
  language: string;
  version: string;
  aliases: string[];
  runtime?: string;
}

/** `run:update`: a job changed state (queued → running → completed | failed). */
export interface RunUpdate {
  run: RunRecord;
  /** The server's clock when sent, so clients can tick elapsed time without trusting their own clock. */
  serverTime: number;
}

/** `runs:history`: sent to a socket when it joins (newest first). */
export interface RunsHistory {
  runs: RunRecord[];
  serverTime: number;
}

/** Ack of `run:start`. */
export interface RunStarted {
  run: RunRecord;
}
