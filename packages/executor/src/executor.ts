import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { detectCgroups, type CgroupManager } from './cgroups';
import { configuredLimits, type Env, type ExecutorConfig } from './config';
import { JobQueue, type QueueStats } from './job-queue';
import { prepareJob, runJob, type BatchResponse, type ExecuteResponse, type JobDeps } from './job';
import type { ExecutorLogger } from './logger';
import { typescriptPackage } from './runtime-catalog';
import { RuntimeRegistry, detectRuntimes, type Runtime, type RuntimeFailure, type RuntimeInfo } from './runtimes';
import { PostgresServer, postgresParentDir } from './postgres-server';
import { PreviewManager } from './preview-manager';
import { Sandbox, type SandboxStatus } from './sandbox';
import { TypescriptTranspiler } from './typescript-transpiler';
import type { StageResult } from './stage-result';

const SELF_TEST_ATTEMPTS = 3;
import { RequestError, validateBatch, validateExecute, type ValidJob } from './validation';

export type HealthReport =
  | {
      status: 'ok';
      sandbox: SandboxReport;
      runtimes: number;
      ready: boolean;
      failedRuntimes: RuntimeFailure[];
      queue: QueueStats;
    }
  | { status: 'unavailable'; reason: string; sandbox: SandboxReport };

export interface SandboxReport {
  kind: SandboxStatus['kind'];
  cgroup: SandboxStatus['cgroup'];
  cgroupDetail: string;
  uid: number;
  working: boolean;
  reason?: string;
}

/**
 * The executor core: sandbox, runtimes, queue. It knows nothing about HTTP; api.ts adapts it.
 */
export class Executor {
  readonly registry = new RuntimeRegistry();
  readonly queue: JobQueue;
  private readyFlag = false;
  private readonly shutdown = new AbortController();
  /** The PostgreSQL server of SQL (PostgreSQL) runs, started on first ask (EXECUTOR_POSTGRES=on). */
  private postgres: Promise<PostgresServer> | undefined;
  readonly ready: Promise<void>;

  private constructor(
    readonly config: ExecutorConfig,
    private readonly sandbox: Sandbox,
    private readonly cgroups: CgroupManager,
    private readonly transpiler: TypescriptTranspiler | undefined,
    private readonly logger: ExecutorLogger,
    env: Env,
    /** Live previews: templates' dev servers in long-lived sandboxes (preview-manager.ts). */
    readonly previews: PreviewManager,
  ) {
    this.queue = new JobQueue(config.maxConcurrentJobs, config.maxQueue);
    this.ready = this.proveRuntimes(env).finally(() => {
      this.readyFlag = true;
    });
  }

  static async create(config: ExecutorConfig, env: Env, logger: ExecutorLogger): Promise<Executor> {
    const cgroups = config.sandbox === 'none' ? await detectCgroups('rlimit', logger) : await detectCgroups(config.cgroup, logger);
    // One pooled cgroup per concurrent job (and a few for stages still being released).
    await cgroups
      .warm?.(config.maxConcurrentJobs + 2)
      .catch((error: Error) => logger.warn('cannot pre-create cgroups', { error: error.message }));
    const sandbox = await Sandbox.create(config, cgroups, logger);
    const status = sandbox.status;
    if (status.kind === 'none') {
      logger.warn(
        "!!! EXECUTOR_SANDBOX=none: user code runs UNSANDBOXED with the server's privileges. Never use this outside local development. !!!",
      );
    } else if (!status.ok) {
      logger.error('no working sandbox: the executor will refuse to run code', { reason: status.reason });
    } else {
      logger.info('sandbox ready', { kind: status.kind, cgroup: status.cgroup, detail: status.cgroupDetail, uid: status.uid });
    }
    if (status.cgroup === 'rlimit' && status.kind === 'bwrap') {
      logger.warn('cgroups are not writable: memory and process limits fall back to rlimits', { detail: status.cgroupDetail });
    }
    const ts = typescriptPackage();
    const previews = await PreviewManager.create(config, env, sandbox, logger);
    return new Executor(config, sandbox, cgroups, ts ? new TypescriptTranspiler(ts.path) : undefined, logger, env, previews);
  }

  get isReady(): boolean {
    return this.readyFlag;
  }

  /** Detects toolchains and admits each one only after its hello-world runs in the sandbox. */
  private async proveRuntimes(env: Env): Promise<void> {
    if (!this.sandbox.status.ok) return;
    const only = this.config.runtimes ? new Set(this.config.runtimes) : undefined;
    const host = this.config.postgres ? { postgres: () => this.startPostgres() } : {};
    const { found, failures } = await detectRuntimes(env, this.logger, only, host);
    this.registry.failures.push(...failures);
    await Promise.all(
      found.map(async (runtime) => {
        const reason = await this.selfTest(runtime).catch((error: Error) => error.message);
        if (reason) {
          this.registry.failures.push({ language: runtime.language, reason });
          this.logger.warn('runtime left out: its hello-world failed in the sandbox', {
            language: runtime.language,
            version: runtime.version,
            reason,
          });
        } else {
          this.registry.add(runtime);
          this.logger.info('runtime ready', { language: runtime.language, version: runtime.version });
        }
      }),
    );
    this.logger.info('runtimes proven', { count: this.registry.size, failed: this.registry.failures.length });
  }

