import { randomUUID } from 'node:crypto';
import {
  AppError,
  questionSetupFiles,
  runFilesBytes,
  sourceFileName,
  type ErrorBody,
  type QuestionDatabase,
  type RunFile,
  type RunStarter,
  type TestCase,
  type TestRunRecord,
} from '@pairpad/protocol';
import { jobErrorBody, silentLogger, type JobLogger, type RunQueue } from './run-queue';
import type { ExecutorPool } from './executor-pool';
import { judgeBatch, pendingCase } from './test-run-result';

export interface TestRunLimits {
  maxCodeBytes: number;
}

export interface TestRunServiceOptions {
  /** The executors: each test run goes to the least loaded one that is up. */
  executors: Pick<ExecutorPool, 'use'>;
  /** The one execution queue, shared with runs (its slots and its per-client rate limit). */
  queue: RunQueue;
  limits: TestRunLimits;
  logger?: { child(meta: Record<string, unknown>): JobLogger };
  now?: () => number;
}

/** Everything one test run needs, fixed when it is queued (the code as it was at the click). */
export interface TestRunRequest {
  sessionId: string;
  clientKey: string;
  startedBy: RunStarter;
  language: string;
  code: string;
  /** The room's workspace when it has several files, the entry first; given, `code` is not used. */
  files?: readonly RunFile[];
  /** The question's database (SQL questions): its schema and seed run first, on a fresh database per case. */
  database?: QuestionDatabase;
  tests: readonly TestCase[];
}

/** The candidate's files of a test run: the workspace, else the code as the language's one file. */
function candidateFiles(request: TestRunRequest): readonly RunFile[] {
  return request.files && request.files.length > 0 ? request.files : [{ name: sourceFileName(request.language), content: request.code }];
}

export type TestRunListener = (run: TestRunRecord) => void;

interface PendingRun {
  record: TestRunRecord;
  request: TestRunRequest;
  logger: JobLogger;
}

const toErrorBody = (error: unknown): ErrorBody => jobErrorBody(error, 'The tests could not run');

/**
 * Test runs (the `test-run` kind of job): compile once, run every case (the executor's batch
 * endpoint, or one execute per case against a plain Piston), judge each case's output. One test
 * run per room at a time; the executor slots and the per-client rate limit are the one queue's,
 * shared with runs. Every state change is published as a complete record (queued → running →
 * completed | failed); the room keeps it and shows each participant the view for their role.
 */
export class TestRunService {
  private readonly active = new Map<string, PendingRun>();
  private readonly listeners = new Set<TestRunListener>();
  private readonly now: () => number;

  constructor(private readonly options: TestRunServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues a test run; throws a named error (and changes nothing) when it may not run now. */
  start(request: TestRunRequest): TestRunRecord {
    const { queue } = this.options;
    queue.assertOpen();
    if (request.tests.length === 0) throw new AppError('NO_TEST_CASES', 'This room has no test cases yet; the interviewer can add some.');
    if (runFilesBytes(candidateFiles(request)) > this.options.limits.maxCodeBytes) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `The code is larger than the ${Math.floor(this.options.limits.maxCodeBytes / 1024)} KiB a run may send.`,
      );
    }
    if (this.active.has(request.sessionId))
      throw new AppError('TEST_RUN_IN_PROGRESS', 'The tests are already running in this room; wait for the results.');
    queue.takeRate(request.clientKey, 'test runs');
    const runId = randomUUID();
    const pending: PendingRun = {
      record: Object.freeze({
        runId,
        sessionId: request.sessionId,
        state: 'queued',
        language: request.language,
        version: '*',
        startedBy: request.startedBy,
        queuedAt: this.now(),
        startedAt: null,
        finishedAt: null,
        passed: 0,
        total: request.tests.length,
        statusText: `Waiting to run ${request.tests.length} tests…`,
        compileOutput: null,
        cases: request.tests.map(pendingCase),
        error: null,
      }),
      request,
      logger: this.options.logger?.child({ testRunId: runId, sessionId: request.sessionId }) ?? silentLogger,
    };
    this.active.set(request.sessionId, pending);
    pending.logger.info('test run queued', { language: request.language, cases: request.tests.length });
    const queued = pending.record;
    this.publish(queued);
    queue.enqueue({
      kind: 'test-run',
      sessionId: request.sessionId,
      lane: `test-run:${request.sessionId}`,
      start: (signal) => this.execute(pending, signal),
      cancel: (error) => this.fail(pending, error),
    });
    return queued;
  }

  onUpdate(listener: TestRunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  private async execute(pending: PendingRun, signal: AbortSignal): Promise<'completed' | 'failed'> {
    const { request } = pending;
    const startedAt = this.now();
    try {
      this.update(pending, { state: 'running', startedAt, statusText: `Running ${request.tests.length} tests…` });
      const batch = {
        language: request.language,
        version: '*',
        files: [...candidateFiles(request), ...questionSetupFiles(request.database, request.language)],
        cases: request.tests.map((testCase) => ({
          stdin: testCase.stdin,
          args: testCase.args,
          ...(testCase.timeLimitMs ? { run_timeout: testCase.timeLimitMs } : {}),
        })),
      };
      const response = await this.options.executors.use('test-run', (executor) => executor.client.batch(batch, signal), signal);
      const judged = judgeBatch(request.tests, response);
      this.update(pending, { ...judged, state: 'completed', finishedAt: this.now() });
      pending.logger.info('test run completed', { passed: judged.passed, total: judged.total, ms: this.now() - startedAt });
      return 'completed';
    } catch (error) {
      this.fail(pending, signal.aborted && signal.reason instanceof AppError ? signal.reason : error);
      return 'failed';
    }
  }

  private fail(pending: PendingRun, error: unknown): void {
    this.active.delete(pending.request.sessionId);
    const body = toErrorBody(error);
    pending.logger.warn('test run failed', { error: body });
    this.update(pending, {
      state: 'failed',
      finishedAt: this.now(),
      error: body,
      statusText: 'Could not run the tests',
      cases: pending.record.cases.map((result) => ({ ...result, verdict: 'error', statusText: 'Not run' })),
    });
  }

  private update(pending: PendingRun, patch: Partial<TestRunRecord>): void {
    pending.record = Object.freeze({ ...pending.record, ...patch });
    // A finished run frees its room before anyone hears of it, so a listener may start the next.
    if (pending.record.state === 'completed' || pending.record.state === 'failed') this.active.delete(pending.request.sessionId);
    this.publish(pending.record);
  }

  private publish(record: TestRunRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.options.logger?.child({}).warn('test run listener failed', { error: String(error) });
      }
    }
  }
}
