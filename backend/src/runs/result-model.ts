import type { RunOutcome, RunResult, StageView } from '@pairpad/protocol';
import type { PistonExecuteResponse, PistonStage } from './piston-schemas';

export function toStageView(stage: PistonStage): StageView {
  return {
    stdout: stage.stdout,
    stderr: stage.stderr,
    output: stage.output,
    code: stage.code,
    signal: stage.signal,
    status: stage.status,
    message: stage.message,
    cpuTime: stage.cpu_time,
    wallTime: stage.wall_time,
    memory: stage.memory,
  };
}

/** A stage failed when Piston gave it a status or a non-zero exit (older Pistons omit RE). */
function stageFailed(stage: PistonStage): boolean {
  return stage.status !== null || (stage.code !== null && stage.code !== 0) || stage.signal !== null;
}

/** Piston marks memory kills as SG; ours names the memory limit in the message. */
function isMemoryKill(stage: PistonStage): boolean {
  return stage.status === 'SG' && /memory/i.test(stage.message ?? '');
}

/** Classifies one failed-or-not stage into an outcome and the words the UI shows. */
export function describeStage(stage: PistonStage): { outcome: RunOutcome; statusText: string } {
  switch (stage.status) {
    case 'TO':
      return { outcome: 'time-limit', statusText: 'Time limit exceeded' };
    case 'OL':
      return { outcome: 'output-truncated', statusText: 'Output truncated (too much output on stdout)' };
    case 'EL':
      return { outcome: 'output-truncated', statusText: 'Output truncated (too much output on stderr)' };
    case 'XX':
      return { outcome: 'internal-error', statusText: `Internal error in the executor${stage.message ? `: ${stage.message}` : ''}` };
    case 'SG':
      if (isMemoryKill(stage)) return { outcome: 'memory-limit', statusText: 'Memory limit exceeded' };
      return { outcome: 'signal', statusText: `Killed by signal ${stage.signal ?? stage.message ?? ''}`.trim() };
    case 'RE':
      return { outcome: 'runtime-error', statusText: `Runtime error (exit code ${stage.code ?? '?'})` };
    default:
      if (stage.signal) return { outcome: 'signal', statusText: `Killed by signal ${stage.signal}` };
      if (stage.code !== null && stage.code !== 0)
        return { outcome: 'runtime-error', statusText: `Runtime error (exit code ${stage.code})` };
      return { outcome: 'success', statusText: `Finished (exit code ${stage.code ?? 0})` };
  }
}

/**
 * Piston's response → what the room shows. When the compile stage fails, Piston mirrors the
 * compile result into `run` for old clients; we report it once, as a compile error.
 */
export function toRunResult(response: PistonExecuteResponse): RunResult {
  const compile = response.compile ?? null;
  const base = { language: response.language, version: response.version, compile: compile ? toStageView(compile) : null };
  if (compile && stageFailed(compile)) {
    const { statusText } = describeStage(compile);
    const detail =
      compile.status === 'TO'
        ? ' (compile time limit exceeded)'
        : compile.status === 'RE' || compile.status === null
          ? ''
          : ` (${statusText.toLowerCase()})`;
    return { ...base, outcome: 'compile-error', statusText: `Compile error${detail}`, run: null };
  }
  return { ...base, ...describeStage(response.run), run: toStageView(response.run) };
}

/**
 * A run someone stopped from the console (Stop, Ctrl+C) is told as that stop and who made it,
 * not as the signal or the traceback it ended with; a compile error stays one (nothing ran).
 */
export function stoppedBy(result: RunResult, name: string | undefined): RunResult {
  if (name === undefined || result.outcome === 'compile-error') return result;
  return { ...result, statusText: `Stopped by ${name}`, stoppedBy: name };
}
