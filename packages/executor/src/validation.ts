import path from 'node:path';
import { z } from 'zod';
import { configuredLimits, type ExecutorConfig, type StageLimits } from './config';
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

/** A safe box-relative path, or undefined when the name escapes the box. */
export function safeRelativeName(name: string): string | undefined {
  if (name.length === 0 || name.includes('\0') || name.startsWith('/')) return undefined;
  const normalised = path.posix.normalize(name);
  if (normalised === '.' || normalised === '..' || normalised.startsWith('../') || normalised.endsWith('/')) return undefined;
  // The box's own temp directory is ours.
  if (normalised === '.tmp' || normalised.startsWith('.tmp/')) return undefined;
  return normalised;
}

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
    const rawName = typeof file.name === 'string' && file.name !== '' ? file.name : `file${i}.code`;
    const name = safeRelativeName(rawName);
    if (!name) throw new RequestError(`files[${i}].name "${rawName}" must be a relative path inside the box`);
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

/** "a" as a file and "a/b" as another cannot both exist. */
function checkNameClashes(files: readonly JobFile[]): void {
  const names = new Set(files.map((file) => file.name));
  for (const file of files) {
    const parts = file.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (names.has(dir)) throw new RequestError(`file "${dir}" clashes with the folder of "${file.name}"`);
    }
  }
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
