import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The executor's configuration, parsed from an env object handed to it (never read from
 * process.env at import time). Every limit is one documented setting; Piston's own
 * PISTON_* names are accepted as aliases so people who run Piston feel at home.
 */

export type Env = NodeJS.ProcessEnv | Record<string, string | undefined>;

const MiB = 1024 * 1024;

/**
 * Jobs started by a root executor run as this host uid and gid. Not 65534 (nobody): other
 * software runs as nobody too, and a job's uid must be ours alone so that nothing else's
 * processes or files are within its reach. Debian reserves 65000-65533 and gives them to no
 * account or package.
 */
export const DEFAULT_SANDBOX_ID = 65100;

/** Per-language limit overrides, the same keys Piston's PISTON_LIMIT_OVERRIDES uses. */
export const limitOverrideSchema = z
  .object({
    compile_timeout: z.number().int().positive(),
    run_timeout: z.number().int().positive(),
    compile_cpu_time: z.number().int().positive(),
    run_cpu_time: z.number().int().positive(),
    compile_memory_limit: z.number().int().positive(),
    run_memory_limit: z.number().int().positive(),
    max_process_count: z.number().int().positive(),
    max_open_files: z.number().int().positive(),
    max_file_size: z.number().int().positive(),
    output_max_size: z.number().int().positive(),
  })
  .partial()
  .strict();
export type LimitOverride = z.infer<typeof limitOverrideSchema>;

interface SettingDoc {
  /** Our env name. */
  name: string;
  /** Piston's env name accepted as an alias, if any. */
  pistonName?: string;
  /** The default, as written in the README. */
  default: string;
  meaning: string;
}