  private startPostgres(): Promise<PostgresServer> {
    // One folder per executor: several may share a work dir (tests, a restart while the old one stops).
    this.postgres ??= PostgresServer.start(
      path.join(postgresParentDir(this.config.workDir), `pairpad-postgres-${process.pid}-${randomUUID().slice(0, 8)}`),
      this.logger,
    );
    return this.postgres;
  }

  /** Names of the run databases that exist now (tests: each run's is dropped when it ends). */
  async postgresRunDatabases(): Promise<string[]> {
    return this.postgres ? (await this.postgres).runDatabases() : [];
  }

  private async selfTest(runtime: Runtime): Promise<string | undefined> {
    const { hello } = runtime.definition;
    const job: ValidJob = {
      runtime,
      files: [{ name: hello.name, content: Buffer.from(hello.content), isUtf8: true }],
      mainIndex: 0,
      stdin: '',
      args: [],
      limits: {
        // Start-up proves every runtime at once, on a machine that may be busy: be generous with
        // the clock (a cold javac or g++ took over 10 s at load 10); limits of real jobs are unchanged.
        compile: { ...configuredLimits(this.config, runtime.language, 'compile'), timeout: 60_000, cpuTime: 30_000 },
        run: { ...configuredLimits(this.config, runtime.language, 'run'), timeout: 20_000, cpuTime: 10_000 },
      },
    };
    let reason: string | undefined;
    // A time limit at start-up says the machine was busy, not that the toolchain is broken: try
    // again (up to three times) before leaving a language out until the next restart.
    for (let attempt = 1; attempt <= SELF_TEST_ATTEMPTS; attempt++) {
      const result = await this.queue.run(() => this.runValid(job));
      if (result.run.stdout.trim() === 'hello, world' && result.run.status === null) return undefined;
      const stage = result.compile && result.compile.status !== null ? result.compile : result.run;
      reason = `${stage.status ?? 'wrong output'}: ${stage.message ?? ''} ${stage.output.slice(0, 500)}`.trim();
      if (stage.status !== 'TO' || this.shutdown.signal.aborted) break;
      this.logger.warn('runtime self-test timed out; trying again', { language: runtime.language, attempt });
    }
    return reason;
  }

  private runValid(job: ValidJob): Promise<ExecuteResponse> {
    return runJob(job, this.jobDeps());
  }

  private jobDeps(): JobDeps {
    return { config: this.config, sandbox: this.sandbox, transpiler: this.transpiler, logger: this.logger, signal: this.shutdown.signal };
  }

  /** What the interactive endpoint (connect.ts) needs to stage and run a job itself. */
  interactiveDeps(): JobDeps {
    return this.jobDeps();
  }

  /** Why code cannot run right now, if it cannot. */
  unavailableReason(): string | undefined {
    const status = this.sandbox.status;
    return status.ok ? undefined : `No working sandbox: ${status.reason ?? 'unknown reason'}`;
  }

  runtimes(): RuntimeInfo[] {
    return this.registry.list();
  }

  /** Validates and runs a Piston execute request; throws RequestError or QueueFullError. */
  async execute(body: unknown): Promise<ExecuteResponse> {
    const unavailable = this.unavailableReason();
    if (unavailable) throw new RequestError(unavailable, 503);
    const job = validateExecute(body, (language, version) => this.registry.resolve(language, version), this.config);
    return this.queue.run(() => this.runValid(job));
  }

  /**
   * Compile once, run every case (POST /api/v2/pairpad/batch). The compile takes one queue
   * slot; the cases then run in parallel, at most one per slot, each queued like a job.
   */
  async executeBatch(body: unknown): Promise<BatchResponse> {
    const unavailable = this.unavailableReason();
    if (unavailable) throw new RequestError(unavailable, 503);
    const { job, cases } = validateBatch(body, (language, version) => this.registry.resolve(language, version), this.config);
    const prepared = await this.queue.run(() => prepareJob(job, this.jobDeps()));
    try {
      const base = { language: prepared.language, version: prepared.version, ...(prepared.compile ? { compile: prepared.compile } : {}) };
      if (!prepared.runnable) return { ...base, cases: [] };
      const results: StageResult[] = new Array<StageResult>(cases.length);
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const index = next++;
          const input = cases[index];
          if (input) results[index] = await this.queue.run(() => prepared.run(input));
        }
      };
      await Promise.all(Array.from({ length: Math.min(cases.length, this.config.maxConcurrentJobs) }, worker));
      return { ...base, cases: results };
    } finally {
      prepared.dispose();
    }
  }

  health(): HealthReport {
    const status = this.sandbox.status;
    const sandbox: SandboxReport = {
      kind: status.kind,
      cgroup: status.cgroup,
      cgroupDetail: status.cgroupDetail,
      uid: status.uid,
      working: status.ok,
      ...(status.reason ? { reason: status.reason } : {}),
    };
    const reason = this.unavailableReason();
    if (reason) return { status: 'unavailable', reason, sandbox };
    return {
      status: 'ok',
      sandbox,
      runtimes: this.registry.size,
      ready: this.readyFlag,
      failedRuntimes: this.registry.failures,
      queue: this.queue.stats(),
    };
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    await this.ready.catch(() => undefined);
    await this.transpiler?.close();
    await this.previews.close();
    await this.sandbox.close();
    await this.postgres?.then((server) => server.close()).catch(() => undefined);
    await this.cgroups.close();
  }
}
