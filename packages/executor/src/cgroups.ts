import {
  closeSync,
  existsSync,
  promises as fs,
  constants as fsConstants,
  openSync,
  readFileSync,
  readSync,
  writeFile as writeFileCallback,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { ExecutorLogger } from './logger';

/**
 * Per-job control groups: memory, process count and CPU accounting for a whole process tree,
 * which rlimits cannot give (they are per process, and RLIMIT_NPROC is not enforced for root).
 * v2 and v1 both exist in the wild, so we detect at start. Each job gets a child cgroup under
 * a parent we own; the job's first process is in it before it execs bwrap (a pre-spawned
 * launcher is moved in while it waits for its orders; the fallback prelude shell writes its own
 * pid), so nothing the job starts can escape accounting.
 */

export type CgroupKind = 'v2' | 'v1' | 'rlimit';

export interface CgroupLimits {
  memoryBytes: number;
  maxProcesses: number;
  /**
   * CPU for long-lived sandboxes (previews): a relative weight against everything else on the
   * host (v2 cpu.weight, 1-10000, 100 is a normal process's; v1 cpu.shares = weight × 10.24)
   * and a ceiling in cores (cpu.max / cfs_quota_us), so one room cannot starve the others.
   */
  cpu?: CpuLimits;
}

export interface CpuLimits {
  weight: number;
  maxCores: number;
}

/** A v1 `cpu` controller cgroup of its own (v1 mounts it apart from cpuacct on some hosts). */
export interface CpuGroup {
  readonly procsFiles: readonly string[];
  set(limits: CpuLimits): Promise<void>;
  destroy(): Promise<void>;
}

const CFS_PERIOD_US = 100_000;

export interface CgroupStats {
  /** CPU time used by the whole tree, ms. */
  cpuTimeMs: number | null;
  /** Peak memory of the whole tree, bytes. */
  memoryBytes: number | null;
  /** True when the kernel's OOM killer acted inside this cgroup. */
  oomKilled: boolean;
}

export interface JobCgroup {
  /** Files the job's first process writes its pid into (`cgroup.procs`). */
  readonly procsFiles: readonly string[];
  /**
   * Moves a process (a launcher waiting for its orders) into this cgroup. The first write waits
   * for an RCU grace period (see launcher.ts), so it goes through the thread pool, never
   * blocking the event loop the way the other, instant cgroupfs accesses may.
   */
  adopt(pid: number): Promise<void>;
  /**
   * Sets the stage's limits and starts its accounting. May be called after the stage's first
   * process has joined (it waits, pre-spawned, for its job); must be called before it runs.
   */
  prepare(limits: CgroupLimits): Promise<void>;
  stats(): Promise<CgroupStats>;
  /** CPU time so far, ms (polled to enforce the CPU limit across the whole tree). */
  cpuTimeMs(): Promise<number | null>;
  /** SIGKILLs every process still in the cgroup. */
  killAll(): Promise<void>;
  /** Kills stragglers and removes the cgroup; safe to call twice. */
  destroy(): Promise<void>;
}

export interface CgroupManager {
  readonly kind: CgroupKind;
  /** Human-readable detail for health and logs (where the parent is, or why we fell back). */
  readonly detail: string;
  /** A cgroup for one stage, empty and not yet limited (see JobCgroup.prepare). */
  acquire(): Promise<JobCgroup | undefined>;
  /** Prepares `count` cgroups ahead of time where the manager pools them. */
  warm?(count: number): Promise<void>;
  /**
   * v1 with the `cpu` controller mounted apart: a cgroup of that hierarchy for one long-lived
   * sandbox (v2 and a co-mounted v1 take `CgroupLimits.cpu` in the job's own cgroup).
   */
  cpuGroup?(): Promise<CpuGroup | undefined>;
  close(): Promise<void>;
}

const V1_CONTROLLERS = ['memory', 'pids', 'cpuacct'] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];

