import WebSocket from 'ws';
import { z } from 'zod';
import { AppError } from '@pairpad/protocol';
import { ExecutorUnreachableError, UNREACHABLE_CODES } from './piston-client';
import type { PistonExecuteRequest, PistonExecuteResponse, PistonStage } from './piston-schemas';

/**
 * A client of Piston's WebSocket /api/v2/connect (the embedded executor's and a self-hosted
 * Piston's): init, stdin as data messages, signals, and a result assembled from the streamed
 * output and the stages' exit messages, in the shape of an execute answer.
 */

const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runtime'), language: z.string(), version: z.string() }),
  z.object({ type: z.literal('stage'), stage: z.enum(['compile', 'run']) }),
  z.object({ type: z.literal('data'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.object({
    type: z.literal('exit'),
    stage: z.enum(['compile', 'run']),
    code: z.number().nullable().optional(),
    signal: z.string().nullable().optional(),
    // Ours only; a self-hosted Piston sends code and signal alone.
    status: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
    cpu_time: z.number().nullable().optional(),
    wall_time: z.number().nullable().optional(),
    memory: z.number().nullable().optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/** The executor has no /api/v2/connect (a plain or public Piston): run through execute instead. */
export class ConnectUnsupportedError extends Error {
  override name = 'ConnectUnsupportedError';
}

/**
 * What an executor's /api/v2/connect can do. `full`: the embedded executor (stdin, end of
 * input, signals). `stdin-only`: a self-hosted Piston (checked against engineer-man/piston
 * 0a844d0): output streams and stdin reaches the program, but `eof` is ignored (its stdin is
 * never closed), signals are ignored (v2.js emits "signal", job.js listens for "kill") and a
 * closed socket does not end the job: it runs until Piston's run_timeout. `none`: no connect.
 */
export type ConnectSupport = 'full' | 'stdin-only' | 'none';

/** How long a SIGKILL may go unanswered before the backend ends the run itself. */
export const STOP_GRACE_MS = 5_000;

export interface ConnectOptions {
  baseUrl: string;
  apiKey?: string;
  request: PistonExecuteRequest;
  /** Output of the run stage as it arrives, within the caps. */
  onOutput(stream: 'stdout' | 'stderr', data: string): void;
  /** Bytes kept per stream and stage; past it the run is killed and marked OL / EL, as execute does. */
  outputMaxBytes: number;
  /** Closes stdin after the request's stdin (a non-interactive run: the program reads to EOF). */
  closeStdin: boolean;
  /**
   * The executor honours eof and signals (`full` support). Without, a stop ends the run here
   * at once (the socket is closed and the run reported stopped), and end of input cannot be sent.
   */
  controls: boolean;
  /** How long a SIGKILL may go unanswered before the run is ended here (default STOP_GRACE_MS). */
  stopGraceMs?: number;
  /** Longest the whole session may take before the backend gives up on it. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ConnectRun {
  write(data: string): void;
  /** Closes the program's stdin (the embedded executor; a no-op where `controls` is false). */
  endInput(): void;
  kill(signal: 'SIGINT' | 'SIGKILL'): void;
  readonly result: Promise<PistonExecuteResponse>;
}

interface StageAccumulator {
  stdout: string;
  stderr: string;
  output: string;
  bytes: { stdout: number; stderr: number };
  overflow: 'OL' | 'EL' | null;
  exit: Extract<z.infer<typeof ServerMessageSchema>, { type: 'exit' }> | undefined;
}

const newStage = (): StageAccumulator => ({
  stdout: '',
  stderr: '',
  output: '',
  bytes: { stdout: 0, stderr: 0 },
  overflow: null,
  exit: undefined,
});

/** Opens a session and sends init; resolves once the executor accepted the upgrade. */
export function openConnect(options: ConnectOptions): Promise<ConnectRun> {
  const url = `${options.baseUrl.replace(/\/$/, '').replace(/^http/, 'ws')}/api/v2/connect`;
  const ws = new WebSocket(url, { headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}, handshakeTimeout: 10_000 });
  const stages = { compile: newStage(), run: newStage() };
  let current: 'compile' | 'run' = 'run';
  let sawCompile = false;
  let runtime: { language: string; version: string } = { language: options.request.language, version: options.request.version };
  let error: AppError | undefined;
  /** Set when the run was ended here, not by the executor (see `stopHere`). */
  let stoppedHere: { signal: 'SIGINT' | 'SIGKILL'; message: string } | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  const send = (message: Record<string, unknown>) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  // Piston drops what arrives too early: data or a signal before its init handler has set the
  // job (it awaits get_job first) closes 4003, and stdin before the stage's process exists
  // goes to no listener. So signals wait for `runtime` (sent once the job exists) and stdin and
  // eof for `stage: run` (sent just before the program's process is spawned); stdin typed
  // during a compile reaches the program when it starts.
  const untilRuntime: Record<string, unknown>[] = [];
  const untilRun: Record<string, unknown>[] = [];
  let accepted = false;
  let running = false;
  const sendWhenRunning = (message: Record<string, unknown>) => (running ? send(message) : untilRun.push(message));
  const sendWhenAccepted = (message: Record<string, unknown>) => (accepted ? send(message) : untilRuntime.push(message));
  const stopHere = (signal: 'SIGINT' | 'SIGKILL', message: string) => {
    if (stoppedHere || ws.readyState === WebSocket.CLOSED) return;
    stoppedHere = { signal, message };
    ws.terminate();
  };
  const kill = (signal: 'SIGINT' | 'SIGKILL') => {
    if (!options.controls) {
      stopHere(
        signal,
        'Stopped from the console. This executor (a self-hosted Piston) cannot signal a running program: it may go on running there until its run time limit.',
      );
      return;
    }
    sendWhenAccepted({ type: 'signal', signal });
    if (signal === 'SIGKILL' && !stopTimer) {
      const graceMs = options.stopGraceMs ?? STOP_GRACE_MS;
      stopTimer = setTimeout(
        () =>
          stopHere('SIGKILL', `Stopped from the console; the executor did not confirm the stop within ${Math.round(graceMs / 1000)} s.`),
        graceMs,
      );
    }
  };

  const result = new Promise<PistonExecuteResponse>((resolve, reject) => {
    const guard = setTimeout(() => {
      error ??= new AppError('EXECUTOR_TIMEOUT', `The run did not finish within ${Math.round(options.timeoutMs / 1000)} s.`);
      ws.terminate();
    }, options.timeoutMs);
    const onAbort = () => {
      error ??= new AppError('EXECUTOR_UNAVAILABLE', 'The run was stopped because the server is shutting down.');
      ws.terminate();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('message', (raw) => {
      let parsed: z.infer<typeof ServerMessageSchema>;
      try {
        const result = ServerMessageSchema.safeParse(JSON.parse(raw.toString()));
        if (!result.success) return;
        parsed = result.data;
      } catch {
        return;
      }
      switch (parsed.type) {
        case 'runtime':
          runtime = { language: parsed.language, version: parsed.version };
          accepted = true;
          for (const message of untilRuntime.splice(0)) send(message);
          break;
        case 'stage':
          current = parsed.stage;
          if (parsed.stage === 'compile') sawCompile = true;
          if (parsed.stage === 'run') {
            running = true;
            for (const message of untilRun.splice(0)) send(message);
          }
          break;
        case 'data':
          collect(stages[current], parsed.stream, parsed.data, options, current === 'run', () => kill('SIGKILL'));
          break;
        case 'exit':
          stages[parsed.stage].exit = parsed;
          break;
        case 'error':
          error = sessionError(parsed.message);
          break;
      }
    });
    ws.on('close', (code) => {
      clearTimeout(guard);
      clearTimeout(stopTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) return reject(error);
      if (stoppedHere) return resolve({ ...runtime, run: stoppedStage(stages.run, stoppedHere.signal, stoppedHere.message) });
      const run = stages.run.exit ? toStage(stages.run) : undefined;
      const compile = sawCompile && stages.compile.exit ? toStage(stages.compile) : undefined;
      if (code !== 4999 || (!run && !compile)) {
        return reject(
          new AppError(
            'EXECUTOR_UNAVAILABLE',
            `The code executor stopped answering in the middle of the run (connection closed, ${code}).`,
          ),
        );
      }
      // Like execute: a failed compile is also reported as `run`.
      resolve({ ...runtime, run: run ?? (compile as PistonStage), ...(compile ? { compile } : {}) });
    });
  });
  // The promise is consumed by the caller once open; never leave it unhandled before that.
  result.catch(() => undefined);

  return new Promise<ConnectRun>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      ws.terminate();
      if (status === 401 || status === 403)
        reject(new AppError('EXECUTOR_UNAVAILABLE', "Code execution is unavailable: the executor refused this server's credentials."));
      else reject(new ConnectUnsupportedError(`upgrade answered HTTP ${status}`));
    });
    let opened = false;
    // Closed before the upgrade without an error (a proxy that hung up): no connect there.
    ws.once('close', () => {
      if (!opened) reject(new ConnectUnsupportedError('closed before the upgrade'));
    });
    ws.once('error', (cause: NodeJS.ErrnoException) => {
      if (opened) return;
      // Refused, or no such host: nobody listens (execute would fail the same way, with its own
      // words; the pool hands the job to another executor). Anything else before the upgrade (a
      // server that hangs up on upgrades) means no connect there.
      if (cause.code && UNREACHABLE_CODES.has(cause.code))
        reject(new ExecutorUnreachableError(`The code executor is not reachable (${cause.code}). Runs will work again once it is back.`));
      else reject(new ConnectUnsupportedError(cause.message));
    });
    ws.once('open', () => {
      opened = true;
      ws.on('error', () => undefined);
      const { stdin, ...init } = options.request;
      send({ type: 'init', ...init });
      // stdin as data, not in init: a self-hosted Piston drops the init's stdin.
      if (stdin) sendWhenRunning({ type: 'data', stream: 'stdin', data: stdin });
      const endInput = () => {
        if (options.controls) sendWhenRunning({ type: 'eof' });
      };
      if (options.closeStdin) endInput();
      resolve({
        write: (data) => sendWhenRunning({ type: 'data', stream: 'stdin', data }),
        endInput,
        kill,
        result,
      });
    });
  });
}

/** An {type:"error"} message in the words execute's HTTP errors would have (see piston-client). */
function sessionError(message: string): AppError {
  const shown = message.slice(0, 500);
  if (/runtime is unknown/i.test(message)) return new AppError('RUNTIME_UNKNOWN', `The executor has no such runtime: ${shown}.`);
  if (message.startsWith('No working sandbox')) {
    // The why (bwrap, namespaces, AppArmor) is for the operator: health and the executor's log say it.
    return new AppError(
      'EXECUTOR_UNAVAILABLE',
      'Code execution is unavailable on this server (its sandbox cannot run here). Editing and everything else keep working.',
    );
  }
  if (/busy|interactive sessions|try again shortly/i.test(message))
    return new AppError('EXECUTOR_UNAVAILABLE', `The code executor is busy or unavailable (${shown}).`);
  return new AppError('EXECUTOR_REJECTED', `The executor refused the run: ${shown}.`);
}

/** Keeps a chunk within the stream's cap; past it, asks for SIGKILL once and marks the stage. */
function collect(
  stage: StageAccumulator,
  stream: 'stdout' | 'stderr',
  data: string,
  options: ConnectOptions,
  live: boolean,
  kill: () => void,
): void {
  const room = options.outputMaxBytes - stage.bytes[stream];
  let kept = data;
  if (Buffer.byteLength(data) > room) {
    kept = Buffer.from(data)
      .subarray(0, Math.max(0, room))
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    if (!stage.overflow) {
      stage.overflow = stream === 'stdout' ? 'OL' : 'EL';
      kill();
    }
  }
  if (!kept) return;
  stage.bytes[stream] += Buffer.byteLength(kept);
  stage[stream] += kept;
  stage.output += kept;
  if (live) options.onOutput(stream, kept);
}

/** An exit message and the output before it, as an execute stage (status derived where Piston sends none). */
function toStage(stage: StageAccumulator): PistonStage {
  const exit = stage.exit;
  const code = exit?.code ?? null;
  const signal = exit?.signal ?? null;
  const derived = code !== null && code !== 0 ? 'RE' : signal ? 'SG' : null;
  const status = stage.overflow ?? (exit?.status !== undefined ? exit.status : derived);
  const message =
    stage.overflow === 'OL'
      ? 'stdout length exceeded'
      : stage.overflow === 'EL'
        ? 'stderr length exceeded'
        : exit?.message !== undefined
          ? exit.message
          : derived === 'RE'
            ? `Exited with error status ${code}`
            : null;
  return {
    stdout: stage.stdout,
    stderr: stage.stderr,
    output: stage.output,
    code: stage.overflow ? null : code,
    signal: stage.overflow ? 'SIGKILL' : signal,
    status: status ?? null,
    message: message ?? null,
    cpu_time: exit?.cpu_time ?? null,
    wall_time: exit?.wall_time ?? null,
    memory: exit?.memory ?? null,
  };
}

/**
 * The run's output so far, ended here by a stop the executor could not or did not carry out
 * (or by the output cap, which stops a run the same way).
 */
function stoppedStage(stage: StageAccumulator, signal: 'SIGINT' | 'SIGKILL', message: string): PistonStage {
  return {
    stdout: stage.stdout,
    stderr: stage.stderr,
    output: stage.output,
    code: null,
    signal: stage.overflow ? 'SIGKILL' : signal,
    status: stage.overflow ?? 'SG',
    message: stage.overflow === 'OL' ? 'stdout length exceeded' : stage.overflow === 'EL' ? 'stderr length exceeded' : message,
    cpu_time: null,
    wall_time: null,
    memory: null,
  };
}

/** How long the probe waits for the executor to close a session that sent eof before init. */
const PROBE_ANSWER_MS = 3_000;

/**
 * What the executor's connect supports: opens a session and sends `eof` before `init`. The
 * embedded executor knows eof and closes 4003 (not yet initialised) at once; a self-hosted
 * Piston ignores the unknown message and closes 4001 (initialisation timeout) after 1 s.
 * `none` when the upgrade is refused or nobody answers.
 */
export function probeConnect(baseUrl: string, apiKey?: string): Promise<ConnectSupport> {
  const url = `${baseUrl.replace(/\/$/, '').replace(/^http/, 'ws')}/api/v2/connect`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {}, handshakeTimeout: 5_000 });
    let opened = false;
    let timer: NodeJS.Timeout | undefined;
    ws.once('open', () => {
      opened = true;
      ws.send(JSON.stringify({ type: 'eof' }));
      timer = setTimeout(() => {
        resolve('stdin-only');
        ws.terminate();
      }, PROBE_ANSWER_MS);
    });
    ws.once('unexpected-response', () => {
      resolve('none');
      ws.terminate();
    });
    ws.on('error', () => resolve(opened ? 'stdin-only' : 'none'));
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(!opened ? 'none' : code === 4003 ? 'full' : 'stdin-only');
    });
  });
}
