import { randomUUID } from 'node:crypto';
import { AppError, type ErrorBody, type JobState, type RunRecord, type RunResult, type RunStarter, type WorkerPoolStats } from '@pairpad/protocol';
import { ClientRateLimiter } from './client-rate-limiter';

function shutdownError(): AppError {
  return new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; the run was stopped.');
}

/** Everything one run needs, fixed when it is queued (the code as it was at the click). */
export interface JobSpec {
  sessionId: string;
  /** Who to count against the per-client rate limit (the client's address). */
  clientKey: string;
  startedBy: RunStarter;
  language: string;
  version: string;
  code: string;
  stdin: string;
  /** Runs with its stdin open to the room's console (see RunRecord.interactive). */
  interactive?: boolean;
}

/** Runs one job to a result, or throws an AppError saying why it could not. */
export type JobRunner = (spec: JobSpec, signal: AbortSignal, logger: JobLogger, jobId: string) => Promise<RunResult>;

export interface JobLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
}

export interface JobQueueOptions {
  runner: JobRunner;
  /** Jobs running at once across all rooms. */
  maxConcurrent: number;
  /** Jobs one room may have waiting behind its running one. */
  maxQueuedPerRoom: number;
  /** Jobs one client may submit per minute. */
  runsPerMinutePerClient: number;
  /** Makes the per-job logger (winston's `child` fits). */
  logger?: { child(meta: Record<string, unknown>): JobLogger };
  /** Finished jobs still answer status queries for this long (default 15 min). */
  retainFinishedMs?: number;
  /** At most this many finished jobs are kept for status queries (default 5000). */
  maxRetained?: number;
  now?: () => number;
}

export type JobListener = (run: RunRecord) => void;

/** The job state machine: queued → running → completed | failed (a queued job may fail when cancelled). */
const TRANSITIONS: Record<JobState, readonly JobState[]> = {
  queued: ['running', 'failed'],
  running: ['completed', 'failed'],
  completed: [],
  failed: [],
};

interface Job {
  record: RunRecord;
  /** Dropped once the job finishes, so retained jobs hold no code. */
  spec: JobSpec | null;
  controller: AbortController;
  logger: JobLogger;
}

const silentLogger: JobLogger = { info: () => undefined, warn: () => undefined };

function toErrorBody(error: unknown): ErrorBody {
  return error instanceof AppError ? error.toBody() : { code: 'INTERNAL_ERROR', message: 'The run failed because of an error on the server.' };
}

