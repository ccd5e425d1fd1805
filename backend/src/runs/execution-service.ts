import {
  AppError,
  questionSetupFiles,
  runFilesBytes,
  sourceFileName,
  type QuestionDatabase,
  type RunFile,
  type QueueStats,
  type Role,
  type RunControl,
  type RunRecord,
  type RunStarter,
  type RuntimeView,
} from '@pairpad/protocol';
import type { JobLogger, RunQueue } from './run-queue';
import { RunJobs, type JobRunner, type JobListener, type JobSpec } from './run-jobs';
import type { PistonClient } from './piston-client';
import type { ExecutorPool, PoolExecutor } from './executor-pool';
import { ConnectUnsupportedError, openConnect, type ConnectRun } from './piston-connect';
import { stoppedBy, toRunResult } from './result-model';
import type { RunStore } from './run-store';

/** The room's state a run defaults to; provided by the composition root (rooms/ + sessions/). */
export interface RoomSnapshot {
  language: string;
  code: string;
  stdin: string;
  /**
   * The room's workspace when it holds more than one file, the entry first (a room's file tree
   * plugs in here); absent, a run sends `code` as the language's one file, as always.
   */
  files?: readonly RunFile[];
  /** The room question's database (SQL questions): sent as setup files by runs in a SQL language. */
  database?: QuestionDatabase;
}

export interface RoomSource {
  /**
   * Throws SESSION_NOT_FOUND (or another AppError) when the session cannot run code, or when
   * `role` may not run it now (SESSION_ENDED; FORBIDDEN while Run is off for candidates).
   */
  snapshot(sessionId: string, role: Role): Promise<RoomSnapshot>;
}

export interface ExecutionLimits {
  maxQueuedPerRoom: number;
  maxCodeBytes: number;
  maxStdinBytes: number;
}

export interface ExecutionServiceOptions {
  /** The executors (one, or PISTON_URLS's pool): each job goes to the least loaded one that is up. */
  executors: ExecutorPool;
  rooms: RoomSource;
  /** The one execution queue, shared with test runs. */
  queue: RunQueue;
  limits: ExecutionLimits;
  logger?: { child(meta: Record<string, unknown>): JobLogger };
  /** How long the runtimes list is reused before asking the executor again (default 30 s). */
  runtimesCacheMs?: number;
  /** Runs shared with other backend nodes (Redis), so a run's status answers on any node. */
  sharedRuns?: RunStore;
  /**
   * Drive runs through the executor's /api/v2/connect (streamed output, console stdin, stops);
   * an executor without it is asked through execute, as before. Off: always execute.
   */
  connect?: { enabled: boolean; outputMaxBytes: number; timeoutMs: number };
}

/** Output of a run, as the executor streams it. */
export interface RunOutput {
  sessionId: string;
  jobId: string;
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface StartRunRequest {
  sessionId: string;
  clientKey: string;
  startedBy: RunStarter;
  /** Who asks: a request without a verified interviewer token counts as a candidate. */
  role?: Role;
  language?: string;
  version?: string;
  code?: string;
  /** Several files instead of `code`, the entry first (validated: RunFilesSchema). */
  files?: readonly RunFile[];
  stdin?: string;
}

/**
 * The candidate's files of a run, the entry first: the request's files, else its code as the
 * language's one file, else the room's workspace when it has several files, else the room's code.
 * (A SQL question's setup files come after these, and do not count against the code limit.)
 */
function runFiles(request: StartRunRequest, room: RoomSnapshot, language: string): readonly RunFile[] {
  if (request.files) return request.files;
  if (request.code === undefined && room.files && room.files.length > 1) return room.files;
  return [{ name: sourceFileName(language), content: request.code ?? room.code }];
}

/**
 * Execution as the rest of the backend sees it: start a run for a room, ask for its status, and
 * hear about every change (room-runs records each in its room, which every participant sees).
 */
export class ExecutionService {
  readonly jobs: RunJobs;
  private readonly listeners = new Set<JobListener>();
  private runtimesCache: { at: number; runtimes: Promise<RuntimeView[]> } | null = null;
  private readonly outputListeners = new Set<(output: RunOutput) => void>();
  /** Jobs running on this node through connect, by job id. */
  private readonly live = new Map<string, ConnectRun>();
  /** Who first stopped each job running here from the console: its result says "Stopped by <name>". */
  private readonly stoppers = new Map<string, string>();
  /** Console controls for jobs whose connection is still opening, replayed once it is open. */
  private readonly opening = new Map<string, RunControl[]>();
  private warnedStdinOnly = false;

