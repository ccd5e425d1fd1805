import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { close as closeCallback, open as openCallback, promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BOX, CARRY_OUT, bwrapArgs, systemLayout, type BoxEntry, type SystemLayout } from './bwrap-args';
import { EtcSnapshot } from './etc-snapshot';
import {
  DATA_CHANNELS,
  DATA_FD_BASE,
  FAMILY_SIZE,
  LAUNCHER_FD_BASE,
  LauncherPool,
  STATUS_FD,
  compiledFamily,
  encodeOrders,
} from './launcher';
import type { CgroupManager, CpuLimits, JobCgroup } from './cgroups';
import type { ExecutorConfig, StageLimits } from './config';
import type { ExecutorLogger } from './logger';
import { superviseStage, type StageProcess, type StageStreams } from './stage-supervisor';
import { diagnoseUserNamespaces } from './userns-diagnosis';
import { toStageResult, type StageOutcome, type StageResult } from './stage-result';

const execFileAsync = promisify(execFile);
const openAsync = promisify(openCallback);

/** A host path the sandbox sees read-only at `target` (a toolchain outside /usr, say). */
export interface ExtraBind {
  source: string;
  target: string;
}

export interface StageSpec {
  jobId: string;
  /** argv inside the sandbox, run with the box as working directory. */
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Host directory whose tree becomes the box's initial content (with boxFiles, if any). */
  boxSource?: string;
  /**
   * Files sent into the box straight from memory, at most `Sandbox.memoryFileSlots` of them
   * (box-relative names, already validated).
   */
  boxFiles?: readonly MemoryFile[];
  /** Host directory the box is copied to when the stage succeeds (a compile stage's artifacts). */
  carryOut?: string;
  binds?: readonly ExtraBind[];
  /** Host directories bound at `target` after the box (a preview's bridge folder, read-only). */
  lateBinds?: readonly (ExtraBind & { readOnly?: boolean })[];
  stdin: string;
  limits: StageLimits;
  signal?: AbortSignal;
  /** An interactive stage (connect): stdin stays open, output streams as it comes. */
  streams?: StageStreams;
}

export interface ServiceSpec {
  jobId: string;
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  boxSource: string;
  binds?: readonly ExtraBind[];
  lateBinds?: readonly (ExtraBind & { readOnly?: boolean })[];
  limits: Pick<StageLimits, 'memoryLimit' | 'maxProcessCount' | 'maxOpenFiles' | 'maxFileSize'>;
  cpu: CpuLimits;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** The service's cgroup (memory, pids, CPU accounting), when cgroups are in use. */
  cgroup: JobCgroup | undefined;
  /** Kills the whole sandbox and frees its cgroups; resolves once it is gone (idempotent). */
  stop(): Promise<void>;
}

export interface MemoryFile {
  name: string;
  content: Buffer;
}

export interface SandboxStatus {
  ok: boolean;
  kind: 'bwrap' | 'none';
  cgroup: CgroupManager['kind'];
  cgroupDetail: string;
  /** Why code cannot run, when !ok. */
  reason?: string;
  bwrap?: string;
  /** Host uid jobs run as. */
  uid: number;
}

const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: BOX, TMPDIR: '/tmp', LANG: 'C.UTF-8' };
const MAX_BOX_ENTRIES = 4096;

