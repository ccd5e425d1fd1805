import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExecutorConfig, StageLimits } from './config';
import type { ExecutorLogger } from './logger';
import type { JobFiles } from './runtime-catalog';
import type { Sandbox } from './sandbox';
import type { StageResult } from './stage-result';
import type { StageStreams } from './stage-supervisor';
import type { TypescriptTranspiler } from './typescript-transpiler';
import type { ValidJob } from './validation';

/** The 200 body of POST /api/v2/execute. */
export interface ExecuteResponse {
  language: string;
  version: string;
  run: StageResult;
  compile?: StageResult;
}

/** The 200 body of POST /api/v2/pairpad/batch: one compile, one run result per case, in order. */
export interface BatchResponse {
  language: string;
  version: string;
  /** Present for compiled languages; when it failed, `cases` is empty. */
  compile?: StageResult;
  cases: StageResult[];
}

export interface JobDeps {
  config: ExecutorConfig;
  sandbox: Sandbox;
  transpiler: TypescriptTranspiler | undefined;
  logger: ExecutorLogger;
  /** Aborted when the executor shuts down. */
  signal?: AbortSignal;
}

/** What a case of a batch (or the single run of an execute) varies: its input and run limits. */
export interface RunInput {
  stdin: string;
  args: readonly string[];
  limits: StageLimits;
  /** An interactive run (connect): stdin stays open, output streams as it comes. */
  streams?: StageStreams;
  /** Extra environment of this run (connect asks for line-buffered output). */
  env?: Readonly<Record<string, string>>;
}

/** A job staged and compiled once, ready to run any number of times. */
export interface PreparedJob {
  readonly id: string;
  readonly language: string;
  readonly version: string;
  readonly compile: StageResult | undefined;
  /** False when the compile stage failed: there is nothing to run. */
  readonly runnable: boolean;
  run(input: RunInput): Promise<StageResult>;
  /** Removes the job's host directory (in the background); call once, when done running. */
  dispose(): void;
}

/**
 * One job's life: staged (files written to a host directory) → compiled (optional, artifacts
 * carried out of the compile box) → run → cleaned up, whatever happened, in `finally`.
 */
export async function runJob(job: ValidJob, deps: JobDeps): Promise<ExecuteResponse> {
  const started = performance.now();
  const prepared = await prepareJob(job, deps);
  try {
    const base = { language: prepared.language, version: prepared.version };
    const { compile } = prepared;
    // Like Piston: a failed compile is also reported as `run`, for clients that read only `run`.
    if (compile && !prepared.runnable) return { ...base, run: compile, compile };
    const run = await prepared.run({ stdin: job.stdin, args: job.args, limits: job.limits.run });
    deps.logger.info('job done', {
      jobId: prepared.id,
      language: prepared.language,
      status: run.status,
      ms: Math.round(performance.now() - started),
    });
    return compile ? { ...base, run, compile } : { ...base, run };
  } finally {
    prepared.dispose();
  }
}

/**
 * Stages and compiles a job once (compile-once-run-many for test cases). The caller must call
 * `dispose()`; if preparing throws, it has cleaned up itself.
 */