/** The documented list of settings; the README table is checked against it. */
export const executorSettingsDocs: readonly SettingDoc[] = Object.freeze([
  { name: 'EXECUTOR_HOST', default: '127.0.0.1', meaning: 'Address the executor listens on (loopback only unless told otherwise).' },
  { name: 'EXECUTOR_PORT', default: '2000', meaning: 'Port the executor listens on (0 picks a free port).' },
  {
    name: 'EXECUTOR_TOKEN',
    default: '(none)',
    meaning:
      'Shared secret every request must carry as `Authorization: Bearer <token>` (else 401); required when EXECUTOR_HOST is not a loopback address. At least 16 characters.',
  },
  {
    name: 'EXECUTOR_SANDBOX',
    default: 'bwrap',
    meaning: 'bwrap runs every job in bubblewrap; none runs code unsandboxed (local development only, loud warning).',
  },
  { name: 'EXECUTOR_BWRAP_PATH', default: '(search /usr/bin, /bin, /usr/local/bin)', meaning: 'Path of the bwrap binary.' },
  {
    name: 'EXECUTOR_CGROUP',
    default: 'auto',
    meaning: 'auto detects cgroup v2 or v1; v2, v1 force one; rlimit skips cgroups and uses rlimits only.',
  },
  {
    name: 'EXECUTOR_SANDBOX_UID',
    default: String(DEFAULT_SANDBOX_ID),
    meaning: 'Host uid jobs run as when the executor runs as root: one of its own, not nobody (other software shares that).',
  },
  { name: 'EXECUTOR_SANDBOX_GID', default: String(DEFAULT_SANDBOX_ID), meaning: 'Host gid jobs run as when the executor runs as root.' },
  {
    name: 'EXECUTOR_WORK_DIR',
    default: '<os tmpdir>/pairpad-executor',
    meaning: 'Host directory for per-job staging (sources in, compiled artifacts out).',
  },
  {
    name: 'EXECUTOR_MAX_CONCURRENT_JOBS',
    pistonName: 'PISTON_MAX_CONCURRENT_JOBS',
    default: 'number of cores',
    meaning:
      "Jobs running at once; more wait in the queue. One per core: CPU-bound jobs then never share a core, so a run's wall-clock limit (EXECUTOR_RUN_TIMEOUT) means what it says. More (Piston's default is 64) makes jobs that all compute share the cores, each reaching its wall-clock limit sooner (at cores + 1, after cores/(cores+1) of its CPU: 2 s of 3 on 2 cores; CPU-time limits are unchanged), and bought no throughput here (cores + 1: 0.96-1.05× jobs/s, bench/RESULTS.md).",
  },
  { name: 'EXECUTOR_MAX_QUEUE', default: '64', meaning: 'Jobs waiting for a slot; past it, execute answers 503.' },
  {
    name: 'EXECUTOR_COMPILE_TIMEOUT',
    pistonName: 'PISTON_COMPILE_TIMEOUT',
    default: '10000',
    meaning: 'Maximum wall time of a compile stage, ms.',
  },
  { name: 'EXECUTOR_RUN_TIMEOUT', pistonName: 'PISTON_RUN_TIMEOUT', default: '3000', meaning: 'Maximum wall time of a run stage, ms.' },
  {
    name: 'EXECUTOR_COMPILE_CPU_TIME',
    pistonName: 'PISTON_COMPILE_CPU_TIME',
    default: '10000',
    meaning: 'Maximum CPU time of a compile stage, ms.',
  },
  { name: 'EXECUTOR_RUN_CPU_TIME', pistonName: 'PISTON_RUN_CPU_TIME', default: '3000', meaning: 'Maximum CPU time of a run stage, ms.' },
  {
    name: 'EXECUTOR_COMPILE_MEMORY_LIMIT',
    pistonName: 'PISTON_COMPILE_MEMORY_LIMIT',
    default: '1073741824 (1 GiB)',
    meaning: 'Maximum memory of a compile stage, bytes (javac and rustc are hungry).',
  },
  {
    name: 'EXECUTOR_RUN_MEMORY_LIMIT',
    pistonName: 'PISTON_RUN_MEMORY_LIMIT',
    default: '268435456 (256 MiB)',
    meaning: 'Maximum memory of a run stage, bytes.',
  },
  {
    name: 'EXECUTOR_MAX_PROCESS_COUNT',
    pistonName: 'PISTON_MAX_PROCESS_COUNT',
    default: '64',
    meaning: 'Maximum processes and threads per stage (pids cgroup).',
  },
  {
    name: 'EXECUTOR_MAX_OPEN_FILES',
    pistonName: 'PISTON_MAX_OPEN_FILES',
    default: '2048',
    meaning: 'Maximum open files per process (RLIMIT_NOFILE).',
  },
  {
    name: 'EXECUTOR_MAX_FILE_SIZE',
    pistonName: 'PISTON_MAX_FILE_SIZE',
    default: '10000000',
    meaning: 'Maximum size of one written file, bytes (RLIMIT_FSIZE).',
  },
  {
    name: 'EXECUTOR_OUTPUT_MAX_SIZE',
    pistonName: 'PISTON_OUTPUT_MAX_SIZE',
    default: '65536',
    meaning: 'Maximum stdout and stderr per stage, bytes each (status OL / EL past it).',
  },
  {
    name: 'EXECUTOR_BOX_SIZE',
    default: '67108864 (64 MiB)',
    meaning: 'Size of the tmpfs box, the only writable place in the sandbox, bytes.',
  },
  {
    name: 'EXECUTOR_MAX_BATCH_CASES',
    default: '64',
    meaning: 'Most cases one POST /api/v2/pairpad/batch may run (compile once, run each case).',
  },
  {
    name: 'EXECUTOR_CONNECT_TIMEOUT',
    default: '300000 (5 min)',
    meaning:
      'Maximum wall time of an interactive run (WebSocket /api/v2/connect), ms; it replaces EXECUTOR_RUN_TIMEOUT there (the CPU, memory and output limits stay those of execute).',
  },
  {
    name: 'EXECUTOR_CONNECT_IDLE_TIMEOUT',
    default: '60000',
    meaning: 'An interactive run that neither receives input nor prints anything for this long is killed (status TO), ms.',
  },
  {
    name: 'EXECUTOR_CONNECT_MAX_STDIN_BACKLOG',
    default: '1048576 (1 MiB)',
    meaning: 'Input sent to an interactive run that its program has not read yet, bytes; past it the session gets an error and ends.',
  },
  {
    name: 'EXECUTOR_MAX_CONNECT_SESSIONS',
    default: '16',
    meaning: 'Interactive runs at once; past it, connect answers an error. Their compile stages queue with the other jobs.',
  },
  { name: 'EXECUTOR_MAX_REQUEST_SIZE', default: '2097152 (2 MiB)', meaning: 'Largest accepted JSON request body, bytes.' },
  {
    name: 'EXECUTOR_MAX_FILES',
    default: '256',
    meaning:
      'Most files one request may send (files[]); more is refused with FILES_TOO_MANY. A workspace of a few dozen files fits many times over.',
  },
  {
    name: 'EXECUTOR_MAX_FILES_BYTES',
    default: '2097152 (2 MiB)',
    meaning:
      "Most bytes all of a request's files may hold once decoded (base64, hex); more is refused with FILES_TOO_LARGE. Well under EXECUTOR_BOX_SIZE, so the program keeps room to write.",
  },
  {
    name: 'EXECUTOR_RUNTIMES',
    default: '(all found)',
    meaning: 'Comma-separated languages to offer (e.g. python,javascript); others are not even probed.',
  },
  {
    name: 'EXECUTOR_POSTGRES',
    default: 'off',
    meaning:
      "on: offer SQL (PostgreSQL) — the executor starts a PostgreSQL server of its own (Debian's postgresql package; as the postgres user when root) in /dev/shm when that is a tmpfs with 512 MB free, else in EXECUTOR_WORK_DIR, reachable through a unix socket only, one database and role per run; off: not offered.",
  },
  {
    name: 'EXECUTOR_MAX_PREVIEWS',
    default: '20',
    meaning:
      'Live previews (sandboxed dev servers of web-app templates) at once; past it, starting one answers PREVIEW_LIMIT_REACHED. 0 turns previews off.',
  },
  {
    name: 'EXECUTOR_PREVIEW_TEMPLATES',
    default: '<checkout>/templates',
    meaning: 'Folder of the project templates a preview starts from (`<id>/template.json` + `<id>/files/`).',
  },
  {
    name: 'EXECUTOR_PREVIEW_TOOLCHAIN',
    default: '<checkout>/.pairpad/toolchain/preview-node',
    meaning:
      "The templates' npm dependencies, installed ahead of time by scripts/preview-toolchain.mjs; every preview sees its node_modules read-only (nothing is downloaded during an interview).",
  },
  {
    name: 'EXECUTOR_ADVERTISE_URL',
    default: '—',
    meaning:
      "This executor's own address as the backend can reach it (`http://<pod IP>:2000`; without a port, the port it listens on), when the backend reaches it through a load balancer (a Kubernetes Service): a preview started here is answered at that address from then on, so its requests do not land on another executor.",
  },
  {
    name: 'EXECUTOR_PREVIEW_START_TIMEOUT',
    default: '30000',
    meaning: "How long a preview's dev server may take to listen on its port, ms; past it the preview fails with PREVIEW_NEVER_LISTENED.",
  },
  {
    name: 'EXECUTOR_PREVIEW_IDLE_TIMEOUT',
    default: '600000',
    meaning: 'A preview nobody requested anything from for this long is stopped, ms (10 minutes).',
  },
  {
    name: 'EXECUTOR_PREVIEW_MEMORY_LIMIT',
    default: '1073741824 (1 GiB)',
    meaning: "Memory of one preview's whole sandbox (dev server, bundler, watcher), bytes.",
  },
  {
    name: 'EXECUTOR_PREVIEW_MAX_PROCESS_COUNT',
    default: '256',
    meaning: "Processes and threads of one preview's sandbox (Node and esbuild run a dozen threads each).",
  },
  {
    name: 'EXECUTOR_LIMIT_OVERRIDES',
    pistonName: 'PISTON_LIMIT_OVERRIDES',
    default: '{}',
    meaning: 'JSON object of per-language limit overrides, e.g. {"java":{"max_process_count":128}}.',
  },
]);

