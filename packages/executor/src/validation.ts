import { z } from 'zod';
import { configuredLimits, type ExecutorConfig, type StageLimits } from './config';
import { FILE_ERROR_CODES, filePathProblem, nameCollision, type FileErrorCode } from './file-paths';
import type { Runtime } from './runtimes';

/**
 * POST /api/v2/execute validation, in Piston's order and with Piston's messages, so clients
 * written against Piston see the same 400s. Where Piston crashes (500), we answer 400.
 */

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    message: string,
    readonly status = 400,
    /** Ours, beside Piston's message: a named code for refusals Piston has none for (file names). */
    readonly code?: FileErrorCode,
  ) {
    super(message);
  }
}

export interface JobFile {
  /** Box-relative, normalised path. */
  name: string;
  content: Buffer;
  isUtf8: boolean;
}

export interface ValidJob {
  runtime: Runtime;
  files: JobFile[];
  /** Index of the main file (the first utf8 one). */
  mainIndex: number;
  stdin: string;
  args: string[];
  limits: { compile: StageLimits; run: StageLimits };
}

const ENCODINGS = ['utf8', 'base64', 'hex'] as const;
type Encoding = (typeof ENCODINGS)[number];

const fileShape = z.object({
  name: z.unknown().optional(),
  content: z.unknown(),
  encoding: z.unknown().optional(),
});

const LIMIT_FIELDS = [
  ['memory_limit', 'memoryLimit'],
  ['timeout', 'timeout'],
  ['cpu_time', 'cpuTime'],
] as const;