export async function prepareJob(job: ValidJob, deps: JobDeps): Promise<PreparedJob> {
  const id = randomUUID();
  const { runtime } = job;
  const { toolchain } = runtime;
  const dir = path.join(deps.config.workDir, `job-${id}`);
  const src = path.join(dir, 'src');
  const out = path.join(dir, 'out');
  const layout = boxLayout(job);
  // Interpreted and compiled jobs with a few files send them into the box straight from memory;
  // the host directory is then only needed for a compile stage's artifacts.
  const fromMemory = toolchain.compile !== 'typescript' && layout.contents.size <= deps.sandbox.memoryFileSlots;
  const memoryFiles = fromMemory ? [...layout.contents].map(([name, content]) => ({ name, content })) : undefined;
  let usedDir = false;
  const dispose = () => {
    if (!usedDir) return;
    usedDir = false;
    deps.sandbox.track(
      fs
        .rm(dir, { recursive: true, force: true })
        .catch((error: Error) => deps.logger.warn('job cleanup failed', { jobId: id, error: error.message })),
    );
  };
  try {
    if (!memoryFiles) {
      usedDir = true;
      await fs.mkdir(src, { recursive: true, mode: 0o711 });
      await stageFiles(layout.contents, src);
    }
    const files = layout.files;
    let runSource: string | undefined = memoryFiles ? undefined : src;
    let runFiles = memoryFiles;
    let compile: StageResult | undefined;

    if (toolchain.compile === 'typescript') {
      compile = await transpileStage(job, files, src, deps);
    } else if (toolchain.compile) {
      usedDir = true;
      await fs.mkdir(out, { recursive: true, mode: 0o700 });
      await fs.chmod(dir, 0o711);
      compile = await deps.sandbox.runStage({
        jobId: id,
        argv: toolchain.compile({ files, args: job.args, limits: job.limits.compile }),
        env: toolchain.env,
        binds: toolchain.binds,
        boxSource: runSource,
        boxFiles: runFiles,
        carryOut: out,
        stdin: '',
        limits: withFloor(job.limits.compile, toolchain.dataFloor),
        signal: deps.signal,
      });
      runSource = out;
      runFiles = undefined;
    }
    const compiled = toolchain.compile && toolchain.compile !== 'typescript';
    return {
      id,
      language: runtime.language,
      version: runtime.version,
      compile,
      runnable: !compile || (compile.status === null && compile.code === 0),
      run: async (input) => {
        let session: Awaited<ReturnType<NonNullable<typeof toolchain.runSession>>> | undefined;
        try {
          session = await toolchain.runSession?.(input.limits);
        } catch (error) {
          deps.logger.error('run session failed', { jobId: id, error: (error as Error).message });
          return internalError(`internal error: ${(error as Error).message}`);
        }
        try {
          return await deps.sandbox.runStage({
            jobId: id,
            argv: toolchain.run({ files, args: [...input.args], limits: input.limits }),
            env: { ...toolchain.env, ...session?.env, ...input.env },
            binds: [...(compiled ? [] : (toolchain.binds ?? [])), ...(session?.binds ?? [])],
            boxSource: runSource,
            boxFiles: runFiles,
            stdin: input.stdin,
            limits: withFloor(input.limits, toolchain.dataFloor),
            signal: deps.signal,
            ...(input.streams ? { streams: input.streams } : {}),
          });
        } finally {
          // Dropping the run's database is off the response path (it cannot fail the run); close() waits for it.
          if (session) deps.sandbox.track(session.end());
        }
      },
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** A stage that could not start, as Piston reports its internal errors (status XX). */
function internalError(message: string): StageResult {
  return {
    stdout: '',
    stderr: '',
    output: '',
    code: null,
    signal: null,
    message,
    status: 'XX',
    cpu_time: null,
    wall_time: 0,
    memory: null,
  };
}

/** A stage's limits with its runtime's RLIMIT_DATA floor (see StageLimits.dataFloor). */
function withFloor(limits: StageLimits, dataFloor: number | undefined): StageLimits {
  return dataFloor ? { ...limits, dataFloor } : limits;
}

/**
 * The box as the toolchain wants it: the request's files under their final names (Java's are
 * renamed after their class), then the files the layout needs that the request did not send
 * (Go's go.mod). Names were validated (file-paths.ts) and are unique.
 */
function boxLayout(job: ValidJob): { files: JobFiles; contents: Map<string, Buffer> } {
  const { toolchain } = job.runtime;
  const names = job.files.map((file) => boxName(job, file));
  const contents = new Map<string, Buffer>();
  job.files.forEach((file, i) => contents.set(names[i] ?? file.name, file.content));
  const main = names[job.mainIndex] ?? names[0] ?? 'file0.code';
  for (const extra of toolchain.generatedFiles?.({ main, all: names }) ?? []) {
    if (!contents.has(extra.name)) contents.set(extra.name, Buffer.from(extra.content));
  }
  const mainSource = job.files[job.mainIndex]?.content.toString('utf8') ?? '';
  return { files: { main, all: [...contents.keys()], mainSource }, contents };
}

function boxName(job: ValidJob, file: ValidJob['files'][number]): string {
  const { rename } = job.runtime.toolchain;
  return rename && file.isUtf8 ? rename(file.name, file.content.toString('utf8')) : file.name;
}

/** Writes the box's files under `src` (names are box-relative and validated). */
async function stageFiles(contents: ReadonlyMap<string, Buffer>, src: string): Promise<void> {
  for (const [name, content] of contents) {
    const target = path.join(src, name);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await fs.writeFile(target, content, { mode: 0o644 });
  }
}

async function transpileStage(job: ValidJob, files: JobFiles, src: string, deps: JobDeps): Promise<StageResult> {
  const sources = job.files
    .map((file) => ({ name: file.name, source: file.content.toString('utf8'), isUtf8: file.isUtf8 }))
    .filter((file) => file.isUtf8 && (/\.(ts|mts|cts|tsx)$/.test(file.name) || file.name === files.main));
  const result: StageResult = {
    stdout: '',
    stderr: '',
    output: '',
    code: 0,
    signal: null,
    message: null,
    status: null,
    cpu_time: null,
    wall_time: 0,
    memory: null,
  };
  if (!deps.transpiler) return { ...result, code: null, status: 'XX', message: 'TypeScript is not available' };
  const outcome = await deps.transpiler.transpile(sources, job.limits.compile.timeout);
  result.wall_time = outcome.wallTimeMs;
  // Transpiling is single-threaded CPU work, so its wall time is its CPU time.
  result.cpu_time = outcome.wallTimeMs;
  if (outcome.timedOut) return { ...result, code: null, signal: 'SIGKILL', status: 'TO', message: 'Time limit exceeded (wall clock)' };
  if (outcome.error) return { ...result, code: null, status: 'XX', message: `TypeScript transpiler failed: ${outcome.error}` };
  for (const output of outcome.outputs) await fs.writeFile(path.join(src, output.name), output.text, { mode: 0o644 });
  if (outcome.diagnostics.length > 0) {
    const text = `${outcome.diagnostics.join('\n')}\n`;
    return { ...result, stdout: text, output: text, code: 1, status: 'RE', message: 'Exited with error status 1' };
  }
  return result;
}