const intFrom = (name: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`));

function overridesFrom(name: string) {
  return z.string().transform((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} must be valid JSON` });
      return z.NEVER;
    }
    const result = z.record(z.string(), limitOverrideSchema).safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({ code: 'custom', message: `${name}: ${z.prettifyError(result.error).replace(/\n/g, ' ')}` });
      return z.NEVER;
    }
    return result.data;
  });
}

export interface ExecutorConfig {
  host: string;
  port: number;
  /** Shared secret of every request; undefined: none asked (loopback only). */
  token: string | undefined;
  sandbox: 'bwrap' | 'none';
  bwrapPath: string | undefined;
  cgroup: 'auto' | 'v2' | 'v1' | 'rlimit';
  sandboxUid: number;
  sandboxGid: number;
  workDir: string;
  maxConcurrentJobs: number;
  maxQueue: number;
  compileTimeout: number;
  runTimeout: number;
  compileCpuTime: number;
  runCpuTime: number;
  compileMemoryLimit: number;
  runMemoryLimit: number;
  maxProcessCount: number;
  maxOpenFiles: number;
  maxFileSize: number;
  outputMaxSize: number;
  boxSize: number;
  maxRequestSize: number;
  maxFiles: number;
  maxFilesBytes: number;
  maxBatchCases: number;
  connectTimeout: number;
  connectIdleTimeout: number;
  connectMaxStdinBacklog: number;
  maxConnectSessions: number;
  limitOverrides: Record<string, LimitOverride>;
  /** Languages to offer; undefined offers every runtime found. */
  runtimes: string[] | undefined;
  /** Offer SQL (PostgreSQL) with a server of the executor's own. */
  postgres: boolean;
  maxPreviews: number;
  previewTemplates: string | undefined;
  previewToolchain: string | undefined;
  previewStartTimeout: number;
  /** This executor's own address (EXECUTOR_ADVERTISE_URL), for a backend that reaches it through a balancer. */
  advertiseUrl: string | undefined;
  previewIdleTimeout: number;
  previewMemoryLimit: number;
  previewMaxProcessCount: number;
}

