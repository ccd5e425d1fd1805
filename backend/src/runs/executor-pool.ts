import { AppError, JOB_KINDS, type ExecutorStats, type JobKind } from '@pairpad/protocol';
import { probeExecutor, type ExecutorProbe } from '../health/executor-probe';
import { ExecutorUnreachableError, PistonClient } from './piston-client';
import { probeConnect, type ConnectSupport } from './piston-connect';
import { PistonRuntimesSchema, type PistonRuntime } from './piston-schemas';
import { silentLogger, type JobLogger } from './run-queue';

/** How long a connect that failed before the upgrade (no connect there) is not tried again. */
const CONNECT_RETRY_MS = 60_000;

const noJobs = (): Record<JobKind, number> => Object.fromEntries(JOB_KINDS.map((kind) => [kind, 0])) as Record<JobKind, number>;

/**
 * One executor of the pool: its client, what this node has on it, what it last said of itself,
 * and what its /api/v2/connect supports (probed once, again a minute after it had none).
 */
export class PoolExecutor {
  readonly client: PistonClient;
  /** Taking new jobs: null until first checked (tried like an up one), false while down. */
  up: boolean | null = null;
  /** Why it is down, in words for an operator. */
  reason: string | undefined;
  inFlight = 0;
  readonly byKind = noJobs();
  /** Keys stuck to it (a session's preview): long-lived, so they count as load. */
  readonly pinned = new Set<string>();
  /** Its own queue as it last reported it (every backend's jobs), when it reports one. */
  reported: { running: number; queued: number; sessions: number } | null = null;
  /** What its last check saw (for /health/executor): the runtimes answer's status, how many, ready. */
  lastCheck: { status?: number; runtimes: number; ready?: boolean } | null = null;
  /** Its jobs from elsewhere (other backend nodes), estimated at the last check. */
  private others = 0;
  private connectRetryAt = 0;
  private connectProbed: Promise<ConnectSupport> | null = null;

  constructor(
    readonly name: string,
    readonly url: string,
    client: PistonClient,
  ) {
    this.client = client;
  }

  /** What routing compares: this node's jobs and pins on it, plus the others' it reported. */
  get load(): number {
    return this.inFlight + this.pinned.size + this.others;
  }

  /** A check answered: up or down, its runtimes, its own queue. */
  checked(probe: ExecutorProbe): void {
    this.up = probe.ok;
    this.reason = probe.reason;
    this.reported = probe.queue ?? null;
    this.lastCheck = {
      runtimes: probe.runtimes.length,
      ...(probe.status !== undefined ? { status: probe.status } : {}),
      ...(probe.ready !== undefined ? { ready: probe.ready } : {}),
    };
    // What it reports holds this node's jobs too (in its queue, or as connect sessions): the rest is others'.
    this.others = probe.queue ? Math.max(0, probe.queue.running + probe.queue.queued + probe.queue.sessions - this.inFlight) : 0;
  }

  /** Whether connect may be tried now (the setting, and not within a minute of a "no connect here"). */
  connectAvailable(enabled: boolean): boolean {
    return enabled && Date.now() >= this.connectRetryAt;
  }

  /** What its connect supports, probed once (again a minute after it had none). */
  async connectSupport(): Promise<ConnectSupport> {
    this.connectProbed ??= probeConnect(this.client.baseUrl, this.client.apiKey);
    const probed = this.connectProbed;
    const support = await probed;
    if (support === 'none' && this.connectProbed === probed) this.noConnect();
    return support;
  }

  /** Its connect failed before the upgrade: execute for a minute, then probe again. */
  noConnect(): void {
    this.connectRetryAt = Date.now() + CONNECT_RETRY_MS;
    this.connectProbed = null;
  }

  /** It went down or came back (maybe another version): what its connect supports is asked again. */
  forgetConnect(): void {
    this.connectRetryAt = 0;
    this.connectProbed = null;
  }

  stats(): ExecutorStats {
    return {
      name: this.name,
      up: this.up,
      inFlight: this.inFlight,
      byKind: { ...this.byKind },
      pinned: this.pinned.size,
      reported: this.reported,
    };
  }
}

export interface ExecutorPoolOptions {
  /** Base URLs (PISTON_URLS, PISTON_URL or the embedded executor's), without a trailing slash. */
  urls: readonly string[];
  /** Names in the same order (default `executor-1`…, or `executor` for one). */
  names?: readonly string[];
  apiKey?: string;
  executeTimeoutMs: number;
  /** How often each executor is checked (EXECUTION_POOL_CHECK_MS); 0: never (one executor needs no routing). */
  checkIntervalMs: number;
  logger?: JobLogger;
}

