import { promises as fs } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ExecutorConfig } from './config';
import type { Executor } from './executor';
import { prepareJob, type PreparedJob } from './job';
import { QueueFullError } from './job-queue';
import type { ExecutorLogger } from './logger';
import type { StageResult } from './stage-result';
import type { StageControls, StageStreams } from './stage-supervisor';
import { PREVIEW_PROXY_PREFIX } from './preview-proxy';
import { tokenVerifier } from './token';
import { RequestError, validateExecute, type ValidJob } from './validation';

/**
 * WebSocket /api/v2/connect: Piston's interactive protocol (api/src/api/v2.js, `router.ws`),
 * message for message and close code for close code, so that a client written for a
 * self-hosted Piston works unmodified:
 *
 *   client → {type:"init", ...execute fields}     (within 1 s, else close 4001)
 *   server → {type:"runtime", language, version}
 *   server → {type:"stage", stage:"compile"|"run"}
 *   server → {type:"data", stream:"stdout"|"stderr", data}
 *   client → {type:"data", stream:"stdin", data}   (other streams: close 4004)
 *   client → {type:"signal", signal:"SIGINT"}      (unknown name: close 4005)
 *   server → {type:"exit", stage, code, signal}
 *   server closes 4999 "Job Completed"
 *
 * A second init closes 4000, data or signal before init 4003; a bad request, or anything
 * that throws, is sent as {type:"error", message} and closed with 4002.
 *
 * Ours, on top (extra fields and a message type Piston ignores, so clients are unaffected):
 * - the same sandbox and limits as execute, except the run's wall clock, which is
 *   EXECUTOR_CONNECT_TIMEOUT (a person types slower than a test feeds stdin), plus an idle
 *   limit (EXECUTOR_CONNECT_IDLE_TIMEOUT: no input and no output for that long ends the run);
 * - output is capped as in execute (OL / EL); stdin the program does not read is bounded
 *   (EXECUTOR_CONNECT_MAX_STDIN_BACKLOG);
 * - signals reach the program (Piston's event bus emits "signal" but its job listens for
 *   "kill", so they never do);
 * - `exit` also carries status, message, cpu_time, wall_time and memory, as execute's stages;
 * - the init's `stdin`, if any, is written first (Piston drops it);
 * - {type:"eof"} closes the program's stdin (end of input, Ctrl+D in a terminal);
 * - output is decoded per stream, so a UTF-8 character split across reads stays whole;
 * - a client that goes away ends its job instead of leaving it to run out its clock.
 */

export const CONNECT_PATH = '/api/v2/connect';
/** Piston closes a connection that has not sent init within a second. */
export const INIT_TIMEOUT_MS = 1000;

export const CloseCode = {
  alreadyInitialized: 4000,
  initializationTimeout: 4001,
  notifiedError: 4002,
  notYetInitialized: 4003,
  onlyStdin: 4004,
  invalidSignal: 4005,
  jobCompleted: 4999,
} as const;

/** Piston's globals.SIGNALS: the names a client may send, with their Linux numbers. */
const SIGNALS: ReadonlyMap<string, number> = new Map([
  ...[
    'SIGHUP',
    'SIGINT',
    'SIGQUIT',
    'SIGILL',
    'SIGTRAP',
    'SIGABRT',
    'SIGBUS',
    'SIGFPE',
    'SIGKILL',
    'SIGUSR1',
    'SIGSEGV',
    'SIGUSR2',
    'SIGPIPE',
    'SIGALRM',
    'SIGTERM',
    'SIGSTKFLT',
    'SIGCHLD',
    'SIGCONT',
    'SIGSTOP',
    'SIGTSTP',
    'SIGTTIN',
    'SIGTTOU',
    'SIGURG',
    'SIGXCPU',
    'SIGXFSZ',
    'SIGVTALRM',
    'SIGPROF',
    'SIGWINCH',
    'SIGIO',
    'SIGPWR',
    'SIGSYS',
  ].map((name, i) => [name, i + 1] as const),
  ['SIGRTMIN', 34],
  ...Array.from({ length: 15 }, (_, i) => [`SIGRTMIN+${i + 1}`, 35 + i] as const),
  ...Array.from({ length: 14 }, (_, i) => [`SIGRTMAX-${14 - i}`, 50 + i] as const),
  ['SIGRTMAX', 64],
]);
const SIGKILL = 9;

/**
 * Output line-buffered as on a terminal, so a prompt shows before the program waits: Python
 * unbuffered, and C stdio (glibc) line-buffered through coreutils' stdbuf library; line-
 * buffering stdin too makes glibc flush stdout before each read, as it does for a tty.
 */
async function lineBufferedEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = { PYTHONUNBUFFERED: '1' };
  for (const lib of ['/usr/libexec/coreutils/libstdbuf.so', '/usr/lib/coreutils/libstdbuf.so']) {
    try {
      await fs.access(lib);
      return { ...env, LD_PRELOAD: lib, _STDBUF_O: 'L', _STDBUF_I: 'L' };
    } catch {
      // not installed here
    }
  }
  return env;
}

