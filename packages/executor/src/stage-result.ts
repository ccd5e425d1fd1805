import os from 'node:os';

/** One stage's result, exactly the shape Piston answers with (`run` / `compile`). */
export interface StageResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they arrived. */
  output: string;
  code: number | null;
  signal: string | null;
  message: string | null;
  status: StageStatus | null;
  cpu_time: number | null;
  wall_time: number | null;
  memory: number | null;
}

/** RE non-zero exit, SG signal, TO time, OL/EL stdout/stderr too long, XX internal error. */
export type StageStatus = 'RE' | 'SG' | 'TO' | 'OL' | 'EL' | 'XX';

/** What the supervisor observed about a finished stage, before it becomes a StageResult. */
export interface StageOutcome {
  stdout: string;
  stderr: string;
  output: string;
  /** Exit code of the program, null when it died by a signal. */
  exitCode: number | null;
  /** Signal number that killed it, if any. */
  signalNumber: number | null;
  wallTimedOut: boolean;
  cpuTimedOut: boolean;
  stdoutOverflow: boolean;
  stderrOverflow: boolean;
  oomKilled: boolean;
  memoryLimit: number;
  internalError: string | null;
  cpuTimeMs: number | null;
  wallTimeMs: number;
  memoryBytes: number | null;
}

// First name wins for aliases (SIGABRT before SIGIOT, SIGIO before SIGPOLL).
const signalNames = new Map<number, string>();
for (const [name, num] of Object.entries(os.constants.signals)) if (!signalNames.has(num)) signalNames.set(num, name);

export function signalName(num: number): string {
  return signalNames.get(num) ?? `SIG${num}`;
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** Applies Piston's status rules; the order says which cause wins when several apply. */
export function toStageResult(o: StageOutcome): StageResult {
  const base = {
    stdout: o.stdout,
    stderr: o.stderr,
    output: o.output,
    cpu_time: o.cpuTimeMs,
    wall_time: o.wallTimeMs,
    memory: o.memoryBytes,
  };
  const killed = (status: StageStatus, message: string): StageResult => ({
    ...base,
    code: null,
    signal: 'SIGKILL',
    status,
    message,
  });
  if (o.internalError) return { ...base, code: null, signal: null, status: 'XX', message: o.internalError };
  if (o.wallTimedOut) return killed('TO', 'Time limit exceeded (wall clock)');
  if (o.cpuTimedOut) return killed('TO', 'Time limit exceeded');
  if (o.stdoutOverflow) return killed('OL', 'stdout length exceeded');
  if (o.stderrOverflow) return killed('EL', 'stderr length exceeded');
  if (o.oomKilled && o.signalNumber !== null) {
    return {
      ...base,
      code: null,
      signal: signalName(o.signalNumber),
      status: 'SG',
      message: `Memory limit exceeded (${formatBytes(o.memoryLimit)}): killed by signal ${o.signalNumber}`,
    };
  }
  if (o.signalNumber !== null) {
    // RLIMIT_CPU is our per-process backstop for the CPU limit: SIGXCPU means time ran out.
    if (signalName(o.signalNumber) === 'SIGXCPU') return killed('TO', 'Time limit exceeded');
    return {
      ...base,
      code: null,
      signal: signalName(o.signalNumber),
      status: 'SG',
      message: `Caught fatal signal ${o.signalNumber}`,
    };
  }
  if (o.exitCode !== null && o.exitCode !== 0) {
    return { ...base, code: o.exitCode, signal: null, status: 'RE', message: `Exited with error status ${o.exitCode}` };
  }
  return { ...base, code: o.exitCode ?? 0, signal: null, status: null, message: null };
}