/** Told when an executor leaves the pool, with the keys that were stuck to it (their long-lived things are gone). */
export type ExecutorDownListener = (executor: PoolExecutor, keys: readonly string[]) => void;

/**
 * The executors runs go to. Each job goes to the least loaded executor that is up (this node's
 * jobs and pins on it, plus what it reports of other nodes'), ties taken in turn; an executor
 * that refuses the connection is marked down and the job handed to the next (it never reached
 * the first); one that fails a run in the middle is checked at once. Down executors are checked
 * every `checkIntervalMs` and rejoin once they answer with their runtimes. When none is up, the
 * down ones are still tried (the job fails with their own words, and the first that is back
 * takes it). Long-lived things (a session's preview) `stick` to the executor chosen for them.
 */
export class ExecutorPool {
  readonly executors: readonly PoolExecutor[];
  private readonly logger: JobLogger;
  private readonly sticky = new Map<string, PoolExecutor>();
  private readonly downListeners = new Set<ExecutorDownListener>();
  private readonly checking = new Map<PoolExecutor, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;

  constructor(private readonly options: ExecutorPoolOptions) {
    if (options.urls.length === 0) throw new Error('an executor pool needs at least one executor');
    this.logger = options.logger ?? silentLogger;
    this.executors = options.urls.map(
      (url, index) =>
        new PoolExecutor(
          options.names?.[index] ?? (options.urls.length === 1 ? 'executor' : `executor-${index + 1}`),
          url,
          new PistonClient({
            baseUrl: url,
            executeTimeoutMs: options.executeTimeoutMs,
            ...(options.apiKey ? { apiKey: options.apiKey } : {}),
          }),
        ),
    );
  }

  /** Starts the periodic checks (the first at once). */
  start(): void {
    if (this.timer || this.options.checkIntervalMs <= 0) return;
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.downListeners.clear();
  }

  /**
   * Runs `work` on the least loaded executor that is up, counted as in flight there until it
   * settles. An executor that nobody answered at (ExecutorUnreachableError) is marked down and
   * the work tried on the next; any other EXECUTOR_UNAVAILABLE gets its executor checked at once.
   */
  async use<T>(kind: JobKind, work: (executor: PoolExecutor) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const tried = new Set<PoolExecutor>();
    for (;;) {
      const executor = this.choose(tried);
      tried.add(executor);
      executor.inFlight++;
      executor.byKind[kind]++;
      try {
        return await work(executor);
      } catch (error) {
        if (error instanceof ExecutorUnreachableError) {
          this.markDown(executor, error.message);
          if (!signal?.aborted && tried.size < this.executors.length) {
            this.logger.warn('executor unreachable; the job goes to another one', { executor: executor.name });
            continue;
          }
        } else if (error instanceof AppError && error.code === 'EXECUTOR_UNAVAILABLE' && !signal?.aborted) {
          void this.check(executor);
        }
        throw error;
      } finally {
        executor.inFlight--;
        executor.byKind[kind]--;
      }
    }
  }

  /** The executor a job started now would go to (without counting it). */
  preferred(): PoolExecutor {
    return this.rank(this.executors)[0]!;
  }

  /**
   * The executor a long-lived thing of `key` (a session's preview) lives on: chosen now (least
   * loaded, up) and the same one on every later call while it stays up. Throws
   * EXECUTOR_UNAVAILABLE when no executor is up. Its executor going down unsticks the key and
   * tells `onDown` listeners (the thing is gone with it; the next `stick` chooses again).
   */
  stick(key: string): PoolExecutor {
    const current = this.sticky.get(key);
    if (current && current.up !== false) return current;
    const live = this.executors.filter((executor) => executor.up !== false);
    if (live.length === 0) throw new AppError('EXECUTOR_UNAVAILABLE', 'No code executor is reachable now; try again once one is back.');
    const chosen = this.rank(live)[0]!;
    this.turn++;
    this.sticky.set(key, chosen);
    chosen.pinned.add(key);
    return chosen;
  }