export class ExecutorConfigError extends Error {
  override name = 'ExecutorConfigError';
}

/** Reads `EXECUTOR_X`, falling back to Piston's `PISTON_X`; empty strings count as unset. */
function pick(env: Env, name: string, pistonName?: string): string | undefined {
  const ours = env[name];
  if (ours !== undefined && ours !== '') return ours;
  const theirs = pistonName ? env[pistonName] : undefined;
  return theirs !== undefined && theirs !== '' ? theirs : undefined;
}

/** Parses the executor's settings from `env`; throws ExecutorConfigError naming every bad value. */
export function loadExecutorConfig(env: Env, overrides: Partial<ExecutorConfig> = {}): ExecutorConfig {
  const names = (name: string) => executorSettingsDocs.find((doc) => doc.name === name)?.pistonName;
  const raw = (name: string) => pick(env, name, names(name));
  const label = (name: string) => (names(name) ? `${name} (or ${names(name)})` : name);

  const schema = z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: intFrom(label('EXECUTOR_PORT'), 0).pipe(z.number().max(65535, 'EXECUTOR_PORT must be at most 65535')).optional(),
    token: z.string().trim().min(16, 'EXECUTOR_TOKEN must be at least 16 characters').optional(),
    sandbox: z.enum(['bwrap', 'none'], { message: 'EXECUTOR_SANDBOX must be bwrap or none' }).default('bwrap'),
    bwrapPath: z.string().min(1).optional(),
    cgroup: z.enum(['auto', 'v2', 'v1', 'rlimit'], { message: 'EXECUTOR_CGROUP must be auto, v2, v1 or rlimit' }).default('auto'),
    sandboxUid: intFrom('EXECUTOR_SANDBOX_UID', 1).optional(),
    sandboxGid: intFrom('EXECUTOR_SANDBOX_GID', 1).optional(),
    workDir: z.string().min(1).optional(),
    maxConcurrentJobs: intFrom(label('EXECUTOR_MAX_CONCURRENT_JOBS'), 1).optional(),
    maxQueue: intFrom('EXECUTOR_MAX_QUEUE', 0).optional(),
    compileTimeout: intFrom(label('EXECUTOR_COMPILE_TIMEOUT'), 1).optional(),
    runTimeout: intFrom(label('EXECUTOR_RUN_TIMEOUT'), 1).optional(),
    compileCpuTime: intFrom(label('EXECUTOR_COMPILE_CPU_TIME'), 1).optional(),
    runCpuTime: intFrom(label('EXECUTOR_RUN_CPU_TIME'), 1).optional(),
    compileMemoryLimit: intFrom(label('EXECUTOR_COMPILE_MEMORY_LIMIT'), 4 * MiB).optional(),
    runMemoryLimit: intFrom(label('EXECUTOR_RUN_MEMORY_LIMIT'), 4 * MiB).optional(),
    maxProcessCount: intFrom(label('EXECUTOR_MAX_PROCESS_COUNT'), 1).optional(),
    maxOpenFiles: intFrom(label('EXECUTOR_MAX_OPEN_FILES'), 16).optional(),
    maxFileSize: intFrom(label('EXECUTOR_MAX_FILE_SIZE'), 1).optional(),
    outputMaxSize: intFrom(label('EXECUTOR_OUTPUT_MAX_SIZE'), 1).optional(),
    boxSize: intFrom('EXECUTOR_BOX_SIZE', MiB).optional(),
    maxRequestSize: intFrom('EXECUTOR_MAX_REQUEST_SIZE', 1024).optional(),
    maxFiles: intFrom('EXECUTOR_MAX_FILES', 1).optional(),
    maxFilesBytes: intFrom('EXECUTOR_MAX_FILES_BYTES', 1024).optional(),
    maxBatchCases: intFrom('EXECUTOR_MAX_BATCH_CASES', 1).optional(),
    connectTimeout: intFrom('EXECUTOR_CONNECT_TIMEOUT', 1).optional(),
    connectIdleTimeout: intFrom('EXECUTOR_CONNECT_IDLE_TIMEOUT', 1).optional(),
    connectMaxStdinBacklog: intFrom('EXECUTOR_CONNECT_MAX_STDIN_BACKLOG', 1024).optional(),
    maxConnectSessions: intFrom('EXECUTOR_MAX_CONNECT_SESSIONS', 1).optional(),
    limitOverrides: overridesFrom(label('EXECUTOR_LIMIT_OVERRIDES')).optional(),
    postgres: z.enum(['on', 'off'], { message: 'EXECUTOR_POSTGRES must be on or off' }).default('off'),
    maxPreviews: intFrom('EXECUTOR_MAX_PREVIEWS', 0).optional(),
    previewTemplates: z.string().min(1).optional(),
    previewToolchain: z.string().min(1).optional(),
    previewStartTimeout: intFrom('EXECUTOR_PREVIEW_START_TIMEOUT', 100).optional(),
    advertiseUrl: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+\/?$/, 'EXECUTOR_ADVERTISE_URL must be an http(s) origin such as http://10.0.0.5:2000')
      .optional(),
    previewIdleTimeout: intFrom('EXECUTOR_PREVIEW_IDLE_TIMEOUT', 1000).optional(),
    previewMemoryLimit: intFrom('EXECUTOR_PREVIEW_MEMORY_LIMIT', 16 * MiB).optional(),
    previewMaxProcessCount: intFrom('EXECUTOR_PREVIEW_MAX_PROCESS_COUNT', 8).optional(),
    runtimes: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .optional(),
  });

  const result = schema.safeParse({
    host: raw('EXECUTOR_HOST'),
    port: raw('EXECUTOR_PORT'),
    token: raw('EXECUTOR_TOKEN'),
    sandbox: raw('EXECUTOR_SANDBOX'),
    bwrapPath: raw('EXECUTOR_BWRAP_PATH'),
    cgroup: raw('EXECUTOR_CGROUP'),
    sandboxUid: raw('EXECUTOR_SANDBOX_UID'),
    sandboxGid: raw('EXECUTOR_SANDBOX_GID'),
    workDir: raw('EXECUTOR_WORK_DIR'),
    maxConcurrentJobs: raw('EXECUTOR_MAX_CONCURRENT_JOBS'),
    maxQueue: raw('EXECUTOR_MAX_QUEUE'),
    compileTimeout: raw('EXECUTOR_COMPILE_TIMEOUT'),
    runTimeout: raw('EXECUTOR_RUN_TIMEOUT'),
    compileCpuTime: raw('EXECUTOR_COMPILE_CPU_TIME'),
    runCpuTime: raw('EXECUTOR_RUN_CPU_TIME'),
    compileMemoryLimit: raw('EXECUTOR_COMPILE_MEMORY_LIMIT'),
    runMemoryLimit: raw('EXECUTOR_RUN_MEMORY_LIMIT'),
    maxProcessCount: raw('EXECUTOR_MAX_PROCESS_COUNT'),
    maxOpenFiles: raw('EXECUTOR_MAX_OPEN_FILES'),
    maxFileSize: raw('EXECUTOR_MAX_FILE_SIZE'),
    outputMaxSize: raw('EXECUTOR_OUTPUT_MAX_SIZE'),
    boxSize: raw('EXECUTOR_BOX_SIZE'),
    maxRequestSize: raw('EXECUTOR_MAX_REQUEST_SIZE'),
    maxFiles: raw('EXECUTOR_MAX_FILES'),
    maxFilesBytes: raw('EXECUTOR_MAX_FILES_BYTES'),
    maxBatchCases: raw('EXECUTOR_MAX_BATCH_CASES'),
    connectTimeout: raw('EXECUTOR_CONNECT_TIMEOUT'),
    connectIdleTimeout: raw('EXECUTOR_CONNECT_IDLE_TIMEOUT'),
    connectMaxStdinBacklog: raw('EXECUTOR_CONNECT_MAX_STDIN_BACKLOG'),
    maxConnectSessions: raw('EXECUTOR_MAX_CONNECT_SESSIONS'),
    limitOverrides: raw('EXECUTOR_LIMIT_OVERRIDES'),
    postgres: raw('EXECUTOR_POSTGRES'),
    maxPreviews: raw('EXECUTOR_MAX_PREVIEWS'),
    previewTemplates: raw('EXECUTOR_PREVIEW_TEMPLATES'),
    previewToolchain: raw('EXECUTOR_PREVIEW_TOOLCHAIN'),
    previewStartTimeout: raw('EXECUTOR_PREVIEW_START_TIMEOUT'),
    advertiseUrl: raw('EXECUTOR_ADVERTISE_URL'),
    previewIdleTimeout: raw('EXECUTOR_PREVIEW_IDLE_TIMEOUT'),
    previewMemoryLimit: raw('EXECUTOR_PREVIEW_MEMORY_LIMIT'),
    previewMaxProcessCount: raw('EXECUTOR_PREVIEW_MAX_PROCESS_COUNT'),
    runtimes: raw('EXECUTOR_RUNTIMES'),
  });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => issue.message).join('; ');
    throw new ExecutorConfigError(`Invalid executor configuration: ${problems}`);
  }
  const v = result.data;
  const config: ExecutorConfig = {
    host: v.host,
    port: v.port ?? 2000,
    token: v.token,
    sandbox: v.sandbox,
    bwrapPath: v.bwrapPath,
    cgroup: v.cgroup,
    sandboxUid: v.sandboxUid ?? DEFAULT_SANDBOX_ID,
    sandboxGid: v.sandboxGid ?? DEFAULT_SANDBOX_ID,
    workDir: v.workDir ?? path.join(os.tmpdir(), 'pairpad-executor'),
    maxConcurrentJobs: v.maxConcurrentJobs ?? os.availableParallelism(),
    maxQueue: v.maxQueue ?? 64,
    compileTimeout: v.compileTimeout ?? 10_000,
    runTimeout: v.runTimeout ?? 3_000,
    compileCpuTime: v.compileCpuTime ?? 10_000,
    runCpuTime: v.runCpuTime ?? 3_000,
    compileMemoryLimit: v.compileMemoryLimit ?? 1024 * MiB,
    runMemoryLimit: v.runMemoryLimit ?? 256 * MiB,
    maxProcessCount: v.maxProcessCount ?? 64,
    maxOpenFiles: v.maxOpenFiles ?? 2048,
    maxFileSize: v.maxFileSize ?? 10_000_000,
    outputMaxSize: v.outputMaxSize ?? 64 * 1024,
    boxSize: v.boxSize ?? 64 * MiB,
    maxRequestSize: v.maxRequestSize ?? 2 * MiB,
    maxFiles: v.maxFiles ?? 256,
    maxFilesBytes: v.maxFilesBytes ?? 2 * MiB,
    maxBatchCases: v.maxBatchCases ?? 64,
    connectTimeout: v.connectTimeout ?? 300_000,
    connectIdleTimeout: v.connectIdleTimeout ?? 60_000,
    connectMaxStdinBacklog: v.connectMaxStdinBacklog ?? 1024 * 1024,
    maxConnectSessions: v.maxConnectSessions ?? 16,
    limitOverrides: v.limitOverrides ?? {},
    runtimes: v.runtimes,
    postgres: v.postgres === 'on',
    maxPreviews: v.maxPreviews ?? 20,
    previewTemplates: v.previewTemplates,
    previewToolchain: v.previewToolchain,
    previewStartTimeout: v.previewStartTimeout ?? 30_000,
    advertiseUrl: v.advertiseUrl?.replace(/\/$/, ''),
    previewIdleTimeout: v.previewIdleTimeout ?? 600_000,
    previewMemoryLimit: v.previewMemoryLimit ?? 1024 * MiB,
    previewMaxProcessCount: v.previewMaxProcessCount ?? 256,
    ...overrides,
  };
  if (!config.token && !isLoopback(config.host)) {
    throw new ExecutorConfigError(
      `Invalid executor configuration: EXECUTOR_TOKEN is required when EXECUTOR_HOST (${config.host}) is not a loopback address; anyone who reaches the port could otherwise run code`,
    );
  }
  return Object.freeze(config);
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The effective limits of one stage for one language. */
export interface StageLimits {
  timeout: number;
  cpuTime: number;
  memoryLimit: number;
  maxProcessCount: number;
  maxOpenFiles: number;
  maxFileSize: number;
  outputMaxSize: number;
  /**
   * Without writable cgroups, RLIMIT_DATA is at least this (bytes), whatever memoryLimit says:
   * set by runtimes that reserve address space in the data segment before they run anything.
   */
  dataFloor?: number;
}

/** The configured maxima for a language's stage, after PISTON_LIMIT_OVERRIDES. */
export function configuredLimits(config: ExecutorConfig, language: string, stage: 'compile' | 'run'): StageLimits {
  const o = config.limitOverrides[language] ?? {};
  return {
    timeout: (stage === 'compile' ? o.compile_timeout : o.run_timeout) ?? (stage === 'compile' ? config.compileTimeout : config.runTimeout),
    cpuTime:
      (stage === 'compile' ? o.compile_cpu_time : o.run_cpu_time) ?? (stage === 'compile' ? config.compileCpuTime : config.runCpuTime),
    memoryLimit:
      (stage === 'compile' ? o.compile_memory_limit : o.run_memory_limit) ??
      (stage === 'compile' ? config.compileMemoryLimit : config.runMemoryLimit),
    maxProcessCount: o.max_process_count ?? config.maxProcessCount,
    maxOpenFiles: o.max_open_files ?? config.maxOpenFiles,
    maxFileSize: o.max_file_size ?? config.maxFileSize,
    outputMaxSize: o.output_max_size ?? config.outputMaxSize,
  };
}