export interface ConnectEndpoint {
  /** Interactive runs going on now. */
  readonly sessions: number;
  /** Ends every session (their jobs are killed) and stops taking upgrades. */
  close(): void;
}

/** Serves /api/v2/connect on `server`'s upgrades, behind EXECUTOR_TOKEN when one is set. */
export function attachConnect(server: Server, executor: Executor, logger: ExecutorLogger): ConnectEndpoint {
  const { config } = executor;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxRequestSize });
  const verify = config.token ? tokenVerifier(config.token) : undefined;
  const env = lineBufferedEnv();
  let running = 0;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://executor').pathname;
    // A preview's HMR socket: preview-proxy.ts answers those.
    if (path.startsWith(PREVIEW_PROXY_PREFIX)) return;
    if (path !== CONNECT_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const problem = verify?.(req.headers.authorization);
    if (problem) return refuseUpgrade(socket, 401, problem);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ConnectSession(ws, executor, logger, env, {
        admit: () => {
          if (running >= config.maxConnectSessions) return false;
          running++;
          return true;
        },
        release: () => {
          running--;
        },
      });
      session.start();
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    get sessions() {
      return running;
    },
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function refuseUpgrade(socket: Duplex, status: 401 | 404, message: string): void {
  const body = JSON.stringify({ message });
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

interface Slots {
  admit(): boolean;
  release(): void;
}

/** Validation errors and refusals that go to the client as {type:"error"} then close 4002. */
class SessionError extends Error {
  override name = 'SessionError';
}

type Phase = 'waiting' | 'compiling' | 'running' | 'done';

/** One connection: at most one job, from init to its last exit. */
class ConnectSession {
  private phase: Phase = 'waiting';
  private initialized = false;
  private controls: StageControls | undefined;
  /** Input (and end of input) sent before the run stage started. */
  private earlyInput: string[] = [];
  private earlyInputBytes = 0;
  private earlyEof = false;
  /** A signal sent during the compile stage: the run then never starts. */
  private stopBeforeRun = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleKilled = false;
  private readonly cancel = new AbortController();
  private readonly config: ExecutorConfig;

  constructor(
    private readonly ws: WebSocket,
    private readonly executor: Executor,
    private readonly logger: ExecutorLogger,
    private readonly env: Promise<Record<string, string>>,
    private readonly slots: Slots,
  ) {
    this.config = executor.config;
  }

  start(): void {
    const initTimer = setTimeout(() => {
      if (!this.initialized) this.ws.close(CloseCode.initializationTimeout, 'Initialization Timeout');
    }, INIT_TIMEOUT_MS);
    this.ws.on('message', (data: RawData) => void this.onMessage(data));
    this.ws.on('close', () => {
      clearTimeout(initTimer);
      clearTimeout(this.idleTimer);
      // Nobody is watching any more: end the job rather than let it run out its clock.
      if (this.phase !== 'done') {
        this.controls?.signal(SIGKILL);
        this.cancel.abort();
      }
    });
    this.ws.on('error', () => {
      // A broken connection closes; 'close' does the rest.
    });
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private async onMessage(data: RawData): Promise<void> {
    try {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const msg: unknown = JSON.parse(text);
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new SessionError('message must be a JSON object');
      const m = msg as Record<string, unknown>;
      switch (m.type) {
        case 'init':
          if (this.initialized) this.ws.close(CloseCode.alreadyInitialized, 'Already Initialized');
          else await this.init(m);
          break;
        case 'data':
          if (!this.initialized) this.ws.close(CloseCode.notYetInitialized, 'Not yet initialized');
          else if (m.stream !== 'stdin') this.ws.close(CloseCode.onlyStdin, 'Can only write to stdin');
          else this.input(m.data);
          break;
        case 'signal': {
          const signal = typeof m.signal === 'string' ? SIGNALS.get(m.signal) : undefined;
          if (!this.initialized) this.ws.close(CloseCode.notYetInitialized, 'Not yet initialized');
          else if (signal === undefined) this.ws.close(CloseCode.invalidSignal, 'Invalid signal');
          else this.signal(signal);
          break;
        }
        case 'eof':
          if (!this.initialized) this.ws.close(CloseCode.notYetInitialized, 'Not yet initialized');
          else if (this.controls) this.controls.endInput();
          else this.earlyEof = true;
          break;
        default:
        // Piston ignores messages of other types.
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Piston's catch-all: the message over the socket (close reasons are limited to 123 bytes), then 4002. */
  private fail(error: unknown): void {
    if (!(
      error instanceof RequestError ||
      error instanceof SessionError ||
      error instanceof QueueFullError ||
      error instanceof SyntaxError
    )) {
      this.logger.error('connect session failed', { error: (error as Error).message });
    }
    const code = error instanceof RequestError ? error.code : undefined;
    this.send({ type: 'error', message: (error as Error).message, ...(code ? { code } : {}) });
    this.ws.close(CloseCode.notifiedError, 'Notified Error');
  }

  private async init(body: Record<string, unknown>): Promise<void> {
    // Validated exactly like execute, against the connect run's own wall clock.
    const unavailable = this.executor.unavailableReason();
    if (unavailable) throw new SessionError(unavailable);
    const job = validateExecute(body, (language, version) => this.executor.registry.resolve(language, version), connectConfig(this.config));
    this.initialized = true;
    if (!this.slots.admit()) {
      throw new SessionError(`The executor is running ${this.config.maxConnectSessions} interactive sessions; try again shortly`);
    }
    try {
      await this.run(job);
      this.phase = 'done';
      this.ws.close(CloseCode.jobCompleted, 'Job Completed');
    } finally {
      this.phase = 'done';
      clearTimeout(this.idleTimer);
      this.slots.release();
    }
  }

  private async run(job: ValidJob): Promise<void> {
    const deps = { ...this.executor.interactiveDeps(), signal: this.combinedSignal() };
    const compiled = Boolean(job.runtime.toolchain.compile);
    this.send({ type: 'runtime', language: job.runtime.language, version: job.runtime.version });
    let prepared: PreparedJob;
    if (compiled) {
      this.phase = 'compiling';
      this.send({ type: 'stage', stage: 'compile' });
      // Compiling is CPU work like any job's: it waits its turn in the shared queue.
      prepared = await this.executor.queue.run(() => prepareJob(job, deps));
    } else {
      prepared = await prepareJob(job, deps);
    }
    try {
      if (prepared.compile) {
        const { compile } = prepared;
        if (compile.stdout) this.send({ type: 'data', stream: 'stdout', data: compile.stdout });
        if (compile.stderr) this.send({ type: 'data', stream: 'stderr', data: compile.stderr });
        this.send(exitMessage('compile', compile));
      }
      if (!prepared.runnable || this.stopBeforeRun || this.cancel.signal.aborted) return;
      this.phase = 'running';
      this.send({ type: 'stage', stage: 'run' });
      const result = await prepared.run({
        stdin: '',
        args: job.args,
        limits: job.limits.run,
        env: await this.env,
        streams: this.streams(job.stdin),
      });
      this.send(exitMessage('run', this.idleKilled ? idleResult(result, this.config.connectIdleTimeout) : result));
    } finally {
      this.controls = undefined;
      prepared.dispose();
    }
  }

  private combinedSignal(): AbortSignal {
    const shutdown = this.executor.interactiveDeps().signal;
    return shutdown ? AbortSignal.any([shutdown, this.cancel.signal]) : this.cancel.signal;
  }

  private streams(initialStdin: string): StageStreams {
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    return {
      onOutput: (stream, chunk) => {
        this.touch();
        const data = decoders[stream].write(chunk);
        if (data) this.send({ type: 'data', stream, data });
      },
      onStart: (controls) => {
        this.controls = controls;
        this.touch();
        if (initialStdin) controls.write(initialStdin);
        for (const data of this.earlyInput.splice(0)) controls.write(data);
        if (this.earlyEof) controls.endInput();
      },
    };
  }

  /** Restarts the idle clock: input arrived or the program printed something. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleKilled = true;
      this.controls?.signal(SIGKILL);
    }, this.config.connectIdleTimeout);
  }

  private input(data: unknown): void {
    if (typeof data !== 'string') throw new SessionError('data must be a string');
    if (this.phase === 'done') return;
    if (!this.controls) {
      this.earlyInputBytes += Buffer.byteLength(data);
      if (this.earlyInputBytes > this.config.connectMaxStdinBacklog) throw new SessionError(this.backlogMessage());
      this.earlyInput.push(data);
      return;
    }
    if (this.controls.pendingInput() + Buffer.byteLength(data) > this.config.connectMaxStdinBacklog)
      throw new SessionError(this.backlogMessage());
    this.touch();
    this.controls.write(data);
  }

  private backlogMessage(): string {
    return `stdin is not being read: more than ${this.config.connectMaxStdinBacklog} bytes are waiting for the program`;
  }

  private signal(signal: number): void {
    if (this.controls) this.controls.signal(signal);
    else if (this.phase === 'compiling' || this.phase === 'waiting') this.stopBeforeRun = true;
  }
}

/** The configuration connect validates against: the run's wall clock is the connect timeout. */
function connectConfig(config: ExecutorConfig): ExecutorConfig {
  const limitOverrides = Object.fromEntries(
    Object.entries(config.limitOverrides).map(([language, { run_timeout: _ignored, ...rest }]) => [language, rest]),
  );
  return { ...config, runTimeout: config.connectTimeout, limitOverrides };
}

function idleResult(result: StageResult, idleMs: number): StageResult {
  if (result.status !== null && result.status !== 'SG') return result;
  return {
    ...result,
    code: null,
    signal: 'SIGKILL',
    status: 'TO',
    message: `Idle limit exceeded: no input or output for ${Math.round(idleMs / 1000)} s`,
  };
}

/** Piston's {type:"exit", stage, code, signal}, with execute's other figures alongside. */
function exitMessage(stage: 'compile' | 'run', result: StageResult): Record<string, unknown> {
  return {
    type: 'exit',
    stage,
    code: result.code,
    signal: result.signal,
    status: result.status,
    message: result.message,
    cpu_time: result.cpu_time,
    wall_time: result.wall_time,
    memory: result.memory,
  };
}