  /** `key` lives on the executor at `url` (chosen by another backend node): stuck there, as `stick` would. */
  pin(key: string, url: string): void {
    const executor = this.executors.find((candidate) => candidate.url === url);
    if (!executor) return;
    this.sticky.get(key)?.pinned.delete(key);
    this.sticky.set(key, executor);
    executor.pinned.add(key);
  }

  /** Where `key` is stuck, while that executor is up. */
  stuckTo(key: string): PoolExecutor | undefined {
    const executor = this.sticky.get(key);
    return executor && executor.up !== false ? executor : undefined;
  }

  /** The long-lived thing of `key` ended: it no longer counts as load. */
  unstick(key: string): void {
    this.sticky.get(key)?.pinned.delete(key);
    this.sticky.delete(key);
  }

  onDown(listener: ExecutorDownListener): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  /**
   * The runtimes every answering executor lists (by language): a job may land on any of them, so
   * only what all of them run is offered. Down executors are not asked while one is up; one
   * that lists none yet (still starting) is left out. Throws the first error when none answers.
   */
  async runtimes(): Promise<PistonRuntime[]> {
    const live = this.executors.filter((executor) => executor.up !== false);
    const asked = live.length > 0 ? live : this.executors;
    const answers = await Promise.allSettled(asked.map((executor) => executor.client.runtimes()));
    const lists = answers.flatMap((answer) => (answer.status === 'fulfilled' && answer.value.length > 0 ? [answer.value] : []));
    if (lists.length === 0) {
      const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
      if (failed) throw failed.reason;
      return [];
    }
    const [first, ...rest] = lists as [PistonRuntime[], ...PistonRuntime[][]];
    return first.filter((runtime) => rest.every((list) => list.some((other) => other.language === runtime.language)));
  }

  /** Checks every executor now (the periodic check, and /health's). */
  async checkAll(): Promise<void> {
    await Promise.all(this.executors.map((executor) => this.check(executor)));
  }

  stats(): ExecutorStats[] {
    return this.executors.map((executor) => executor.stats());
  }

  /** One check of one executor at a time; a second caller waits for the one in flight. */
  check(executor: PoolExecutor): Promise<void> {
    const running = this.checking.get(executor);
    if (running) return running;
    const done = probeExecutor(executor.url, this.options.apiKey)
      .then((probe) => {
        if (probe.ok && PistonRuntimesSchema.safeParse(probe.runtimes).success) this.markUp(executor, probe);
        else this.markDown(executor, probe.reason ?? 'it listed its runtimes in a form PairPad does not understand', probe);
      })
      .finally(() => this.checking.delete(executor));
    this.checking.set(executor, done);
    return done;
  }

  private markUp(executor: PoolExecutor, probe: ExecutorProbe): void {
    const was = executor.up;
    executor.checked(probe);
    if (was !== false) return;
    executor.forgetConnect();
    this.logger.info('executor back in the pool', { executor: executor.name, url: executor.url });
  }

  private markDown(executor: PoolExecutor, reason: string, probe?: ExecutorProbe): void {
    const was = executor.up;
    if (probe) executor.checked(probe);
    executor.up = false;
    executor.reason = reason;
    if (was === false) return;
    executor.forgetConnect();
    this.logger.warn('executor left the pool', { executor: executor.name, url: executor.url, reason });
    const keys = [...executor.pinned];
    for (const key of keys) this.sticky.delete(key);
    executor.pinned.clear();
    for (const listener of this.downListeners) listener(executor, keys);
  }

  /** Up (or not yet checked) executors not tried yet, else the down ones: least loaded first, ties in turn. */
  private choose(tried: ReadonlySet<PoolExecutor>): PoolExecutor {
    const untried = this.executors.filter((executor) => !tried.has(executor));
    const live = untried.filter((executor) => executor.up !== false);
    const chosen = this.rank(live.length > 0 ? live : untried)[0];
    if (!chosen) throw new AppError('EXECUTOR_UNAVAILABLE', 'No code executor is reachable now; runs will work again once one is back.');
    this.turn++;
    return chosen;
  }

  /** Up ones first (unless none is), then by load, ties by a turn that moves on with every choice. */
  private rank(candidates: readonly PoolExecutor[]): PoolExecutor[] {
    const count = this.executors.length;
    const order = (executor: PoolExecutor) => (this.executors.indexOf(executor) - (this.turn % count) + count) % count;
    return [...candidates].sort((a, b) => Number(a.up === false) - Number(b.up === false) || a.load - b.load || order(a) - order(b));
  }
}
