import { randomUUID } from 'node:crypto';
import { AppError, type ErrorBody, type JobState, type RunFile, type RunRecord, type RunResult, type RunStarter } from '@pairpad/protocol';
import { jobErrorBody, silentLogger, type JobLogger, type RunQueue } from './run-queue';

/** Everything one run needs, fixed when it is queued (the code as it was at the click). */
export interface JobSpec {
  sessionId: string;
  /** Who to count against the per-client rate limit (the client's address). */
  clientKey: string;
  startedBy: RunStarter;
  language: string;
  version: string;
  /** Piston's files[]: the entry first (the room's code as the language's one file, or a workspace), then setup files. */
  files: readonly RunFile[];
  stdin: string;
  /** Runs with its stdin open to the room's console (see RunRecord.interactive). */
  interactive?: boolean;
}

/** Runs one job to a result, or throws an AppError saying why it could not. */
export type JobRunner = (spec: JobSpec, signal: AbortSignal, logger: JobLogger, jobId: string) => Promise<RunResult>;

export interface RunJobsOptions {
  runner: JobRunner;
  /** The one execution queue, shared with test runs. */
  queue: RunQueue;
  /** Runs one room may have waiting behind its running one. */
  maxQueuedPerRoom: number;
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
  logger: JobLogger;
}

const toErrorBody = (error: unknown): ErrorBody => jobErrorBody(error, 'The run failed');

/**
 * Runs (the `run` and `interactive-run` kinds of job) in the one queue: a room's runs one after
 * another, a cap on the runs waiting per room, and every state change published as an immutable
 * RunRecord. Status queries answer for finished runs for a while.
 */
export class RunJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<JobListener>();
  private readonly now: () => number;

  constructor(private readonly options: RunJobsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues a run (it may start at once). Throws RATE_LIMITED when a limit is hit; nothing changes then. */
  submit(spec: JobSpec): RunRecord {
    const { queue } = this.options;
    queue.assertOpen();
    const lane = `run:${spec.sessionId}`;
    const waitingInRoom = queue.waitingIn(lane);
    if (waitingInRoom >= this.options.maxQueuedPerRoom) {
      throw new AppError('RATE_LIMITED', `This room already has ${waitingInRoom} runs waiting; wait for them to finish.`);
    }
    queue.takeRate(spec.clientKey, 'runs');
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
      logger: this.options.logger?.child({ jobId, sessionId: spec.sessionId }) ?? silentLogger,
    };
    this.jobs.set(jobId, job);
    job.logger.info('job queued', { language: spec.language, by: spec.startedBy.via });
    this.publish(job);
    queue.enqueue({
      kind: spec.interactive ? 'interactive-run' : 'run',
      sessionId: spec.sessionId,
      lane,
      start: (signal) => this.execute(job, signal),
      cancel: (error) => this.cancel(job, error),
    });
    return job.record;
  }

  get(jobId: string): RunRecord | undefined {
    return this.jobs.get(jobId)?.record;
  }

  onUpdate(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  private async execute(job: Job, signal: AbortSignal): Promise<'completed' | 'failed'> {
    const spec = job.spec;
    if (!spec) return 'failed';
    const startedAt = this.now();
    try {
      this.transition(job, 'running', { startedAt });
      job.logger.info('job running');
      const result = await this.options.runner(spec, signal, job.logger, job.record.jobId);
      this.transition(job, 'completed', { finishedAt: this.now(), result });
      job.logger.info('job completed', { outcome: result.outcome, ms: this.now() - startedAt });
      return 'completed';
    } catch (error) {
      const reason = signal.aborted && signal.reason instanceof AppError ? signal.reason : error;
      this.transition(job, 'failed', { finishedAt: this.now(), error: toErrorBody(reason) });
      job.logger.warn('job failed', { error: toErrorBody(reason) });
      return 'failed';
    } finally {
      job.spec = null;
    }
  }

  private cancel(job: Job, error: AppError): void {
    this.transition(job, 'failed', { finishedAt: this.now(), error: error.toBody() });
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