export function validateExecute(
  body: unknown,
  resolveRuntime: (language: string, version: string) => Runtime | undefined,
  config: ExecutorConfig,
): ValidJob {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError('request body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (!b.language || typeof b.language !== 'string') throw new RequestError('language is required as a string');
  if (!b.version || typeof b.version !== 'string') throw new RequestError('version is required as a string');
  if (!b.files || !Array.isArray(b.files)) throw new RequestError('files is required as an array');
  const rawFiles: unknown[] = b.files;
  if (rawFiles.length > config.maxFiles) {
    throw new RequestError(`files cannot have more than ${config.maxFiles} entries`, 400, FILE_ERROR_CODES.tooMany);
  }
  const shaped = rawFiles.map((file, i) => {
    const parsed = fileShape.safeParse(file);
    if (!parsed.success || typeof parsed.data.content !== 'string') {
      throw new RequestError(`files[${i}].content is required as a string`);
    }
    return parsed.data as { name?: unknown; content: string; encoding?: unknown };
  });
  const runtime = resolveRuntime(b.language, b.version);
  if (!runtime) throw new RequestError(`${b.language}-${b.version} runtime is unknown`);
  if (!shaped.some((file) => !file.encoding || file.encoding === 'utf8')) {
    throw new RequestError('files must include at least one utf8 encoded file');
  }

  const files: JobFile[] = shaped.map((file, i) => {
    if (file.name !== undefined && file.name !== null && typeof file.name !== 'string') {
      throw new RequestError(`files[${i}].name must be a string`);
    }
    const name = typeof file.name === 'string' && file.name !== '' ? file.name : `file${i}.code`;
    const problem = filePathProblem(name);
    if (problem) {
      throw new RequestError(
        `files[${i}].name "${name.slice(0, 200)}" must be a relative path inside the box (it has ${problem})`,
        400,
        FILE_ERROR_CODES.invalid,
      );
    }
    // Like Piston, an unknown encoding is read as utf8.
    const encoding: Encoding = ENCODINGS.includes(file.encoding as Encoding) ? (file.encoding as Encoding) : 'utf8';
    if (encoding === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(file.content)) {
      throw new RequestError(`files[${i}].content is not valid hex`);
    }
    return {
      name,
      content: Buffer.from(file.content, encoding),
      isUtf8: !file.encoding || file.encoding === 'utf8',
    };
  });
  checkNameClashes(files);
  const totalBytes = files.reduce((sum, file) => sum + file.content.length, 0);
  if (totalBytes > config.maxFilesBytes) {
    throw new RequestError(
      `files hold ${totalBytes} bytes, more than the configured limit of ${config.maxFilesBytes}`,
      400,
      FILE_ERROR_CODES.tooLarge,
    );
  }

  const limits = {
    compile: configuredLimits(config, runtime.language, 'compile'),
    run: configuredLimits(config, runtime.language, 'run'),
  };
  for (const [field, key] of LIMIT_FIELDS) {
    for (const stage of ['compile', 'run'] as const) {
      const name = `${stage}_${field}`;
      const value = b[name];
      // Piston skips falsy values; ours reads 0 and negatives as "the configured maximum".
      if (!value) continue;
      if (typeof value !== 'number') throw new RequestError(`If specified, ${name} must be a number`);
      const configured = limits[stage][key];
      if (value > configured) throw new RequestError(`${name} cannot exceed the configured limit of ${configured}`);
      if (value > 0) limits[stage][key] = Math.max(1, Math.round(value));
    }
  }

  if (b.stdin !== undefined && b.stdin !== null && typeof b.stdin !== 'string') throw new RequestError('stdin must be a string');
  if (b.args !== undefined && b.args !== null && (!Array.isArray(b.args) || !b.args.every((arg) => typeof arg === 'string'))) {
    throw new RequestError('args must be an array of strings');
  }
  const mainIndex = files.findIndex((file) => file.isUtf8);
  return {
    runtime,
    files,
    mainIndex: Math.max(0, mainIndex),
    stdin: typeof b.stdin === 'string' ? b.stdin : '',
    args: Array.isArray(b.args) ? (b.args as string[]) : [],
    limits,
  };
}

/** Two files with one name, or "a" as a file and "a/b" as another, cannot both exist. */
function checkNameClashes(files: readonly JobFile[]): void {
  const collision = nameCollision(files.map((file) => file.name));
  if (!collision) return;
  const name = files[collision.index]?.name ?? '';
  if (collision.kind === 'duplicate') {
    throw new RequestError(
      `files[${collision.index}].name "${name}" is also the name of files[${collision.other}]`,
      400,
      FILE_ERROR_CODES.duplicate,
    );
  }
  throw new RequestError(`file "${collision.folder}" clashes with the folder of "${name}"`, 400, FILE_ERROR_CODES.conflict);
}

/** One case of a batch: its own stdin, args and (within the configured maxima) run limits. */
export interface ValidCase {
  stdin: string;
  args: string[];
  limits: StageLimits;
}

export interface ValidBatch {
  job: ValidJob;
  cases: ValidCase[];
}

const CASE_LIMIT_FIELDS = [
  ['run_timeout', 'timeout'],
  ['run_cpu_time', 'cpuTime'],
  ['run_memory_limit', 'memoryLimit'],
] as const;

/**
 * POST /api/v2/pairpad/batch: an execute request (everything but stdin/args, which each case
 * brings) plus `cases`, each `{ stdin?, args?, run_timeout?, run_cpu_time?, run_memory_limit? }`.
 * A case's limit may only tighten the request's run limits, like a request's the configured ones.
 */
export function validateBatch(
  body: unknown,
  resolveRuntime: (language: string, version: string) => Runtime | undefined,
  config: ExecutorConfig,
): ValidBatch {
  const job = validateExecute(body, resolveRuntime, config);
  const raw = (body as Record<string, unknown>).cases;
  if (!Array.isArray(raw) || raw.length === 0) throw new RequestError('cases is required as a non-empty array');
  if (raw.length > config.maxBatchCases) throw new RequestError(`cases cannot have more than ${config.maxBatchCases} entries`);
  const cases = raw.map((entry: unknown, i): ValidCase => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new RequestError(`cases[${i}] must be an object`);
    const c = entry as Record<string, unknown>;
    if (c.stdin !== undefined && c.stdin !== null && typeof c.stdin !== 'string')
      throw new RequestError(`cases[${i}].stdin must be a string`);
    if (c.args !== undefined && c.args !== null && (!Array.isArray(c.args) || !c.args.every((arg) => typeof arg === 'string'))) {
      throw new RequestError(`cases[${i}].args must be an array of strings`);
    }
    const limits = { ...job.limits.run };
    for (const [field, key] of CASE_LIMIT_FIELDS) {
      const value = c[field];
      if (!value) continue;
      if (typeof value !== 'number') throw new RequestError(`If specified, cases[${i}].${field} must be a number`);
      if (value > job.limits.run[key]) throw new RequestError(`cases[${i}].${field} cannot exceed the limit of ${job.limits.run[key]}`);
      if (value > 0) limits[key] = Math.max(1, Math.round(value));
    }
    return { stdin: typeof c.stdin === 'string' ? c.stdin : '', args: Array.isArray(c.args) ? (c.args as string[]) : [], limits };
  });
  return { job, cases };
}