async function writable(dir: string): Promise<boolean> {
  try {
    await fs.access(dir, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * cgroupfs and procfs files are read and written synchronously: they are tiny, live in kernel
 * memory and never wait for a disk, while a round trip through libuv's thread pool cost 0.2-0.7
 * ms per file on the response path (queued behind other jobs' disk work).
 */
async function readText(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A limit written at once (a preview's CPU shares): rare, so no kept-open file. */
function writeNow(file: string, value: string): void {
  writeFileSync(file, value);
}

async function readNumber(file: string): Promise<number | null> {
  const text = await readText(file);
  if (text === undefined) return null;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : null;
}

/**
 * A v1 counter or limit file (one value, a seq_file of one record) kept open for the slot's
 * life: read with one pread at offset 0, which restarts the seq_file and shows the value of
 * that moment, or written with one pwrite. readFileSync was 5 syscalls a time (open, fstat,
 * two reads, close) and the openat's path walk through kernfs most of their cost: 0.33 ms of
 * the main thread per job for ~11 such files (perf, 300 jobs). Never for `cgroup.procs`: a v1
 * pid list is cached per open file for a second, so a kept fd could show exited processes (or
 * miss new ones).
 */
class CounterFile {
  private fd: number | undefined;
  private static readonly buffer = Buffer.alloc(4096);

  /** `writable`: opened read-write (kernfs refuses that for a read-only file such as memory.usage_in_bytes). */
  constructor(
    readonly file: string,
    private readonly writable = false,
  ) {}

  private open(): number {
    this.fd ??= openSync(this.file, this.writable ? 'r+' : 'r');
    return this.fd;
  }

  /** The file's text, or undefined when it cannot be read (absent: memsw without swap accounting). */
  read(): string | undefined {
    try {
      const length = readSync(this.open(), CounterFile.buffer, 0, CounterFile.buffer.length, 0);
      return CounterFile.buffer.toString('latin1', 0, length);
    } catch {
      return undefined;
    }
  }

  readNumber(): number | null {
    const text = this.read();
    if (text === undefined) return null;
    const value = Number(text.trim());
    return Number.isFinite(value) ? value : null;
  }

  /** `key value` lines (memory.oom_control). */
  readKeyed(key: string): number | null {
    const line = this.read()
      ?.split('\n')
      .find((l) => l.startsWith(`${key} `));
    if (!line) return null;
    const value = Number(line.slice(key.length + 1));
    return Number.isFinite(value) ? value : null;
  }

  /** Throws as writeFileSync would (ENOENT, EINVAL for a limit the kernel refuses, ...). */
  write(value: string): void {
    writeSync(this.open(), value, 0);
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
    this.fd = undefined;
  }
}

/** Callback fs.writeFile: the same thread-pool write as fs.promises', without a FileHandle per file. */
function writeInPool(file: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => writeFileCallback(file, value, (error) => (error ? reject(error) : resolve())));
}

async function adoptInto(procsFiles: readonly string[], pid: number): Promise<void> {
  for (const file of procsFiles) await writeInPool(file, String(pid));
}

/** Reads `key value` lines (memory.events, cpu.stat, memory.oom_control). */
async function readKeyed(file: string, key: string): Promise<number | null> {
  const text = await readText(file);
  const line = text?.split('\n').find((l) => l.startsWith(`${key} `));
  if (!line) return null;
  const value = Number(line.slice(key.length + 1));
  return Number.isFinite(value) ? value : null;
}

/**
 * SIGKILLs the processes listed in `procsFile` that are not in `killed` (and adds them);
 * returns how many it signalled. A process killed already is dying: it cannot fork any more
 * (copy_process gives up on a pending fatal signal), and signalling it again only costs a
 * syscall, while it stays listed until its parent reaps it.
 */
async function killPidsIn(procsFile: string, killed = new Set<number>()): Promise<number> {
  const text = await readText(procsFile);
  let signalled = 0;
  for (const pid of (text ?? '').split('\n').filter(Boolean).map(Number)) {
    if (killed.has(pid)) continue;
    killed.add(pid);
    signalled++;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: exactly what we want.
    }
  }
  return signalled;
}

/** rmdir fails with EBUSY while killed processes are still being reaped; retry briefly. */
async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await fs.rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cgroups left by an executor that died without closing (crash, SIGKILL) are removed so they do
 * not pile up across restarts. Only empty ones: an executor in another pid namespace sharing
 * this hierarchy may look dead from here, and we never kill what we did not start.
 */
async function removeOrphans(base: string): Promise<void> {
  const names = await fs.readdir(base).catch(() => [] as string[]);
  for (const name of names) {
    const match = /^pairpad-executor-(\d+)$/.exec(name);
    if (!match || Number(match[1]) === process.pid || processAlive(Number(match[1]))) continue;
    const parent = path.join(base, name);
    const children = (await fs.readdir(parent, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory());
    const busy = async (dir: string) => ((await readText(path.join(dir, 'cgroup.procs'))) ?? 'unknown').trim() !== '';
    if (await busy(parent)) continue;
    let empty = true;
    for (const child of children) if (await busy(path.join(parent, child.name))) empty = false;
    if (!empty) continue;
    for (const child of children) await fs.rmdir(path.join(parent, child.name)).catch(() => undefined);
    await fs.rmdir(parent).catch(() => undefined);
  }
}

interface ProcCgroupLine {
  controllers: string[];
  path: string;
}

/**
 * Where discovery reads which cgroups exist and which are ours: the kernel's files, or (tests) a
 * fake hierarchy's, shaped like /sys/fs/cgroup on a v2 or a v1 host.
 */
export interface CgroupSources {
  /** `/proc/self/mountinfo`: the cgroup and cgroup2 mounts (their mount points lead to the hierarchy). */
  mountinfo: string;
  /** `/proc/self/cgroup`: this process's cgroup in each hierarchy. */
  cgroup: string;
}

const KERNEL_SOURCES: CgroupSources = { mountinfo: '/proc/self/mountinfo', cgroup: '/proc/self/cgroup' };

async function ownCgroups(sources: CgroupSources): Promise<ProcCgroupLine[]> {
  const text = (await readText(sources.cgroup)) ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, controllers = '', ...rest] = line.split(':');
      return { controllers: controllers.split(',').filter(Boolean), path: rest.join(':') };
    });
}

interface Mount {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

async function cgroupMounts(sources: CgroupSources): Promise<Mount[]> {
  const text = (await readText(sources.mountinfo)) ?? '';
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fsType = '', , superOpts = ''] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const mountPoint = left.split(' ')[4];
    if (mountPoint) mounts.push({ mountPoint, fsType, superOptions: superOpts.split(',') });
  }
  return mounts;
}

// ---------------------------------------------------------------- v2

class V2Job implements JobCgroup {
  constructor(private readonly dir: string) {}
  async prepare(limits: CgroupLimits) {
    await fs.writeFile(path.join(this.dir, 'memory.max'), String(limits.memoryBytes));
    await fs.writeFile(path.join(this.dir, 'memory.swap.max'), '0').catch(() => undefined);
    await fs.writeFile(path.join(this.dir, 'pids.max'), String(limits.maxProcesses));
    if (limits.cpu) {
      await fs.writeFile(path.join(this.dir, 'cpu.weight'), String(Math.max(1, Math.min(10_000, Math.round(limits.cpu.weight)))));
      await fs.writeFile(path.join(this.dir, 'cpu.max'), `${Math.round(limits.cpu.maxCores * CFS_PERIOD_US)} ${CFS_PERIOD_US}`);
    }
  }
  get procsFiles() {
    return [path.join(this.dir, 'cgroup.procs')];
  }
  adopt(pid: number) {
    return adoptInto(this.procsFiles, pid);
  }
  async cpuTimeMs() {
    const usec = await readKeyed(path.join(this.dir, 'cpu.stat'), 'usage_usec');
    return usec === null ? null : Math.round(usec / 1000);
  }
  async stats(): Promise<CgroupStats> {
    const [cpuTimeMs, peak, current, oom] = await Promise.all([
      this.cpuTimeMs(),
      readNumber(path.join(this.dir, 'memory.peak')),
      readNumber(path.join(this.dir, 'memory.current')),
      readKeyed(path.join(this.dir, 'memory.events'), 'oom_kill'),
    ]);
    return { cpuTimeMs, memoryBytes: peak ?? current, oomKilled: (oom ?? 0) > 0 };
  }
  async killAll() {
    try {
      await fs.writeFile(path.join(this.dir, 'cgroup.kill'), '1');
    } catch {
      // cgroup.kill needs Linux 5.14; kill one by one otherwise.
      await killPidsIn(path.join(this.dir, 'cgroup.procs'));
    }
  }
  async destroy() {
    await this.killAll().catch(() => undefined);
    await removeDir(this.dir);
  }
}

class V2Manager implements CgroupManager {
  readonly kind = 'v2' as const;
  private seq = 0;
  constructor(
    private readonly parent: string,
    readonly detail: string,
  ) {}
  /** A fresh cgroup per stage (v2's memory.peak cannot be restarted before Linux 6.12). */
  async acquire() {
    const dir = path.join(this.parent, `job-${++this.seq}`);
    await fs.mkdir(dir);
    return new V2Job(dir);
  }
  async close() {
    await removeDir(this.parent).catch(() => undefined);
  }
}

/** Turns on controllers for the children of `dir` (memory, pids, and cpu when available). */
async function enableControllers(dir: string): Promise<void> {
  const available = ((await readText(path.join(dir, 'cgroup.controllers'))) ?? '').trim().split(/\s+/);
  const wanted = ['memory', 'pids', 'cpu'].filter((c) => available.includes(c));
  await fs.writeFile(path.join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
}

async function detectV2(logger: ExecutorLogger, sources: CgroupSources): Promise<CgroupManager | string> {
  const mount = (await cgroupMounts(sources)).find((m) => m.fsType === 'cgroup2');
  if (!mount) return 'no cgroup2 mount';
  const own = (await ownCgroups(sources)).find((line) => line.controllers.length === 0);
  if (!own) return 'no cgroup2 entry in /proc/self/cgroup';
  const ownDir = path.join(mount.mountPoint, own.path);
  const controllers = ((await readText(path.join(ownDir, 'cgroup.controllers'))) ?? '').trim().split(/\s+/);
  if (!controllers.includes('memory') || !controllers.includes('pids')) {
    return `cgroup2 at ${ownDir} lacks the memory or pids controller (has: ${controllers.join(' ') || 'none'})`;
  }
  if (!(await writable(ownDir))) return `cgroup2 at ${ownDir} is not writable`;

  // The v2 "no internal processes" rule: controllers can be enabled for children only when
  // the cgroup itself holds no processes (the root is exempt). If ours holds processes, we
  // move them into a leaf first, which is what a delegated service is expected to do.
  if (own.path !== '/') {
    try {
      await enableControllers(ownDir);
    } catch {
      const leaf = path.join(ownDir, 'pairpad-server');
      await fs.mkdir(leaf).catch(() => undefined);
      const pids = ((await readText(path.join(ownDir, 'cgroup.procs'))) ?? '').split('\n').filter(Boolean);
      for (const pid of pids) await fs.writeFile(path.join(leaf, 'cgroup.procs'), pid).catch(() => undefined);
      try {
        await enableControllers(ownDir);
        logger.info('moved the server into a leaf cgroup to delegate controllers', { leaf });
      } catch (error) {
        return `cannot enable controllers in ${ownDir}: ${(error as Error).message}`;
      }
    }
  }
  await removeOrphans(ownDir);
  const parent = path.join(ownDir, `pairpad-executor-${process.pid}`);
  try {
    await fs.mkdir(parent, { recursive: true });
    await enableControllers(parent);
  } catch (error) {
    await removeDir(parent).catch(() => undefined);
    return `cannot create ${parent}: ${(error as Error).message}`;
  }
  return new V2Manager(parent, parent);
}

// ---------------------------------------------------------------- v1

/**
 * One reusable v1 slot: a cgroup in each controller, created once and lent to one stage at a
 * time. Creating and removing three cgroups per stage cost about 7 ms of kernel time on the
 * response path and, worse, held cgroup_mutex while the next job tried to join its own
 * (mkdir+rmdir alone: 3.5 ms per controller, `perf stat -r 30`). A slot is handed out only
 * when it holds no process; counters that cannot be reset are read as deltas from the moment
 * the stage got the slot.
 */
class V1Slot {
  private cpuBaseNs = 0;
  private usageBase = 0;
  private oomBase = 0;
  /** A new cgroup starts unlimited. */
  private memoryLimit = Number.POSITIVE_INFINITY;
  private pidsLimit = -1;
  private readonly files: Record<'usage' | 'memoryUsage' | 'memoryPeak' | 'oom' | 'memoryLimit' | 'memswLimit' | 'pidsMax', CounterFile>;
  private cpuLimited = false;

  constructor(readonly dirs: Record<V1Controller, string>) {
    const memory = (name: string, writable = false) => new CounterFile(path.join(dirs.memory, name), writable);
    this.files = {
      usage: new CounterFile(path.join(dirs.cpuacct, 'cpuacct.usage')),
      memoryUsage: memory('memory.usage_in_bytes'),
      memoryPeak: memory('memory.max_usage_in_bytes', true),
      oom: memory('memory.oom_control'),
      memoryLimit: memory('memory.limit_in_bytes', true),
      memswLimit: memory('memory.memsw.limit_in_bytes', true),
      pidsMax: new CounterFile(path.join(dirs.pids, 'pids.max'), true),
    };
  }

  get procsFiles() {
    return V1_CONTROLLERS.map((c) => path.join(this.dirs[c], 'cgroup.procs'));
  }

  /** Sets the stage's limits and zeroes what the stage will be measured by. */
  async prepare(limits: CgroupLimits): Promise<void> {
    if (limits.memoryBytes !== this.memoryLimit) {
      const files = [this.files.memoryLimit, this.files.memswLimit];
      // memory + swap must never be below memory: raise it first, lower it last.
      if (limits.memoryBytes > this.memoryLimit) files.reverse();
      for (const file of files) {
        try {
          file.write(String(limits.memoryBytes));
        } catch (error) {
          // memsw is absent without swap accounting; the memory limit itself must work.
          if (file === this.files.memoryLimit || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      this.memoryLimit = limits.memoryBytes;
    }
    if (limits.maxProcesses !== this.pidsLimit) {
      this.files.pidsMax.write(String(limits.maxProcesses));
      this.pidsLimit = limits.maxProcesses;
    }
    // cpu co-mounted with cpuacct (cpu,cpuacct): the shares live in the slot's own cgroup; a
    // slot a preview used goes back to the defaults before the next stage.
    const shares = path.join(this.dirs.cpuacct, 'cpu.shares');
    if (limits.cpu || this.cpuLimited) {
      if (existsSync(shares)) {
        writeNow(shares, String(limits.cpu ? Math.max(2, Math.round(limits.cpu.weight * 10.24)) : 1024));
        writeNow(
          path.join(this.dirs.cpuacct, 'cpu.cfs_quota_us'),
          String(limits.cpu ? Math.round(limits.cpu.maxCores * CFS_PERIOD_US) : -1),
        );
      }
      this.cpuLimited = Boolean(limits.cpu);
    }
    // The high-water mark restarts from the current usage (page cache a previous stage left).
    this.files.memoryPeak.write('0');
    this.cpuBaseNs = this.files.usage.readNumber() ?? 0;
    this.usageBase = this.files.memoryUsage.readNumber() ?? 0;
    this.oomBase = this.files.oom.readKeyed('oom_kill') ?? 0;
  }

  async cpuTimeMs() {
    const ns = this.files.usage.readNumber();
    return ns === null ? null : Math.round(Math.max(0, ns - this.cpuBaseNs) / 1e6);
  }

  async stats(): Promise<CgroupStats> {
    const cpuTimeMs = await this.cpuTimeMs();
    const peak = this.files.memoryPeak.readNumber();
    const oom = this.files.oom.readKeyed('oom_kill');
    // What the stage added on top of what the slot held when it started (a fresh cgroup
    // starts from zero; ours may still hold clean page cache, which the limit reclaims first).
    const memoryBytes = peak === null ? null : Math.max(0, peak - this.usageBase);
    return { cpuTimeMs, memoryBytes, oomKilled: (oom ?? 0) > this.oomBase };
  }

  /** Closes the kept counter files (before the slot's directories are removed). */
  closeFiles(): void {
    for (const file of Object.values(this.files)) file.close();
  }

  async killAll() {
    // Several rounds: a fork bomb may add processes between reading the list and killing;
    // the pids limit keeps that finite. A round that finds nobody new ends it: those listed
    // are dying (20 rounds of reading and re-killing an exiting bwrap were 14 cgroupfs opens
    // and 12 kill(2)s a job; release() waits for them to be gone).
    const killed = new Set<number>();
    for (let round = 0; round < 20; round++) {
      if ((await killPidsIn(path.join(this.dirs.pids, 'cgroup.procs'), killed)) === 0) return;
    }
  }

  /** True when no controller's cgroup holds a process any more. */
  async isEmpty(): Promise<boolean> {
    for (const c of V1_CONTROLLERS) {
      const text = await readText(path.join(this.dirs[c], 'cgroup.procs'));
      if (text === undefined || text.trim() !== '') return false;
    }
    return true;
  }

  async remove() {
    await this.killAll().catch(() => undefined);
    this.closeFiles();
    for (const c of V1_CONTROLLERS) await removeDir(this.dirs[c]);
  }
}

class V1Manager implements CgroupManager {
  readonly kind = 'v1' as const;
  private seq = 0;
  private readonly idle: V1Slot[] = [];
  private readonly all = new Set<V1Slot>();
  private cpuSeq = 0;
  constructor(
    private readonly parents: Record<V1Controller, string>,
    readonly detail: string,
    /** The `cpu` hierarchy's parent when it is mounted apart from cpuacct. */
    private readonly cpuParent?: string,
  ) {}

  async cpuGroup(): Promise<CpuGroup | undefined> {
    if (!this.cpuParent) return undefined;
    const dir = path.join(this.cpuParent, `cpu-${++this.cpuSeq}`);
    await fs.mkdir(dir);
    return {
      procsFiles: [path.join(dir, 'cgroup.procs')],
      set: async (limits) => {
        writeNow(path.join(dir, 'cpu.shares'), String(Math.max(2, Math.round(limits.weight * 10.24))));
        writeNow(path.join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
        writeNow(path.join(dir, 'cpu.cfs_quota_us'), String(Math.round(limits.maxCores * CFS_PERIOD_US)));
      },
      destroy: async () => {
        await killPidsIn(path.join(dir, 'cgroup.procs'));
        await removeDir(dir);
      },
    };
  }

  private async newSlot(): Promise<V1Slot> {
    const name = `slot-${++this.seq}`;
    const dirs = {} as Record<V1Controller, string>;
    for (const c of V1_CONTROLLERS) dirs[c] = path.join(this.parents[c], name);
    const slot = new V1Slot(dirs);
    try {
      await Promise.all(V1_CONTROLLERS.map((c) => fs.mkdir(dirs[c])));
    } catch (error) {
      await slot.remove().catch(() => undefined);
      throw error;
    }
    this.all.add(slot);
    return slot;
  }

  /** Creates `count` idle slots ahead of time, so the first jobs don't pay for mkdir either. */
  async warm(count: number): Promise<void> {
    const slots = await Promise.all(Array.from({ length: Math.max(0, count - this.idle.length) }, () => this.newSlot()));
    this.idle.push(...slots);
  }

  async acquire(): Promise<JobCgroup> {
    const slot = this.idle.pop() ?? (await this.newSlot());
    let released = false;
    const lease: JobCgroup = {
      procsFiles: slot.procsFiles,
      adopt: (pid) => adoptInto(slot.procsFiles, pid),
      prepare: async (limits) => {
        try {
          await slot.prepare(limits);
        } catch (error) {
          // e.g. a memory limit below what the slot holds that could not be reclaimed at once.
          released = true;
          await slot.killAll().catch(() => undefined);
          this.discard(slot);
          throw error;
        }
      },
      stats: () => slot.stats(),
      cpuTimeMs: () => slot.cpuTimeMs(),
      killAll: () => slot.killAll(),
      destroy: async () => {
        if (released) return;
        released = true;
        await this.release(slot);
      },
    };
    return lease;
  }

  /** Back to the idle list once provably empty; a slot that will not empty is thrown away. */
  private async release(slot: V1Slot): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      await slot.killAll().catch(() => undefined);
      if (await slot.isEmpty()) {
        this.idle.push(slot);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.discard(slot);
    throw new Error(`cgroup slot ${slot.dirs.pids} still holds processes; discarded`);
  }

  private discard(slot: V1Slot): void {
    this.all.delete(slot);
    const index = this.idle.indexOf(slot);
    if (index >= 0) this.idle.splice(index, 1);
    void slot.remove().catch(() => undefined);
  }

  async close() {
    this.idle.length = 0;
    for (const slot of this.all) await slot.remove().catch(() => undefined);
    this.all.clear();
    for (const c of V1_CONTROLLERS) await removeDir(this.parents[c]).catch(() => undefined);
    if (this.cpuParent) await removeDir(this.cpuParent).catch(() => undefined);
  }
}

async function detectV1(sources: CgroupSources): Promise<CgroupManager | string> {
  const mounts = (await cgroupMounts(sources)).filter((m) => m.fsType === 'cgroup');
  const own = await ownCgroups(sources);
  const parents = {} as Record<V1Controller, string>;
  for (const c of V1_CONTROLLERS) {
    const mount = mounts.find((m) => m.superOptions.includes(c));
    if (!mount) return `no cgroup v1 ${c} hierarchy`;
    const ownPath = own.find((line) => line.controllers.includes(c))?.path ?? '/';
    let base = path.join(mount.mountPoint, ownPath);
    if (!(await writable(base))) base = mount.mountPoint;
    await removeOrphans(base);
    const parent = path.join(base, `pairpad-executor-${process.pid}`);
    try {
      await fs.mkdir(parent, { recursive: true });
    } catch (error) {
      return `cannot create ${parent}: ${(error as Error).message}`;
    }
    if (c === 'memory') {
      // Children must count toward the parent (the default on modern kernels, but say so).
      await fs.writeFile(path.join(parent, 'memory.use_hierarchy'), '1').catch(() => undefined);
    }
    parents[c] = parent;
  }
  // Previews' CPU shares: a `cpu` hierarchy of its own (not the cpu,cpuacct one the slots are in).
  let cpuParent: string | undefined;
  const cpuMount = mounts.find((m) => m.superOptions.includes('cpu') && !m.superOptions.includes('cpuacct'));
  if (cpuMount) {
    const ownPath = own.find((line) => line.controllers.includes('cpu'))?.path ?? '/';
    let base = path.join(cpuMount.mountPoint, ownPath);
    if (!(await writable(base))) base = cpuMount.mountPoint;
    await removeOrphans(base);
    const parent = path.join(base, `pairpad-executor-${process.pid}`);
    cpuParent = await fs.mkdir(parent, { recursive: true }).then(
      () => parent,
      () => undefined,
    );
  }
  return new V1Manager(parents, V1_CONTROLLERS.map((c) => parents[c]).join(', '), cpuParent);
}

class RlimitOnly implements CgroupManager {
  readonly kind = 'rlimit' as const;
  constructor(readonly detail: string) {}
  async acquire() {
    return undefined;
  }
  async close() {}
}

/**
 * Picks v2, then v1, then rlimits only. `preference` forces one (EXECUTOR_CGROUP); a forced
 * kind that does not work falls back to rlimits with the reason in `detail`.
 */
export async function detectCgroups(
  preference: 'auto' | CgroupKind,
  logger: ExecutorLogger,
  sources: CgroupSources = KERNEL_SOURCES,
): Promise<CgroupManager> {
  if (preference === 'rlimit') return new RlimitOnly('cgroups disabled by EXECUTOR_CGROUP=rlimit');
  const reasons: string[] = [];
  if (preference === 'auto' || preference === 'v2') {
    const v2 = await detectV2(logger, sources);
    if (typeof v2 !== 'string') return v2;
    reasons.push(`v2: ${v2}`);
  }
  if (preference === 'auto' || preference === 'v1') {
    const v1 = await detectV1(sources);
    if (typeof v1 !== 'string') return v1;
    reasons.push(`v1: ${v1}`);
  }
  return new RlimitOnly(`no writable cgroups (${reasons.join('; ')}); using rlimits`);
}
