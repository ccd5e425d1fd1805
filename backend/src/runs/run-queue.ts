import { AppError, JOB_KINDS, type ErrorBody, type JobKind, type JobKindStats, type WorkerPoolStats } from '@pairpad/protocol';
import { ClientRateLimiter } from './client-rate-limiter';

export interface JobLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
}

/**
 * One job as the queue schedules it. What it does and what it publishes belong to its kind's
 * service (runs: RunJobs; test runs: TestRunService); the queue only decides when it starts.
 */
export interface QueuedJob {
  readonly kind: JobKind;
  readonly sessionId: string;
  /** Jobs with the same lane never run at once and start in order (a room's runs, one after another). */
  readonly lane: string;
  /** Does the job, and reports how it ended. Never rejects: the job records its own failure. */
  start(signal: AbortSignal): Promise<'completed' | 'failed'>;
  /** The job ends before it ran (its room went, or the server is shutting down). */
  cancel(error: AppError): void;
}

export interface RunQueueOptions {
  /** Jobs of every kind running at once across all rooms (EXECUTION_MAX_CONCURRENT_JOBS). */
  maxConcurrent: number;
  /** Jobs of every kind one client may start per minute (EXECUTION_RUNS_PER_MINUTE_PER_CLIENT). */
  runsPerMinutePerClient: number;
  now?: () => number;
}

interface Running {
  job: QueuedJob;
  controller: AbortController;
}

export const silentLogger: JobLogger = { info: () => undefined, warn: () => undefined };

/** A job's error as a client may see it: a named AppError as it is, anything else as INTERNAL_ERROR saying `what` failed. */
export function jobErrorBody(error: unknown, what: string): ErrorBody {
  return error instanceof AppError ? error.toBody() : { code: 'INTERNAL_ERROR', message: `${what} because of an error on the server.` };
}

function shutdownError(): AppError {
  return new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; the run was stopped.');
}

const emptyKindStats = (): JobKindStats => ({ activeWorkers: 0, queuedTasks: 0, completedTasks: 0, failedTasks: 0 });

/**
 * The one execution queue: every kind of job (run, interactive run, test run) shares its global
 * concurrency cap and its per-client rate limit, so at most EXECUTION_MAX_CONCURRENT_JOBS jobs
 * reach the executor at once. Jobs in one lane run one at a time, in order.
 */
export class RunQueue {
  private readonly waiting: QueuedJob[] = [];
  private readonly running = new Set<Running>();
  private readonly busyLanes = new Set<string>();
  private readonly rateLimiter: ClientRateLimiter;
  private readonly now: () => number;
  private readonly finished = new Map<JobKind, { completed: number; failed: number }>(
    JOB_KINDS.map((kind) => [kind, { completed: 0, failed: 0 }]),
  );
  private totalTaskMs = 0;
  private closed = false;

  constructor(private readonly options: RunQueueOptions) {
    this.now = options.now ?? Date.now;
    this.rateLimiter = new ClientRateLimiter({ limit: options.runsPerMinutePerClient, windowMs: 60_000, now: this.now });
  }

  get maxConcurrent(): number {
    return this.options.maxConcurrent;
  }

  get runsPerMinutePerClient(): number {
    return this.options.runsPerMinutePerClient;
  }

  /** Throws SERVER_SHUTTING_DOWN once closed; nothing changes then. */
  assertOpen(): void {
    if (this.closed) throw new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; try again in a moment.');
  }

  /** Counts one job against the client's limit (every kind together); throws RATE_LIMITED, counting nothing, past it. */
  takeRate(clientKey: string, what: string): void {
    if (!this.rateLimiter.tryTake(clientKey)) {
      throw new AppError(
        'RATE_LIMITED',
        `Too many ${what}: at most ${this.options.runsPerMinutePerClient} runs and test runs per minute together; try again shortly.`,
      );
    }
  }

  /** Jobs waiting in a lane (behind its running one). */
  waitingIn(lane: string): number {
    return this.waiting.filter((job) => job.lane === lane).length;
  }

  /** Queues a job admitted by its service; it may start at once. */
  enqueue(job: QueuedJob): void {
    this.assertOpen();
    this.waiting.push(job);
    this.pump();
  }