/**
 * The execution queue: a global concurrency cap, one running job per room (later ones wait in
 * order), a cap on waiting jobs per room and a per-client rate limit. Every state change is
 * published to listeners as an immutable RunRecord.
 */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly busyRooms = new Set<string>();
  private readonly listeners = new Set<JobListener>();
  private readonly rateLimiter: ClientRateLimiter;
  private readonly now: () => number;
  private running = 0;
  private completedCount = 0;
  private failedCount = 0;
  private totalTaskMs = 0;
  private closed = false;

  constructor(private readonly options: JobQueueOptions) {
    this.now = options.now ?? Date.now;
    this.rateLimiter = new ClientRateLimiter({ limit: options.runsPerMinutePerClient, windowMs: 60_000, now: this.now });
  }

  /** Queues a job (it may start at once). Throws RATE_LIMITED when a limit is hit; nothing changes then. */
  submit(spec: JobSpec): RunRecord {
    if (this.closed) throw new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; try again in a moment.');
    const waitingInRoom = this.waiting.filter((job) => job.record.sessionId === spec.sessionId).length;
    if (waitingInRoom >= this.options.maxQueuedPerRoom) {
      throw new AppError('RATE_LIMITED', `This room already has ${waitingInRoom} runs waiting; wait for them to finish.`);
    }
    if (!this.rateLimiter.tryTake(spec.clientKey)) {
      throw new AppError('RATE_LIMITED', `Too many runs: at most ${this.options.runsPerMinutePerClient} per minute; try again shortly.`);
    }
    this.prune();
    const jobId = randomUUID();
    const job: Job = {
      record: {
        jobId,
        sessionId: spec.sessionId,
        state: 'queued',
        language: spec.language,
        version: spec.version,
        startedBy: spec.startedBy,
        queuedAt: this.now(),
        startedAt: null,
        finishedAt: null,
        result: null,
        error: null,
        ...(spec.interactive ? { interactive: true } : {}),
      },
      spec,
      controller: new AbortController(),
      logger: this.options.logger?.child({ jobId, sessionId: spec.sessionId }) ?? silentLogger,
    };
    this.jobs.set(jobId, job);
    this.waiting.push(job);
    job.logger.info('job queued', { language: spec.language, by: spec.startedBy.via });
    this.publish(job);
    this.pump();
    return job.record;
  }

  get(jobId: string): RunRecord | undefined {
    return this.jobs.get(jobId)?.record;
  }

  onUpdate(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fails the room's waiting jobs and stops its running one (its session is gone). */
  cancelRoom(sessionId: string, error: AppError): void {
    for (const job of [...this.waiting]) {
      if (job.record.sessionId === sessionId) this.failWaiting(job, error);
    }
    for (const job of this.jobs.values()) {
      if (job.record.sessionId === sessionId && job.record.state === 'running') job.controller.abort(error);
    }
  }

  stats(): WorkerPoolStats & { activeRooms: number } {
    const finished = this.completedCount + this.failedCount;
    return {
      totalWorkers: this.options.maxConcurrent,
      activeWorkers: this.running,
      idleWorkers: Math.max(0, this.options.maxConcurrent - this.running),
      queuedTasks: this.waiting.length,
      completedTasks: this.completedCount,
      failedTasks: this.failedCount,
      averageTaskTime: finished === 0 ? 0 : Math.round(this.totalTaskMs / finished),
      activeRooms: new Set([...this.busyRooms, ...this.waiting.map((job) => job.record.sessionId)]).size,
    };
  }

  /** Refuses new jobs, fails waiting ones, and aborts running ones (their runner sees the signal). */
  /**
   * Graceful stop: nothing new is accepted and waiting jobs fail now; running jobs get up to
   * `graceMs` to finish, then are stopped. Resolves once no job is running (or shortly after the
   * grace period if a runner ignores its abort signal).
   */
  async drain(graceMs: number): Promise<void> {
    this.refuseNewAndFailWaiting();
    const waitUntil = async (deadline: number): Promise<void> => {
      while (this.running > 0 && this.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await waitUntil(this.now() + graceMs);
    this.abortRunning();
    await waitUntil(this.now() + 1_000);
  }

  /** Immediate stop: nothing new is accepted, waiting jobs fail, running jobs are aborted. */
  close(): void {
    if (this.closed) return;
    this.refuseNewAndFailWaiting();
    this.abortRunning();
  }

  private refuseNewAndFailWaiting(): void {
    this.closed = true;
    for (const job of [...this.waiting]) this.failWaiting(job, shutdownError());
  }

  private abortRunning(): void {
    for (const job of this.jobs.values()) if (job.record.state === 'running') job.controller.abort(shutdownError());
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrent) {
      const next = this.waiting.find((job) => !this.busyRooms.has(job.record.sessionId));
      if (!next) return;
      this.waiting.splice(this.waiting.indexOf(next), 1);
      void this.execute(next);
    }
  }

  private async execute(job: Job): Promise<void> {
    const spec = job.spec;
    if (!spec) return;
    this.running++;
    this.busyRooms.add(spec.sessionId);
    const startedAt = this.now();
    try {
      this.transition(job, 'running', { startedAt });
      job.logger.info('job running');
      const result = await this.options.runner(spec, job.controller.signal, job.logger, job.record.jobId);
      this.transition(job, 'completed', { finishedAt: this.now(), result });
      this.completedCount++;
      job.logger.info('job completed', { outcome: result.outcome, ms: this.now() - startedAt });
    } catch (error) {
      const reason = job.controller.signal.aborted && job.controller.signal.reason instanceof AppError ? job.controller.signal.reason : error;
      this.transition(job, 'failed', { finishedAt: this.now(), error: toErrorBody(reason) });
      this.failedCount++;
      job.logger.warn('job failed', { error: toErrorBody(reason) });
    } finally {
      // Whatever happened above, the room and the worker slot are freed and the next job starts.
      this.totalTaskMs += this.now() - startedAt;
      this.running--;
      this.busyRooms.delete(spec.sessionId);
      job.spec = null;
      if (!this.closed) this.pump();
    }
  }

  private failWaiting(job: Job, error: AppError): void {
    this.waiting.splice(this.waiting.indexOf(job), 1);
    this.transition(job, 'failed', { finishedAt: this.now(), error: error.toBody() });
    this.failedCount++;
    job.spec = null;
    job.logger.warn('job cancelled before it ran', { error: error.toBody() });
  }

  private transition(job: Job, to: JobState, patch: Partial<RunRecord>): void {
    const from = job.record.state;
    // A broken transition is a bug in this file, never user input: fail loudly.
    if (!TRANSITIONS[from].includes(to)) throw new Error(`job ${job.record.jobId}: illegal transition ${from} → ${to}`);
    job.record = Object.freeze({ ...job.record, ...patch, state: to });
    this.publish(job);
  }

  private publish(job: Job): void {
    for (const listener of this.listeners) {
      try {
        listener(job.record);
      } catch (error) {
        job.logger.warn('job listener failed', { error: String(error) });
      }
    }
  }

  /** Forgets finished jobs past their retention time, or the oldest past the retained count. */
  private prune(): void {
    const retainMs = this.options.retainFinishedMs ?? 15 * 60_000;
    const maxRetained = this.options.maxRetained ?? 5_000;
    const cutoff = this.now() - retainMs;
    let excess = this.jobs.size - maxRetained;
    for (const [jobId, job] of this.jobs) {
      const finishedAt = job.record.finishedAt;
      if (finishedAt === null) continue;
      if (finishedAt < cutoff || excess > 0) {
        this.jobs.delete(jobId);
        excess--;
      }
    }
  }
}
