import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AppError } from '@pairpad/protocol';
import {
  PistonBatchResponseSchema,
  PistonErrorBodySchema,
  PistonExecuteResponseSchema,
  PistonRuntimesSchema,
  type PistonBatchRequest,
  type PistonBatchResponse,
  type PistonExecuteRequest,
  type PistonExecuteResponse,
  type PistonRuntime,
  type PistonStage,
} from './piston-schemas';

export interface PistonClientOptions {
  /** Base URL without `/api/v2`, e.g. http://127.0.0.1:2000. */
  baseUrl: string;
  /** Longest wait for one execute answer (compile + run + the executor's own queue). */
  executeTimeoutMs: number;
  /** Longest wait for one GET (runtimes); short, since it is retried. */
  getTimeoutMs?: number;
  /** Extra attempts for idempotent GETs after a network error or a 502/503/504. */
  getRetries?: number;
  /** Sent as `Authorization: Bearer <key>` (PISTON_API_KEY: a standalone executor's EXECUTOR_TOKEN). */
  apiKey?: string;
}

/** Network failures that mean "nobody is listening there" rather than "it broke mid-way". */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * EXECUTOR_UNAVAILABLE when nobody took the request at all (refused, no such host): the job
 * never reached the executor, so the pool may hand it to another one.
 */
export class ExecutorUnreachableError extends AppError {
  constructor(message: string) {
    super('EXECUTOR_UNAVAILABLE', message);
  }
}

function pistonMessage(data: unknown): string | null {
  const parsed = PistonErrorBodySchema.safeParse(data);
  return parsed.success ? parsed.data.message.slice(0, 500) : null;
}

/**
 * Turns anything axios throws into a named AppError with a sentence a user can read.
 * The executor's URL and stack never reach the message: they are server internals.
 */
export function toExecutorError(error: unknown, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  if (!axios.isAxiosError(error)) return new AppError('EXECUTOR_UNAVAILABLE', 'The code executor could not be reached.');
  if (axios.isCancel(error) || error.code === 'ERR_CANCELED') {
    return new AppError('EXECUTOR_UNAVAILABLE', 'The run was stopped because the server is shutting down.');
  }
  const response = error.response;
  if (response) return fromStatus(response.status, response.data);
  const code = error.code ?? '';
  if (TIMEOUT_CODES.has(code)) {
    return new AppError('EXECUTOR_TIMEOUT', `The code executor did not answer within ${Math.round(timeoutMs / 1000)} s.`);
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new ExecutorUnreachableError(`The code executor is not reachable (${code}). Runs will work again once it is back.`);
  }
  // ECONNRESET, "socket hang up", EPIPE: the executor went away in the middle of the request.
  return new AppError(
    'EXECUTOR_UNAVAILABLE',
    `The code executor stopped answering in the middle of the run (${code || 'connection lost'}).`,
  );
}

function fromStatus(status: number, data: unknown): AppError {
  const message = pistonMessage(data);
  if (status === 400 && message && /runtime is unknown/i.test(message)) {
    return new AppError('RUNTIME_UNKNOWN', `The executor has no such runtime: ${message}.`);
  }
  if (status === 401 || status === 403) {
    // The operator's problem (PISTON_API_KEY vs EXECUTOR_TOKEN), not the candidate's: say so plainly.
    return new AppError('EXECUTOR_UNAVAILABLE', "Code execution is unavailable: the executor refused this server's credentials.");
  }
  if (status === 503 && message?.startsWith('No working sandbox')) {
    // The why (bwrap, namespaces, AppArmor) is for the operator: health and the executor's log say it.
    return new AppError(
      'EXECUTOR_UNAVAILABLE',
      'Code execution is unavailable on this server (its sandbox cannot run here). Editing and everything else keep working.',
    );
  }
  if (RETRYABLE_STATUSES.has(status)) {
    return new AppError(
      'EXECUTOR_UNAVAILABLE',
      `The code executor is busy or unavailable (HTTP ${status}${message ? `: ${message}` : ''}).`,
    );
  }
  if (status >= 400 && status < 500) {
    return new AppError('EXECUTOR_REJECTED', `The executor refused the run: ${message ?? `HTTP ${status}`}.`);
  }
  return new AppError('EXECUTOR_REJECTED', `The executor failed to run the code (HTTP ${status}${message ? `: ${message}` : ''}).`);
}

/** A Piston API v2 client: one code path for the embedded executor and a self-hosted Piston. */
export class PistonClient {
  private readonly http: AxiosInstance;
  private readonly getTimeoutMs: number;
  private readonly getRetries: number;
  /** Unknown until the first batch: true for our executor, false for a plain Piston. */
  private batchSupported: boolean | undefined;