async function findExecutable(candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Lists a host directory as box entries. Files become `--file FD` copies: `files[i]` is the host
 * path the stage's launcher opens as fd `fdBase + i` for bwrap to copy into the box.
 */
async function collectEntries(root: string, fdBase: number): Promise<{ entries: BoxEntry[]; files: string[] }> {
  const entries: BoxEntry[] = [];
  const files: string[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const dirent of await fs.readdir(dir, { withFileTypes: true })) {
      if (entries.length >= MAX_BOX_ENTRIES) throw new Error(`more than ${MAX_BOX_ENTRIES} files in the box`);
      const rel = relative ? `${relative}/${dirent.name}` : dirent.name;
      const full = path.join(dir, dirent.name);
      if (rel === '.tmp') continue;
      if (dirent.isDirectory()) {
        entries.push({ relative: rel, kind: 'dir', fdOrTarget: 0, mode: 0o755 });
        await walk(full, rel);
      } else if (dirent.isSymbolicLink()) {
        entries.push({ relative: rel, kind: 'symlink', fdOrTarget: await fs.readlink(full), mode: 0o777 });
      } else if (dirent.isFile()) {
        const stat = await fs.stat(full);
        entries.push({ relative: rel, kind: 'file', fdOrTarget: fdBase + files.length, mode: stat.mode & 0o777 || 0o644 });
        files.push(full);
      }
    }
  };
  await walk(root, '');
  return { entries, files };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs stages in bubblewrap (or, on purpose only, unsandboxed). One instance per executor;
 * it owns the system layout, the privilege-drop tool and the cgroup manager.
 */
export class Sandbox {
  private constructor(
    private readonly config: ExecutorConfig,
    private readonly cgroups: CgroupManager,
    private readonly logger: ExecutorLogger,
    private readonly layout: SystemLayout | undefined,
    private readonly bwrapPath: string | undefined,
    private readonly dropTool: string | undefined,
    private readonly unshareTool: string | undefined,
    private readonly disableUserns: boolean,
    private status_: SandboxStatus,
    private readonly etc?: EtcSnapshot,
    private readonly launchers?: LauncherPool,
    private readonly bashPath?: string,
  ) {}

  get status(): SandboxStatus {
    return this.status_;
  }

  /** How many files a stage can take from memory (StageSpec.boxFiles); 0: stage them on disk. */
  get memoryFileSlots(): number {
    return this.launchers && this.config.sandbox !== 'none' ? DATA_CHANNELS : 0;
  }

  /** Host uid of jobs: the configured one when we are root, else our own. */
  get jobUid(): number {
    return this.dropTool ? this.config.sandboxUid : (process.getuid?.() ?? 0);
  }

  static async create(config: ExecutorConfig, cgroups: CgroupManager, logger: ExecutorLogger): Promise<Sandbox> {
    await fs.mkdir(config.workDir, { recursive: true, mode: 0o711 });
    await fs.chmod(config.workDir, 0o711);
    const isRoot = process.getuid?.() === 0;
    const base = { cgroup: cgroups.kind, cgroupDetail: cgroups.detail, uid: isRoot ? config.sandboxUid : (process.getuid?.() ?? 0) };
    if (config.sandbox === 'none') {
      return new Sandbox(config, cgroups, logger, undefined, undefined, undefined, undefined, false, {
        ...base,
        ok: true,
        kind: 'none',
        uid: process.getuid?.() ?? 0,
      });
    }
    const unavailable = (reason: string) =>
      new Sandbox(config, cgroups, logger, undefined, undefined, undefined, undefined, false, {
        ...base,
        ok: false,
        kind: 'bwrap',
        reason,
      });

    const bwrapPath = config.bwrapPath ?? (await findExecutable(['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap']));
    if (!bwrapPath)
      return unavailable(
        'bubblewrap (bwrap) is not installed; install the "bubblewrap" package or set EXECUTOR_SANDBOX=none for local development',
      );
    let dropTool: string | undefined;
    let unshareTool: string | undefined;
    if (isRoot) {
      // As root, bwrap's user namespace would map the sandbox user onto host root; drop to an
      // unprivileged host uid first so a job is "nobody" both inside and outside.
      dropTool = await findExecutable(['/usr/bin/setpriv', '/bin/setpriv']);
      if (!dropTool) return unavailable('running as root needs setpriv (util-linux) to drop to an unprivileged uid');
      unshareTool = await findExecutable(['/usr/bin/unshare', '/bin/unshare']);
    }
    let help = '';
    try {
      const result = await execFileAsync(bwrapPath, ['--help'], { timeout: 5000 });
      help = result.stdout;
    } catch (error) {
      return unavailable(`${bwrapPath} --help failed: ${(error as Error).message}`);
    }
    const uid = isRoot ? config.sandboxUid : (process.getuid?.() ?? 65534);
    const gid = isRoot ? config.sandboxGid : (process.getgid?.() ?? 65534);
    let etc: EtcSnapshot;
    try {
      etc = await EtcSnapshot.create({
        workDir: config.workDir,
        passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:${uid}:${gid}:sandbox:${BOX}:/bin/sh\n`,
        group: `root:x:0:\nsandbox:x:${gid}:\n`,
        retireAfterMs: 2 * longestStageMs(config) + 60_000,
        logger,
      });
    } catch (error) {
      return unavailable(`cannot prepare the sandbox's /etc in ${config.workDir}: ${(error as Error).message}`);
    }
    const layout = await systemLayout();
    // Stage launchers need bash (mapfile -d, fds past 9); without it each stage starts its own
    // /bin/sh prelude, as it always did, and pays for the cgroup join on its own time.
    const bash = await findExecutable(['/bin/bash', '/usr/bin/bash']);
    const launchers = bash
      ? new LauncherPool(
          bash,
          cgroups,
          config.maxConcurrentJobs + 1,
          logger,
          isRoot ? { uid: config.sandboxUid, gid: config.sandboxGid } : undefined,
          FAMILY_SIZE,
          compiledFamily(),
        )
      : undefined;
    const sandbox = new Sandbox(
      config,
      cgroups,
      logger,
      layout,
      bwrapPath,
      dropTool,
      unshareTool,
      help.includes('--disable-userns'),
      { ...base, ok: true, kind: 'bwrap', bwrap: bwrapPath },
      etc,
      launchers,
      bash,
    );
    launchers?.warm();
    const reason = await sandbox.selfCheck();
    if (reason) sandbox.status_ = { ...sandbox.status_, ok: false, reason };
    return sandbox;
  }

  /** Runs a trivial program through the whole pipeline; returns why it failed, if it did. */
  private async selfCheck(): Promise<string | undefined> {
    const dir = await fs.mkdtemp(path.join(this.config.workDir, 'check-'));
    try {
      // Box files are opened by the stage's launcher, which runs as the sandbox uid (as job
      // directories are, 0711 with 0644 files).
      await fs.chmod(dir, 0o711);
      await fs.writeFile(path.join(dir, 'check.sh'), 'echo sandbox-ok; id -u\n');
      const result = await this.runStage({
        jobId: 'selfcheck',
        argv: ['/bin/sh', 'check.sh'],
        boxSource: dir,
        stdin: '',
        limits: {
          timeout: 10_000,
          cpuTime: 5_000,
          memoryLimit: 64 * 1024 * 1024,
          maxProcessCount: 16,
          maxOpenFiles: 64,
          maxFileSize: 1_000_000,
          outputMaxSize: 4096,
        },
      });
      if (result.stdout.startsWith('sandbox-ok')) return undefined;
      const failure = `${(result.message ?? '') + ' ' + result.stderr.trim()}`.trim();
      const cause = diagnoseUserNamespaces();
      return cause
        ? `bubblewrap cannot create its namespaces: ${cause} (bwrap said: ${failure})`
        : `bubblewrap does not work here: ${failure}`;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs one stage and always cleans up its cgroup and fds. */
  async runStage(spec: StageSpec): Promise<StageResult> {
    if (!this.status_.ok && spec.jobId !== 'selfcheck') {
      return toStageResult(this.internalError(spec, `sandbox unavailable: ${this.status_.reason ?? 'unknown'}`));
    }
    const fds: number[] = [];
    let cgroup: JobCgroup | undefined;
    let child: StageProcess | undefined;
    let supervised = false;
    try {
      let outcome: Promise<StageOutcome>;
      if (this.launchers && this.config.sandbox !== 'none') {
        const launch = await this.bwrapLaunch(spec, LAUNCHER_FD_BASE);
        // Privileged binds (a toolchain behind /root's 0700) need root for their private mount
        // namespace: such a stage gets a fresh launcher that starts as root and drops to the
        // sandbox uid with setpriv after the mounts. Pooled launchers already run as the
        // sandbox uid (see launcher.ts), so they exec bwrap directly.
        const launcher = await this.launchers.take({ asRoot: launch.privilegedBinds.length > 0 });
        // A family member's exit code reaches us only through bwrap's JSON status (launcher.ts).
        const status = launcher.reportsStatus ? ['--json-status-fd', String(STATUS_FD)] : [];
        const bwrap = [...status, ...launch.argv];
        const argv = launcher.asSandboxUser ? [this.bwrapPath ?? 'bwrap', ...bwrap] : this.execArgv(bwrap, launch.privilegedBinds);
        child = launcher.child;
        cgroup = launcher.cgroup;
        // Without cgroups the launcher sets the per-process limits too.
        const orders = encodeOrders({
          files: launch.files,
          dataChannels: spec.boxFiles?.length ?? 0,
          ...this.rlimits(spec.limits, !cgroup),
          argv,
        });
        // Limits first: the launcher execs as soon as it has its orders.
        await cgroup?.prepare({ memoryBytes: spec.limits.memoryLimit, maxProcesses: spec.limits.maxProcessCount });
        outcome = this.supervise(child, spec, cgroup);
        supervised = true;
        launcher.start(
          orders,
          (spec.boxFiles ?? []).map((file) => file.content),
        );
      } else {
        if (spec.boxFiles?.length) throw new Error('files from memory need a stage launcher');
        cgroup = await this.cgroups.acquire();
        await cgroup?.prepare({ memoryBytes: spec.limits.memoryLimit, maxProcesses: spec.limits.maxProcessCount });
        const launch = this.config.sandbox === 'none' ? await this.plainLaunch(spec) : await this.bwrapLaunch(spec, 3);
        for (const file of launch.files) fds.push(await openAsync(file, 'r'));
        const prelude = this.prelude(spec.limits, cgroup);
        const argv = this.config.sandbox === 'none' ? launch.argv : this.execArgv(launch.argv, launch.privilegedBinds);
        child = spawn('/bin/sh', ['-c', prelude, 'pairpad-sandbox', ...argv], {
          cwd: launch.cwd,
          env: { PATH: '/usr/bin:/bin', ...(launch.env ?? {}) },
          stdio: ['pipe', 'pipe', 'pipe', ...fds],
          detached: this.config.sandbox === 'none',
        });
        // The child holds its own copies now.
        await Promise.all(fds.splice(0).map((fd) => closeFd(fd)));
        outcome = this.supervise(child, spec, cgroup);
        supervised = true;
      }
      const result = await outcome;
      if (result.exitCode === 125 && result.stderr.startsWith('pairpad-sandbox:')) {
        result.internalError = result.stderr.trim();
      } else {
        this.launchers?.succeeded();
      }
      return toStageResult(result);
    } catch (error) {
      if (child && !supervised) child.kill('SIGKILL');
      this.logger.error('stage failed to run', { jobId: spec.jobId, error: (error as Error).message });
      return toStageResult(this.internalError(spec, `internal error: ${(error as Error).message}`));
    } finally {
      await Promise.all(fds.map((fd) => closeFd(fd)));
      // The result is already measured; giving the cgroup back (kill stragglers, check it is
      // empty) happens off the response path (close() waits for it).
      if (cgroup) this.track(cgroup.destroy().catch((error: Error) => this.logger.warn('cgroup cleanup failed', { error: error.message })));
    }
  }

  /**
   * Starts a long-lived sandbox (a preview's dev server): the same bwrap isolation, cgroup
   * limits and uid as a stage, plus CPU shares, but no wall clock, no output cap and no
   * supervisor: the caller owns the process (its stdio are pipes) and must call `stop()`.
   */
  async startService(spec: ServiceSpec): Promise<ServiceProcess> {
    if (!this.status_.ok) throw new Error(`sandbox unavailable: ${this.status_.reason ?? 'unknown'}`);
    if (this.config.sandbox === 'none') throw new Error('a preview needs the bwrap sandbox (EXECUTOR_SANDBOX=bwrap)');
    const limits: StageLimits = {
      ...spec.limits,
      // RLIMIT_CPU is per process; the cgroup's CPU shares and ceiling are what bound a service.
      timeout: Number.MAX_SAFE_INTEGER,
      cpuTime: 7 * 24 * 3_600_000,
      outputMaxSize: 0,
    };
    const cgroup = await this.cgroups.acquire();
    const cpu = await this.cgroups.cpuGroup?.().catch(() => undefined);
    const fds: number[] = [];
    try {
      await cgroup?.prepare({ memoryBytes: limits.memoryLimit, maxProcesses: limits.maxProcessCount, cpu: spec.cpu });
      await cpu?.set(spec.cpu);
      const launch = await this.bwrapLaunch({ ...spec, stdin: '', limits }, 3);
      for (const file of launch.files) fds.push(await openAsync(file, 'r'));
      const prelude = this.prelude(limits, cgroup, cpu?.procsFiles);
      const child = spawn('/bin/sh', ['-c', prelude, 'pairpad-sandbox', ...this.execArgv(launch.argv, launch.privilegedBinds)], {
        cwd: launch.cwd,
        env: { PATH: '/usr/bin:/bin' },
        stdio: ['pipe', 'pipe', 'pipe', ...fds],
      });
      await Promise.all(fds.splice(0).map((fd) => closeFd(fd)));
      let stopped: Promise<void> | undefined;
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      const stop = () =>
        (stopped ??= (async () => {
          child.kill('SIGKILL');
          await cgroup?.killAll().catch(() => undefined);
          await exited;
          await cgroup?.destroy().catch((error: Error) => this.logger.warn('cgroup cleanup failed', { error: error.message }));
          await cpu?.destroy().catch(() => undefined);
        })());
      return { child, cgroup, stop };
    } catch (error) {
      await Promise.all(fds.map((fd) => closeFd(fd)));
      await cgroup?.destroy().catch(() => undefined);
      await cpu?.destroy().catch(() => undefined);
      throw error;
    }
  }

  private supervise(child: StageProcess, spec: StageSpec, cgroup: JobCgroup | undefined): Promise<StageOutcome> {
    return superviseStage(child, {
      stdin: spec.stdin,
      limits: spec.limits,
      cgroup,
      signal: spec.signal,
      // bwrap reports a signal death as exit status 128+N; unsandboxed we see the signal itself.
      exitCodeEncodesSignal: this.config.sandbox !== 'none',
      killGroup: this.config.sandbox === 'none',
      ...(spec.streams ? { streams: spec.streams } : {}),
    });
  }

  /** The rlimits every stage gets; `perProcess` adds the ones cgroups would otherwise cover. */
  private rlimits(limits: StageLimits, perProcess: boolean) {
    return {
      fileSizeBlocks: Math.max(1, Math.ceil(limits.maxFileSize / 512)),
      openFiles: limits.maxOpenFiles,
      // RLIMIT_CPU is per process and in whole seconds: a backstop behind the cgroup's total.
      cpuSeconds: Math.ceil(limits.cpuTime / 1000) + 1,
      // RLIMIT_DATA bounds heap growth without breaking address-space reservations the way
      // RLIMIT_AS would (never RLIMIT_AS: it breaks the JVM, Go and V8).
      ...(perProcess ? { dataKiB: Math.ceil(Math.max(limits.memoryLimit, limits.dataFloor ?? 0) / 1024) } : {}),
    };
  }

  private readonly cleanups = new Set<Promise<unknown>>();

  /** Runs a cleanup in the background, remembered so that drain() can wait for it. */
  track(cleanup: Promise<unknown>): void {
    this.cleanups.add(cleanup);
    void cleanup.finally(() => this.cleanups.delete(cleanup));
  }

  /** Waits for every background cleanup (cgroups, job directories). */
  async drain(): Promise<void> {
    while (this.cleanups.size > 0) await Promise.allSettled([...this.cleanups]);
  }

  /** Sends idle launchers away, drains, then deletes the sandbox's /etc copies. */
  async close(): Promise<void> {
    await this.launchers?.close();
    await this.drain();
    await this.etc?.close();
  }

  private internalError(spec: StageSpec, message: string) {
    return {
      stdout: '',
      stderr: '',
      output: '',
      exitCode: null,
      signalNumber: null,
      wallTimedOut: false,
      cpuTimedOut: false,
      stdoutOverflow: false,
      stderrOverflow: false,
      oomKilled: false,
      memoryLimit: spec.limits.memoryLimit,
      internalError: message,
      cpuTimeMs: null,
      wallTimeMs: 0,
      memoryBytes: null,
    };
  }

  /**
   * The shell that starts a stage when no pre-spawned launcher is available (no bash, or
   * EXECUTOR_SANDBOX=none): it joins the stage's cgroup while still privileged (so the whole
   * tree is accounted from its first instruction), sets the rlimits, then execs "$@".
   */
  private prelude(limits: StageLimits, cgroup: JobCgroup | undefined, extraProcsFiles: readonly string[] = []): string {
    const lines: string[] = [];
    for (const file of [...(cgroup?.procsFiles ?? []), ...extraProcsFiles]) {
      lines.push(`echo $$ > ${shellQuote(file)} || { echo "pairpad-sandbox: cannot join cgroup ${file}" >&2; exit 125; }`);
    }
    const r = this.rlimits(limits, !cgroup);
    lines.push(
      `ulimit -c 0 && ulimit -f ${r.fileSizeBlocks} && ulimit -n ${r.openFiles} && ulimit -S -t ${r.cpuSeconds} && ulimit -H -t ${r.cpuSeconds + 1} || exit 125`,
    );
    if (r.dataKiB !== undefined) lines.push(`ulimit -d ${r.dataKiB} 2>/dev/null`);
    // Unsandboxed there is no user namespace to count in: RLIMIT_NPROC against our own uid is
    // the best there is (EXECUTOR_SANDBOX=none is for local development only).
    if (!cgroup && this.config.sandbox === 'none') lines.push(`ulimit -u ${limits.maxProcessCount} 2>/dev/null`);
    lines.push('exec "$@"');
    return lines.join('\n');
  }

  /**
   * What a stage's launcher execs: (setpriv →) bwrap. As root, setpriv drops to the sandbox uid
   * first, so a job is "nobody" both inside and outside its user namespace.
   */
  private execArgv(bwrap: readonly string[], privilegedBinds: readonly ExtraBind[]): string[] {
    const drop = this.dropTool
      ? [this.dropTool, '--reuid', String(this.config.sandboxUid), '--regid', String(this.config.sandboxGid), '--clear-groups']
      : [];
    const tail = [...drop, this.bwrapPath ?? 'bwrap', ...bwrap];
    if (privilegedBinds.length > 0 && this.unshareTool) {
      // Toolchains under a directory the sandbox uid cannot traverse (rustup in /root): bind
      // them onto a neutral mount point inside a private mount namespace of this stage only.
      const mounts = privilegedBinds.map((bind) => `mount --bind ${shellQuote(bind.source)} ${shellQuote(bind.target)}`).join(' && ');
      return [this.unshareTool, '--mount', '--propagation', 'private', '/bin/sh', '-c', `${mounts} && exec "$@"`, 'sh', ...tail];
    }
    return tail;
  }

  private async bwrapLaunch(spec: StageSpec, fdBase: number) {
    if (!this.layout || !this.etc) throw new Error('sandbox layout missing');
    const entries: BoxEntry[] = [];
    const memory = spec.boxFiles ?? [];
    if (memory.length > DATA_CHANNELS) throw new Error(`more than ${DATA_CHANNELS} files from memory`);
    const dirs = new Set<string>();
    memory.forEach((file, i) => {
      const parts = file.name.split('/');
      for (let depth = 1; depth < parts.length; depth++) {
        const dir = parts.slice(0, depth).join('/');
        if (!dirs.has(dir)) entries.push({ relative: dir, kind: 'dir', fdOrTarget: 0, mode: 0o755 });
        dirs.add(dir);
      }
      entries.push({ relative: file.name, kind: 'file', fdOrTarget: DATA_FD_BASE + i, mode: 0o644 });
    });
    const fromDisk = spec.boxSource ? await collectEntries(spec.boxSource, fdBase) : { entries: [], files: [] };
    entries.push(...fromDisk.entries);
    const files = fromDisk.files;
    const binds: ExtraBind[] = [];
    const privilegedBinds: ExtraBind[] = [];
    for (const bind of spec.binds ?? []) {
      const mountPoint = await this.reachableSource(bind.source);
      if (mountPoint !== bind.source) privilegedBinds.push({ source: bind.source, target: mountPoint });
      binds.push({ source: mountPoint, target: bind.target });
    }
    if (spec.carryOut) await fs.chown(spec.carryOut, this.config.sandboxUid, this.config.sandboxGid).catch(() => undefined);
    const stageArgv = spec.carryOut ? ['/bin/sh', '-c', `"$@" && cp -a ${BOX}/. ${CARRY_OUT}/`, 'compile', ...spec.argv] : [...spec.argv];
    const argv = this.cgroups.kind === 'rlimit' ? this.processLimitInside(spec.limits.maxProcessCount, stageArgv) : stageArgv;
    const args = bwrapArgs({
      layout: this.layout,
      etcDir: this.etc.dir,
      disableUserns: this.disableUserns,
      uid: this.jobUid,
      gid: this.dropTool ? this.config.sandboxGid : (process.getgid?.() ?? 0),
      boxSize: this.config.boxSize,
      entries,
      binds,
      carryOut: Boolean(spec.carryOut),
      carryOutSource: spec.carryOut,
      ...(spec.lateBinds ? { lateBinds: spec.lateBinds } : {}),
      env: { ...BASE_ENV, ...(spec.env ?? {}) },
      argv,
    });
    // cwd "/" so that not even the work dir's path reaches the sandbox's environment.
    return { argv: args, cwd: '/', env: undefined, privilegedBinds, files };
  }

  /**
   * Without a pids cgroup, the process count is an RLIMIT_NPROC set *inside* the job's own user
   * namespace. Since Linux 5.14 the kernel counts RLIMIT_NPROC per (user namespace, uid): a
   * limit set after bwrap created the namespace counts only this job's processes and threads,
   * never the server's threads, its launchers, other jobs running at once or other software
   * sharing the host uid (which an RLIMIT_NPROC set before bwrap would all count, so that
   * bwrap's own clone failed with EAGAIN in a non-root container). The namespace's parent
   * level keeps the limit the server had, so nothing is loosened outside. +1 for bwrap's own
   * pid 1 of the job's pid namespace, which the job cannot use.
   */
  private processLimitInside(maxProcessCount: number, argv: readonly string[]): string[] {
    const script = 'ulimit -u "$1" || { echo "pairpad-sandbox: cannot limit processes" >&2; exit 125; }; shift; exec "$@"';
    const limit = String(maxProcessCount + 1);
    if (!this.bashPath) return ['/usr/bin/prlimit', `--nproc=${limit}`, '--', ...argv];
    return [this.bashPath, '--norc', '--noprofile', '-c', script, 'pairpad-limits', limit, ...argv];
  }

  /**
   * A bind source the sandbox uid cannot reach (behind /root's 0700) gets an empty mount point
   * in our work dir instead; the prelude binds it there in a private mount namespace.
   */
  private readonly reachable = new Map<string, Promise<string>>();

  private reachableSource(source: string): Promise<string> {
    // Asked once per source (a setpriv + test exec), not once per stage.
    let known = this.reachable.get(source);
    if (!known) {
      known = this.probeReachable(source);
      this.reachable.set(source, known);
      known.catch(() => this.reachable.delete(source));
    }
    return known;
  }

  private async probeReachable(source: string): Promise<string> {
    if (!this.dropTool) return source;
    try {
      await execFileAsync(this.dropTool, [
        '--reuid',
        String(this.config.sandboxUid),
        '--regid',
        String(this.config.sandboxGid),
        '--clear-groups',
        '/usr/bin/test',
        '-x',
        source,
      ]);
      return source;
    } catch {
      const mountPoint = path.join(this.config.workDir, 'mnt', source.replace(/[^a-zA-Z0-9]+/g, '_'));
      await fs.mkdir(mountPoint, { recursive: true, mode: 0o755 });
      await fs.chmod(path.join(this.config.workDir, 'mnt'), 0o755);
      return mountPoint;
    }
  }

  /** EXECUTOR_SANDBOX=none: the job runs in place, in the host directory, with rlimits only. */
  private async plainLaunch(spec: StageSpec) {
    const map = new Map((spec.binds ?? []).map((bind) => [bind.target, bind.source]));
    const argv = spec.argv.map((arg) => {
      for (const [target, source] of map) if (arg.startsWith(target)) return source + arg.slice(target.length);
      return arg;
    });
    if (spec.carryOut) {
      const carryOut = spec.carryOut;
      return {
        argv: ['/bin/sh', '-c', `"$@" && cp -a . ${shellQuote(carryOut)}/`, 'compile', ...argv],
        cwd: spec.boxSource,
        env: { ...BASE_ENV, HOME: spec.boxSource, TMPDIR: spec.boxSource, ...(spec.env ?? {}) },
        privilegedBinds: [],
        files: [] as string[],
      };
    }
    return {
      argv,
      cwd: spec.boxSource,
      env: { ...BASE_ENV, HOME: spec.boxSource, TMPDIR: spec.boxSource, ...(spec.env ?? {}) },
      privilegedBinds: [],
      files: [] as string[],
    };
  }
}

/** The longest a stage may run, whatever the request or the language overrides say. */
function longestStageMs(config: ExecutorConfig): number {
  const overrides = Object.values(config.limitOverrides).flatMap((o) => [o.compile_timeout ?? 0, o.run_timeout ?? 0]);
  // 20 s: the start-up self-test's generous run timeout.
  return Math.max(config.compileTimeout, config.runTimeout, 20_000, ...overrides);
}

function closeFd(fd: number): Promise<void> {
  return new Promise<void>((resolve) => closeCallback(fd, () => resolve()));
}