  constructor(private readonly options: ExecutionServiceOptions) {
    // Each job goes to the least loaded executor that is up when it leaves the queue, and stays
    // there: a console run is one connect session on it, which its input and stops reach.
    const runner: JobRunner = (spec, signal, logger, jobId) =>
      options.executors.use(
        spec.interactive ? 'interactive-run' : 'run',
        (executor) => this.runOn(executor, spec, signal, logger, jobId),
        signal,
      );
    this.jobs = new RunJobs({
      runner,
      queue: options.queue,
      maxQueuedPerRoom: options.limits.maxQueuedPerRoom,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.jobs.onUpdate((run) => {
      options.sharedRuns?.record(run).catch((error: unknown) => this.warnShared('Could not share a run record', error));
      for (const listener of this.listeners) listener(run);
    });
  }

  /** One job on one executor: through its connect where it has one (streamed, with a console), else execute. */
  private async runOn(executor: PoolExecutor, spec: JobSpec, signal: AbortSignal, logger: JobLogger, jobId: string) {
    const request = {
      language: spec.language,
      version: spec.version,
      files: [...spec.files],
      stdin: spec.stdin,
      args: [],
    };
    const support = executor.connectAvailable(Boolean(this.options.connect?.enabled)) ? await executor.connectSupport() : 'none';
    if (support === 'stdin-only' && !this.warnedStdinOnly) {
      this.warnedStdinOnly = true;
      logger.warn(
        "the executor's /api/v2/connect cannot close a program's stdin or signal it (a self-hosted Piston): runs with input from the Input box go through execute; Stop ends a console run in PairPad while the program may run on there until its run_timeout",
      );
    }
    // Only the console's runs go through a stdin-only connect: a program given the Input box
    // must see the end of it, and execute closes stdin where such a connect never does.
    if (support === 'full' || (support === 'stdin-only' && spec.interactive)) {
      try {
        const streamed = await this.runConnected(executor, spec.sessionId, jobId, request, signal, logger, support === 'full');
        if (streamed) return stoppedBy(toRunResult(streamed), this.stoppers.get(jobId));
      } finally {
        this.stoppers.delete(jobId);
      }
    }
    return toRunResult(await executor.client.execute(request, signal));
  }

  /** Runs through connect; undefined when the executor has no connect (then execute runs it). */
  private async runConnected(
    executor: PoolExecutor,
    sessionId: string,
    jobId: string,
    request: Parameters<PistonClient['execute']>[0],
    signal: AbortSignal,
    logger: JobLogger,
    controls: boolean,
  ): Promise<Awaited<ConnectRun['result']> | undefined> {
    const connect = this.options.connect;
    if (!connect) return undefined;
    let run: ConnectRun;
    this.opening.set(jobId, []);
    try {
      run = await openConnect({
        baseUrl: executor.client.baseUrl,
        ...(executor.client.apiKey ? { apiKey: executor.client.apiKey } : {}),
        request,
        outputMaxBytes: connect.outputMaxBytes,
        // Input from the Input box: the program reads it to its end, as with execute.
        closeStdin: request.stdin !== '',
        controls,
        timeoutMs: connect.timeoutMs,
        signal,
        onOutput: (stream, data) => {
          for (const listener of this.outputListeners) listener({ sessionId, jobId, stream, data });
        },
      });
    } catch (error) {
      this.opening.delete(jobId);
      if (!(error instanceof ConnectUnsupportedError)) throw error;
      logger.warn('the executor has no /api/v2/connect; runs go through execute', { executor: executor.name, reason: error.message });
      executor.noConnect();
      return undefined;
    }
    this.live.set(jobId, run);
    for (const control of this.opening.get(jobId) ?? []) this.control(jobId, control);
    this.opening.delete(jobId);
    try {
      return await run.result;
    } finally {
      this.live.delete(jobId);
    }
  }

  /**
   * Console input, end of input or a stop for a job, if it runs on this node through connect
   * (every node hears every console entry; only the one running the job acts). Returns whether it did.
   */
  control(jobId: string, control: RunControl): boolean {
    const run = this.live.get(jobId);
    const early = this.opening.get(jobId);
    if (!run && early) {
      // Bounded by what the room accepts per run (CONSOLE_INPUT_MAX_BYTES).
      early.push(control);
      return true;
    }
    if (!run) return false;
    if (control.kind === 'stdin') run.write(control.text);
    else if (control.kind === 'eof') run.endInput();
    else {
      if (control.by !== undefined && !this.stoppers.has(jobId)) this.stoppers.set(jobId, control.by);
      run.kill(control.signal);
    }
    return true;
  }

  /**
   * Whether runs started now get an interactive console (stdin open) when their Input box is
   * empty: the executor a job would go to now answers connect (asked once, again a minute after
   * it did not). The pool's executors are alike; one without connect runs it through execute.
   */
  private async interactiveRuns(): Promise<boolean> {
    const executor = this.options.executors.preferred();
    if (!executor.connectAvailable(Boolean(this.options.connect?.enabled))) return false;
    return (await executor.connectSupport()) !== 'none';
  }

  onOutput(listener: (output: RunOutput) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Queues a run of the room's current code (or the given one). Resolves with the queued record. */
  async start(request: StartRunRequest): Promise<RunRecord> {
    const room = await this.options.rooms.snapshot(request.sessionId, request.role ?? 'candidate');
    const language = request.language ?? room.language;
    const files = runFiles(request, room, language);
    const stdin = request.stdin ?? room.stdin;
    const { maxCodeBytes, maxStdinBytes } = this.options.limits;
    if (runFilesBytes(files) > maxCodeBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The code is larger than the ${Math.floor(maxCodeBytes / 1024)} KiB a run may send.`);
    }
    if (Buffer.byteLength(stdin, 'utf8') > maxStdinBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The input is larger than the ${Math.floor(maxStdinBytes / 1024)} KiB a run may send.`);
    }
    const interactive = stdin === '' && (await this.interactiveRuns());
    return this.jobs.submit({
      sessionId: request.sessionId,
      clientKey: request.clientKey,
      startedBy: request.startedBy,
      language,
      version: request.version ?? '*',
      files: [...files, ...questionSetupFiles(room.database, language).filter((setup) => !files.some((file) => file.name === setup.name))],
      stdin,
      ...(interactive ? { interactive: true } : {}),
    });
  }

  status(jobId: string): RunRecord {
    const run = this.jobs.get(jobId);
    if (!run) throw new AppError('JOB_NOT_FOUND', 'No run with that id (finished runs are kept for 15 minutes).');
    return run;
  }

  /** `status()` on any node: this node's own jobs first, then the shared store. */
  async findRun(jobId: string): Promise<RunRecord> {
    const local = this.jobs.get(jobId);
    if (local || !this.options.sharedRuns) return this.status(jobId);
    const shared = await this.options.sharedRuns.get(jobId);
    if (!shared) throw new AppError('JOB_NOT_FOUND', 'No run with that id (finished runs are kept for 15 minutes).');
    return shared;
  }

  onUpdate(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The executors' runtimes (those every one of them lists: ExecutorPool.runtimes), cached
   * briefly. Neither a failed lookup nor an empty list is cached: an executor that is still
   * proving its runtimes at start answers `[]` for a moment.
   */
  runtimes(): Promise<RuntimeView[]> {
    const now = Date.now();
    if (this.runtimesCache && now - this.runtimesCache.at < (this.options.runtimesCacheMs ?? 30_000)) return this.runtimesCache.runtimes;
    const runtimes = this.options.executors.runtimes().then((list) =>
      list.map((runtime) => ({
        language: runtime.language,
        version: runtime.version,
        aliases: runtime.aliases,
        ...(runtime.runtime ? { runtime: runtime.runtime } : {}),
      })),
    );
    this.runtimesCache = { at: now, runtimes };
    const forget = (): void => {
      if (this.runtimesCache?.runtimes === runtimes) this.runtimesCache = null;
    };
    runtimes.then((list) => list.length === 0 && forget(), forget);
    return runtimes;
  }

  /** The one queue's figures: runs, interactive runs and test runs, together and per kind. */
  stats(): QueueStats {
    const { queue, limits } = this.options;
    const { activeRooms, byKind, ...workerPool } = queue.stats();
    return {
      workerPool,
      byKind,
      activeRooms,
      limits: {
        maxConcurrentJobs: queue.maxConcurrent,
        maxQueuedPerRoom: limits.maxQueuedPerRoom,
        runsPerMinutePerClient: queue.runsPerMinutePerClient,
      },
      executors: this.options.executors.stats(),
    };
  }

  private warnShared(message: string, error: unknown): void {
    this.options.logger?.child({}).warn(message, { error: error instanceof Error ? error.message : String(error) });
  }

  /** After the queue drained (room-runs drains it once for every kind): no more listeners. */
  dispose(): void {
    this.jobs.clearListeners();
    this.listeners.clear();
    this.outputListeners.clear();
  }
}