  constructor(private readonly options: PistonClientOptions) {
    this.http = axios.create({
      baseURL: `${options.baseUrl.replace(/\/$/, '')}/api/v2`,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
      },
      // Status codes are ours to map; axios must not throw before we read Piston's message.
      validateStatus: () => true,
      // Piston answers JSON; anything else is an error we describe ourselves.
      responseType: 'json',
      maxRedirects: 0,
    });
    this.getTimeoutMs = options.getTimeoutMs ?? 5_000;
    this.getRetries = options.getRetries ?? 2;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The executor token this client sends (connect sends it on the upgrade). */
  get apiKey(): string | undefined {
    return this.options.apiKey;
  }

  /** `GET /runtimes`, retried on network errors and 502/503/504 (it is idempotent). */
  async runtimes(signal?: AbortSignal): Promise<PistonRuntime[]> {
    const response = await this.getWithRetries('/runtimes', signal);
    const parsed = PistonRuntimesSchema.safeParse(response.data);
    if (!parsed.success) throw new AppError('EXECUTOR_REJECTED', 'The executor listed its runtimes in a form PairPad does not understand.');
    return parsed.data;
  }

  /**
   * `POST /execute`. Never retried: the program may have run (and printed, or written) already,
   * and a user should see exactly one run per click.
   */
  async execute(request: PistonExecuteRequest, signal?: AbortSignal): Promise<PistonExecuteResponse> {
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.post('/execute', request, { timeout: this.options.executeTimeoutMs, ...(signal ? { signal } : {}) });
    } catch (error) {
      throw toExecutorError(error, this.options.executeTimeoutMs);
    }
    if (response.status !== 200) throw fromStatus(response.status, response.data);
    const parsed = PistonExecuteResponseSchema.safeParse(response.data);
    if (!parsed.success) throw new AppError('EXECUTOR_REJECTED', 'The executor answered in a form PairPad does not understand.');
    return parsed.data;
  }

  /**
   * Compile once, run every case: the embedded executor's `POST /pairpad/batch`. A Piston
   * without it (404) gets one execute per case instead (each compiles again), remembered so
   * that later batches go straight to the fallback. Like execute, never retried.
   */
  async batch(request: PistonBatchRequest, signal?: AbortSignal): Promise<PistonBatchResponse> {
    if (this.batchSupported !== false) {
      let response: AxiosResponse<unknown>;
      try {
        response = await this.http.post('/pairpad/batch', request, {
          timeout: this.options.executeTimeoutMs,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw toExecutorError(error, this.options.executeTimeoutMs);
      }
      if (response.status === 200) {
        this.batchSupported = true;
        const parsed = PistonBatchResponseSchema.safeParse(response.data);
        if (!parsed.success) throw new AppError('EXECUTOR_REJECTED', 'The executor answered in a form PairPad does not understand.');
        return parsed.data;
      }
      if (response.status !== 404) throw fromStatus(response.status, response.data);
      this.batchSupported = false;
    }
    return this.batchByExecutes(request, signal);
  }

  private async batchByExecutes(request: PistonBatchRequest, signal?: AbortSignal): Promise<PistonBatchResponse> {
    const cases: PistonStage[] = [];
    let compile: PistonStage | undefined;
    let language = request.language;
    let version = request.version;
    for (const testCase of request.cases) {
      const answer = await this.execute(
        {
          language: request.language,
          version: request.version,
          files: request.files,
          stdin: testCase.stdin,
          args: testCase.args ?? [],
          ...(testCase.run_timeout ? { run_timeout: testCase.run_timeout } : {}),
        },
        signal,
      );
      ({ language, version } = answer);
      compile ??= answer.compile;
      // A compile error is the same for every case: report it once, as the batch endpoint does.
      if (answer.compile && (answer.compile.status !== null || answer.compile.code !== 0))
        return { language, version, compile: answer.compile, cases: [] };
      cases.push(answer.run);
    }
    return { language, version, ...(compile ? { compile } : {}), cases };
  }

  private async getWithRetries(path: string, signal?: AbortSignal): Promise<AxiosResponse<unknown>> {
    let lastError: AppError | undefined;
    for (let attempt = 0; attempt <= this.getRetries; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 3 ** (attempt - 1)));
      try {
        const response = await this.http.get(path, { timeout: this.getTimeoutMs, ...(signal ? { signal } : {}) });
        if (response.status === 200) return response;
        lastError = fromStatus(response.status, response.data);
        if (!RETRYABLE_STATUSES.has(response.status)) break;
      } catch (error) {
        lastError = toExecutorError(error, this.getTimeoutMs);
        if (signal?.aborted) break;
      }
    }
    throw lastError ?? new AppError('EXECUTOR_UNAVAILABLE', 'The code executor could not be reached.');
  }
}
