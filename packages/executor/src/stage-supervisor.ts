import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { JobCgroup } from './cgroups';
import type { StageLimits } from './config';
import type { StageOutcome } from './stage-result';
import { signalProgramTree } from './signal-tree';

/**
 * An interactive stage (WebSocket /api/v2/connect): stdin stays open for the client to write
 * to, output is handed over as it arrives (only what fits under the caps), signals reach the
 * program. Without it a stage is batch: stdin written whole and closed, output at the end.
 */
export interface StageStreams {
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Called once, as soon as the stage is supervised; the controls work until it ends. */
  onStart(controls: StageControls): void;
}

export interface StageControls {
  /** Writes to the program's stdin; false once stdin is closed. */
  write(data: string): boolean;
  /** Closes the program's stdin (end of input). */
  endInput(): void;
  /** Bytes written but not yet read by the program. */
  pendingInput(): number;
  /** Signal number 9 takes the whole tree down as the limits do; others go to the program itself. */
  signal(signal: number): void;
}

export interface SuperviseOptions {
  stdin: string;
  limits: StageLimits;
  cgroup: JobCgroup | undefined;
  signal?: AbortSignal;
  exitCodeEncodesSignal: boolean;
  /** Kill the child's process group too (unsandboxed mode has no pid namespace). */
  killGroup: boolean;
  streams?: StageStreams;
}

/**
 * What a stage's supervisor needs of its first process: a ChildProcess, or a launcher that a
 * launcher family forked (see launcher.ts), whose exit is reported through its control socket.
 */
export interface StageProcess {
  readonly pid?: number | undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Set once it has exited (either one), as ChildProcess does. */
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  removeListener(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

/** How often the whole tree's CPU time is checked against the limit. */
const CPU_POLL_MS = 50;
/** After the main process exits, how long stragglers may hold the pipes open. */
const DRAIN_GRACE_MS = 250;

const maxSignal = Math.max(...Object.values(os.constants.signals));

/**
 * Watches one running stage: feeds stdin, caps stdout/stderr, enforces wall-clock and total CPU
 * time, and kills the whole tree (the bwrap process takes its pid namespace with it; the cgroup
 * sweep catches anything else).
 */
export function superviseStage(child: StageProcess, options: SuperviseOptions): Promise<StageOutcome> {
  const { limits, cgroup } = options;
  const started = performance.now();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const allChunks: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  const flags = { wall: false, cpu: false, stdout: false, stderr: false, aborted: false };
  let killed = false;

  const kill = () => {
    if (killed) return;
    killed = true;
    try {
      if (options.killGroup && child.pid) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already exited
    }
    void cgroup?.killAll().catch(() => undefined);
  };

  const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const isOut = stream === 'stdout';
    const used = isOut ? outBytes : errBytes;
    const room = Math.max(0, limits.outputMaxSize - used);
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length > 0) {
      (isOut ? outChunks : errChunks).push(kept);
      allChunks.push(kept);
      options.streams?.onOutput(stream, kept);
    }
    if (isOut) outBytes += kept.length;
    else errBytes += kept.length;
    if (chunk.length > room) {
      flags[stream] = true;
      kill();
    }
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));

  child.stdin?.on('error', () => {
    // The program may exit without reading its input (EPIPE): that is its right.
  });
  if (options.streams) {
    const stdin = child.stdin;
    if (options.stdin) stdin?.write(options.stdin);
    options.streams.onStart({
      write: (data) => {
        if (!stdin || stdin.writableEnded || stdin.destroyed) return false;
        stdin.write(data);
        return true;
      },
      endInput: () => stdin?.end(),
      pendingInput: () => stdin?.writableLength ?? 0,
      signal: (signal) => {
        if (signal === os.constants.signals.SIGKILL) kill();
        else if (child.pid && !killed) void signalProgramTree(child.pid, signal);
      },
    });
  } else {
    child.stdin?.end(options.stdin);
  }

  const wallTimer = setTimeout(() => {
    flags.wall = true;
    kill();
  }, limits.timeout);
  let polling = false;
  const cpuTimer = cgroup
    ? setInterval(() => {
        if (polling) return;
        polling = true;
        void cgroup
          .cpuTimeMs()
          .then((used) => {
            if (used !== null && used > limits.cpuTime) {
              flags.cpu = true;
              kill();
            }
          })
          .catch(() => undefined)
          .finally(() => {
            polling = false;
          });
      }, CPU_POLL_MS)
    : undefined;
  const onAbort = () => {
    flags.aborted = true;
    kill();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise<StageOutcome>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;

    const finish = async () => {
      if (finished || !exit) return;
      finished = true;
      clearTimeout(wallTimer);
      clearTimeout(drainTimer);
      if (cpuTimer) clearInterval(cpuTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const wallTimeMs = Math.round(performance.now() - started);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
      const stats = cgroup ? await cgroup.stats().catch(() => undefined) : undefined;
      let exitCode = exit.code;
      let signalNumber: number | null = exit.signal ? (os.constants.signals[exit.signal] ?? null) : null;
      if (options.exitCodeEncodesSignal && exitCode !== null && exitCode > 128 && exitCode <= 128 + maxSignal) {
        signalNumber = exitCode - 128;
        exitCode = null;
      }
      if (stats?.cpuTimeMs !== null && stats?.cpuTimeMs !== undefined && stats.cpuTimeMs > limits.cpuTime) flags.cpu = true;
      resolve({
        stdout: Buffer.concat(outChunks).toString('utf8'),
        stderr: Buffer.concat(errChunks).toString('utf8'),
        output: Buffer.concat(allChunks).toString('utf8'),
        exitCode,
        signalNumber,
        wallTimedOut: flags.wall,
        cpuTimedOut: flags.cpu,
        stdoutOverflow: flags.stdout,
        stderrOverflow: flags.stderr,
        oomKilled: stats?.oomKilled ?? false,
        memoryLimit: limits.memoryLimit,
        internalError: flags.aborted ? 'Job cancelled: the executor is shutting down' : null,
        cpuTimeMs: stats?.cpuTimeMs ?? null,
        wallTimeMs,
        memoryBytes: stats?.memoryBytes ?? null,
      });
    };

    child.on('error', (error) => {
      exit ??= { code: null, signal: null };
      allChunks.push(Buffer.from(String(error.message)));
      void finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Give the pipes a moment to deliver the last output, but don't wait on stragglers.
      drainTimer = setTimeout(() => void finish(), DRAIN_GRACE_MS);
    });
    child.on('close', () => {
      void finish();
    });
    // Exited before we were watching (a launcher killed while its stage was being prepared):
    // its 'exit' is gone, and waiting for it would hang the stage.
    if (child.exitCode !== null || child.signalCode !== null) {
      exit = { code: child.exitCode, signal: child.signalCode };
      drainTimer = setTimeout(() => void finish(), DRAIN_GRACE_MS);
    }
  });
}