  /** Cancels the room's waiting jobs and stops its running ones (their session is gone). */
  cancelRoom(sessionId: string, error: AppError, kinds: readonly JobKind[] = JOB_KINDS): void {
    for (const job of [...this.waiting]) {
      if (job.sessionId === sessionId && kinds.includes(job.kind)) this.cancelWaiting(job, error);
    }
    for (const { job, controller } of this.running) {
      if (job.sessionId === sessionId && kinds.includes(job.kind)) controller.abort(error);
    }
  }

  stats(): WorkerPoolStats & { activeRooms: number; byKind: Record<JobKind, JobKindStats> } {
    const byKind = Object.fromEntries(JOB_KINDS.map((kind) => [kind, emptyKindStats()])) as Record<JobKind, JobKindStats>;
    for (const { job } of this.running) byKind[job.kind].activeWorkers++;
    for (const job of this.waiting) byKind[job.kind].queuedTasks++;
    for (const [kind, counts] of this.finished)
      Object.assign(byKind[kind], { completedTasks: counts.completed, failedTasks: counts.failed });
    const completed = JOB_KINDS.reduce((sum, kind) => sum + byKind[kind].completedTasks, 0);
    const failed = JOB_KINDS.reduce((sum, kind) => sum + byKind[kind].failedTasks, 0);
    return {
      totalWorkers: this.options.maxConcurrent,
      activeWorkers: this.running.size,
      idleWorkers: Math.max(0, this.options.maxConcurrent - this.running.size),
      queuedTasks: this.waiting.length,
      completedTasks: completed,
      failedTasks: failed,
      averageTaskTime: completed + failed === 0 ? 0 : Math.round(this.totalTaskMs / (completed + failed)),
      activeRooms: new Set([...[...this.running].map(({ job }) => job.sessionId), ...this.waiting.map((job) => job.sessionId)]).size,
      byKind,
    };
  }

  /**
   * Graceful stop: nothing new is accepted and waiting jobs end now; running jobs get up to
   * `graceMs` to finish, then are stopped. Resolves once no job is running (or shortly after the
   * grace period if a job ignores its abort signal).
   */
  async drain(graceMs: number): Promise<void> {
    this.refuseNewAndCancelWaiting();
    const waitUntil = async (deadline: number): Promise<void> => {
      while (this.running.size > 0 && this.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await waitUntil(this.now() + graceMs);
    this.abortRunning();
    await waitUntil(this.now() + 1_000);
  }

  /** Immediate stop: nothing new is accepted, waiting jobs end, running jobs are aborted. */
  close(): void {
    if (this.closed) return;
    this.refuseNewAndCancelWaiting();
    this.abortRunning();
  }

  private refuseNewAndCancelWaiting(): void {
    this.closed = true;
    for (const job of [...this.waiting]) this.cancelWaiting(job, shutdownError());
  }

  private abortRunning(): void {
    for (const { controller } of this.running) controller.abort(shutdownError());
  }

  private cancelWaiting(job: QueuedJob, error: AppError): void {
    this.waiting.splice(this.waiting.indexOf(job), 1);
    this.finished.get(job.kind)!.failed++;
    job.cancel(error);
  }

  private pump(): void {
    while (this.running.size < this.options.maxConcurrent) {
      const next = this.waiting.find((job) => !this.busyLanes.has(job.lane));
      if (!next) return;
      this.waiting.splice(this.waiting.indexOf(next), 1);
      void this.execute(next);
    }
  }

  private async execute(job: QueuedJob): Promise<void> {
    const entry: Running = { job, controller: new AbortController() };
    this.running.add(entry);
    this.busyLanes.add(job.lane);
    const startedAt = this.now();
    let outcome: 'completed' | 'failed' = 'failed';
    try {
      outcome = await job.start(entry.controller.signal);
    } finally {
      // Whatever happened above, the lane and the slot are freed and the next job starts.
      this.finished.get(job.kind)![outcome]++;
      this.totalTaskMs += this.now() - startedAt;
      this.running.delete(entry);
      this.busyLanes.delete(job.lane);
      if (!this.closed) this.pump();
    }
  }
}
