import { randomUUID } from 'node:crypto';
import { AppError, type ErrorBody, type RunStarter, type TestCase, type TestRunRecord } from '@pairpad/protocol';
import { ClientRateLimiter } from './client-rate-limiter';
import type { JobLogger } from './run-queue';
import type { PistonClient } from './piston-client';
import { sourceFileName } from './source-file';
import { judgeBatch, pendingCase } from './test-run-result';

export interface TestRunLimits {
  /** Test runs sent to the executor at once across all rooms; the rest wait in order. */
  maxConcurrent: number;
  runsPerMinutePerClient: number;
  maxCodeBytes: number;
}

export interface TestRunServiceOptions {
  client: Pick<PistonClient, 'batch'>;
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
  tests: readonly TestCase[];
}

export type TestRunListener = (run: TestRunRecord) => void;

interface PendingRun {
  record: TestRunRecord;
  request: TestRunRequest;
  controller: AbortController;
  logger: JobLogger;
}

const silentLogger: JobLogger = { info: () => undefined, warn: () => undefined };

function toErrorBody(error: unknown): ErrorBody {
  return error instanceof AppError ? error.toBody() : { code: 'INTERNAL_ERROR', message: 'The tests could not run because of an error on the server.' };
}

/**
 * Test runs: compile once, run every case (the executor's batch endpoint, or one execute per
 * case against a plain Piston), judge each case's output. One test run per room at a time, a
 * global cap on runs at the executor, a per-client rate limit. Every state change is published
 * as a complete record (queued → running → completed | failed); the room keeps it and shows each
 * participant the view for their role.
 */
export class TestRunService {
  private readonly active = new Map<string, PendingRun>();
  private readonly waiting: PendingRun[] = [];
  private readonly listeners = new Set<TestRunListener>();
  private readonly rateLimiter: ClientRateLimiter;
  private readonly now: () => number;
  private running = 0;
  private closed = false;

  constructor(private readonly options: TestRunServiceOptions) {
    this.now = options.now ?? Date.now;
    this.rateLimiter = new ClientRateLimiter({ limit: options.limits.runsPerMinutePerClient, windowMs: 60_000, now: this.now });
  }

  /** Queues a test run; throws a named error (and changes nothing) when it may not run now. */
  start(request: TestRunRequest): TestRunRecord {
    if (this.closed) throw new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; try again in a moment.');
    if (request.tests.length === 0) throw new AppError('NO_TEST_CASES', 'This room has no test cases yet; the interviewer can add some.');
    if (Buffer.byteLength(request.code, 'utf8') > this.options.limits.maxCodeBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The code is larger than the ${Math.floor(this.options.limits.maxCodeBytes / 1024)} KiB a run may send.`);
    }
    if (this.active.has(request.sessionId)) throw new AppError('TEST_RUN_IN_PROGRESS', 'The tests are already running in this room; wait for the results.');
    if (!this.rateLimiter.tryTake(request.clientKey)) {
      throw new AppError('RATE_LIMITED', `Too many test runs: at most ${this.options.limits.runsPerMinutePerClient} per minute; try again shortly.`);
    }
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
      controller: new AbortController(),
      logger: this.options.logger?.child({ testRunId: runId, sessionId: request.sessionId }) ?? silentLogger,
    };
    this.active.set(request.sessionId, pending);
    this.waiting.push(pending);
    pending.logger.info('test run queued', { language: request.language, cases: request.tests.length });
    const queued = pending.record;
    this.publish(queued);
    this.pump();
    return queued;
  }

  onUpdate(listener: TestRunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The session is gone: its test run stops. */
  cancelRoom(sessionId: string): void {
    const pending = this.active.get(sessionId);
    if (!pending) return;
    const error = new AppError('SESSION_NOT_FOUND', 'The interview session ended; the tests were stopped.');
    if (this.waiting.includes(pending)) this.fail(pending, error);
    else pending.controller.abort(error);
  }

  /** Refuses new runs and fails waiting ones; running ones get `graceMs`, then are stopped. */
  async drain(graceMs: number): Promise<void> {
    this.closed = true;
    for (const pending of [...this.waiting]) this.fail(pending, new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; the tests were not run.'));
    const deadline = this.now() + graceMs;
    while (this.running > 0 && this.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const pending of this.active.values()) pending.controller.abort(new AppError('SERVER_SHUTTING_DOWN', 'The server is shutting down; the tests were stopped.'));
    this.listeners.clear();
  }

  private pump(): void {
    while (this.running < this.options.limits.maxConcurrent && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      void this.execute(next);
    }
  }

  private async execute(pending: PendingRun): Promise<void> {
    const { request } = pending;
    this.running++;
    const startedAt = this.now();
    try {
      this.update(pending, { state: 'running', startedAt, statusText: `Running ${request.tests.length} tests…` });
      const response = await this.options.client.batch(
        {
          language: request.language,
          version: '*',
          files: [{ name: sourceFileName(request.language), content: request.code }],
          cases: request.tests.map((testCase) => ({ stdin: testCase.stdin, args: testCase.args, ...(testCase.timeLimitMs ? { run_timeout: testCase.timeLimitMs } : {}) })),
        },
        pending.controller.signal,
      );
      const judged = judgeBatch(request.tests, response);
      this.update(pending, { ...judged, state: 'completed', finishedAt: this.now() });
      pending.logger.info('test run completed', { passed: judged.passed, total: judged.total, ms: this.now() - startedAt });
    } catch (error) {
      const reason = pending.controller.signal.aborted && pending.controller.signal.reason instanceof AppError ? pending.controller.signal.reason : error;
      this.fail(pending, reason);
    } finally {
      this.running--;
      this.active.delete(request.sessionId);
      if (!this.closed) this.pump();
    }
  }

  private fail(pending: PendingRun, error: unknown): void {
    const index = this.waiting.indexOf(pending);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.active.delete(pending.request.sessionId);
    }
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
