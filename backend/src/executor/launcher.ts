import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { CgroupManager, JobCgroup } from './cgroups';
import type { ExecutorLogger } from './logger';

/**
 * Pre-spawned stage launchers.
 *
 * Joining a cgroup (writing a pid to `cgroup.procs`) takes the kernel's
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period whenever no other
 * migration happened in the last one: 6-16 ms on our 2-core VM (`writeFileSync` of the first
 * controller's `cgroup.procs`; the next ones take 0.1 ms), i.e. most of what cgroups added to a
 * hello-world. The wait is per join, not per byte of work, so we take it *before* the job
 * arrives: a launcher is a small bash that blocks reading its orders from fd 3 as soon as it is
 * spawned, and the pool moves it into its stage's cgroup meanwhile (from the thread pool: the
 * wait must not block the event loop). When a stage starts, the sandbox hands the orders to a
 * ready launcher, which opens the box files as fds 10, 11, ..., sets the rlimits and execs
 * bwrap: the same pid the supervisor watches and kills.
 *
 * As root, the launcher is spawned as the sandbox uid and gid with no supplementary groups
 * (Node's `uid`/`gid` spawn options: setgroups(0) + setgid + setuid before exec), which is what
 * `setpriv --reuid --regid --clear-groups` did in front of bwrap at 2 ms of CPU per stage; it
 * also means the launcher never runs anything as root. A job is "nobody" both inside and
 * outside its user namespace, as before.
 *
 * Nothing about isolation changes: the launcher is in the stage's cgroup before the stage's
 * first instruction (a launcher is handed out only once it has joined), and the cgroup is
 * limited (JobCgroup.prepare) before the orders are sent.
 *
 * Orders are NUL-separated fields (no quoting, no eval of anything we did not write):
 *   <n> <path 1> ... <path n> <m> <fsize blocks> <nofile> <cpu s> <data KiB|""> <argv...> pairpad-end
 * where the n paths are host files opened as fds 10.. and m is how many of the data sockets
 * (fds 4..) carry a file; the others are closed so that nothing leaks into the sandbox (bwrap
 * closes every fd it copied a --file from).
 */

/** argv[0] of an idle launcher (what `ps` shows while it waits for its orders). */
export const LAUNCHER_NAME = 'pairpad-launcher';

/**
 * Sockets each launcher is spawned with for box files sent straight from memory: fds 4, 5, ...
 * A request's files then never touch the disk (staging them on this host's ext4 cost 2-4 ms).
 */
export const DATA_CHANNELS = 4;
export const DATA_FD_BASE = 4;
/** The first fd number host files get inside the launcher (bash redirections beyond 9 are fine). */
export const LAUNCHER_FD_BASE = 10;
const END = 'pairpad-end';

const SCRIPT = [
  "mapfile -d '' -u 3 a || exit 125",
  'exec 3<&-',
  // Orders closed without a job: the pool is shutting down.
  '[ "${#a[@]}" -gt 0 ] || exit 0',
  `[ "\${a[-1]}" = ${END} ] || { echo "pairpad-sandbox: truncated launch orders" >&2; exit 125; }`,
  "unset 'a[-1]'",
  'n=${a[0]}',
  'i=1',
  `while [ "$i" -le "$n" ]; do eval "exec $((i + ${LAUNCHER_FD_BASE - 1}))<\\"\\\${a[$i]}\\"" || { echo "pairpad-sandbox: cannot open box file \${a[$i]}" >&2; exit 125; }; i=$((i + 1)); done`,
  `k=$((${DATA_FD_BASE} + a[n+1])); while [ "$k" -lt ${DATA_FD_BASE + DATA_CHANNELS} ]; do eval "exec $k<&-"; k=$((k + 1)); done`,
  // CPU: the soft limit sends SIGXCPU (reported as a time limit), the hard one a second later
  // SIGKILLs what ignored it; equal limits would SIGKILL at once, indistinguishable from others.
  'ulimit -c 0 && ulimit -f "${a[n+2]}" && ulimit -n "${a[n+3]}" && ulimit -S -t "${a[n+4]}" && ulimit -H -t $((a[n+4] + 1)) || { echo "pairpad-sandbox: cannot set rlimits" >&2; exit 125; }',
  // No cgroups: per-process memory is all we have (RLIMIT_DATA, never RLIMIT_AS). The process
  // count is limited inside the sandbox instead (see Sandbox.processLimitInside).
  'if [ -n "${a[n+5]}" ]; then ulimit -d "${a[n+5]}" 2>/dev/null; fi',
  'exec "${a[@]:n+6}"',
].join('\n');

export interface LaunchOrders {
  /** Host files copied into the box, in fd order (LAUNCHER_FD_BASE, +1, ...). */
  files: readonly string[];
  /** How many data sockets (DATA_FD_BASE, +1, ...) carry a file (see Launcher.start). */
  dataChannels: number;
  fileSizeBlocks: number;
  openFiles: number;
  cpuSeconds: number;
  /** RLIMIT_DATA, only without cgroups. */
  dataKiB?: number;
  argv: readonly string[];
}

export interface Launcher {
  readonly child: ChildProcess;
  /** Spawned as the sandbox uid and gid (the executor is root): it execs bwrap without setpriv. */
  readonly asSandboxUser: boolean;
  /** The stage's cgroup, which the launcher has joined. */
  readonly cgroup: JobCgroup | undefined;
  /** Sends the orders (see encodeOrders) and the files of the data sockets, in order. */
  start(encodedOrders: string, data: readonly Buffer[]): void;
}

/** The orders as the launcher reads them; throws on a NUL byte in any field. */
export function encodeOrders(orders: LaunchOrders): string {
  const fields = [
    String(orders.files.length),
    ...orders.files,
    String(orders.dataChannels),
    String(orders.fileSizeBlocks),
    String(orders.openFiles),
    String(orders.cpuSeconds),
    orders.dataKiB === undefined ? '' : String(orders.dataKiB),
    ...orders.argv,
    END,
  ];
  for (const field of fields) if (field.includes('\0')) throw new Error('an argument contains a NUL byte');
  return fields.map((field) => `${field}\0`).join('');
}

interface Idle {
  launcher: Launcher;
  taken: boolean;
  onExit: (code: number | null, signal?: NodeJS.Signals | null) => void;
}

/** Who launchers run as, when the executor is root: the sandbox's own uid and gid. */
export interface LauncherCredentials {
  uid: number;
  gid: number;
}

/** Keeps `size` launchers ready; each holds one acquired cgroup until its stage ends. */
export class LauncherPool {
  private readonly ready: Idle[] = [];
  private spawning = 0;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly bash: string,
    private readonly cgroups: CgroupManager,
    private readonly size: number,
    private readonly logger: ExecutorLogger,
    /** Unset when the executor is not root: launchers then run as the executor's own user. */
    private readonly credentials?: LauncherCredentials,
  ) {}


  /** Starts filling the pool in the background. */
  warm(): void {
    this.refill();
  }

  /**
   * A ready launcher, or a new one when none is (it then joins on the stage's time).
   * `asRoot`: a new launcher with the executor's own privileges, for a stage that must mount
   * before it drops them (never a pooled one).
   */
  async take(options: { asRoot?: boolean } = {}): Promise<Launcher> {
    const idle = options.asRoot && this.credentials ? await this.spawnOne(null) : (this.ready.shift() ?? (await this.spawnOne(this.credentials)));
    idle.taken = true;
    idle.launcher.child.removeListener('exit', idle.onExit);
    idle.launcher.child.stderr?.removeAllListeners('data');
    return idle.launcher;
  }

  /** A stage ran through a launcher: the pool works, keep refilling it. */
  succeeded(): void {
    this.failures = 0;
  }

  private refill(): void {
    // Five launchers in a row that died before their job: something is wrong (cgroups gone?);
    // stop pre-spawning, stages then spawn their own and report the reason.
    while (!this.closed && this.failures < 5 && this.ready.length + this.spawning < this.size) {
      this.spawning++;
      void this.spawnOne(this.credentials)
        .then((idle) => {
          if (this.closed) void this.dispose(idle);
          else this.ready.push(idle);
        })
        .catch((error: Error) => {
          this.failures++;
          this.logger.warn('cannot pre-spawn a stage launcher', { error: error.message });
        })
        .finally(() => {
          this.spawning--;
        });
    }
  }

  /** `credentials` null: the executor's own (root), for a stage that mounts before it drops. */
  private async spawnOne(credentials: LauncherCredentials | null | undefined): Promise<Idle> {
    const cgroup = await this.cgroups.acquire();
    let child: ChildProcess;
    try {
      // --norc: bash would otherwise read ~/.bashrc, taking our socketpair stdin for an rsh connection.
      child = spawn(this.bash, ['--norc', '--noprofile', '-c', SCRIPT, LAUNCHER_NAME], {
        cwd: '/',
        env: { PATH: '/usr/bin:/bin' },
        stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...Array.from({ length: DATA_CHANNELS }, () => 'pipe' as const)],
        ...(credentials ? { uid: credentials.uid, gid: credentials.gid } : {}),
      });
    } catch (error) {
      await cgroup?.destroy().catch(() => undefined);
      throw error;
    }
    const control = child.stdio[3] as Writable;
    const channels = Array.from({ length: DATA_CHANNELS }, (_, i) => child.stdio[DATA_FD_BASE + i] as Writable);
    for (const stream of [control, ...channels]) {
      stream.on('error', () => {
        // The launcher (or bwrap) died first; its exit is what gets reported.
      });
    }
    const launcher: Launcher = {
      child,
      asSandboxUser: Boolean(credentials),
      cgroup,
      start: (encodedOrders, data) => {
        if (data.length > DATA_CHANNELS) throw new Error(`at most ${DATA_CHANNELS} files go through data sockets`);
        control.end(encodedOrders);
        channels.forEach((channel, i) => channel.end(data[i]));
        // Spawning blocks our thread for a few ms: do it while the stage runs, not before.
        setImmediate(() => this.refill());
      },
    };
    const stderr: Buffer[] = [];
    const idle: Idle = {
      launcher,
      taken: false,
      onExit: (code, signal) => {
        if (idle.taken) return;
        idle.taken = true;
        // Died while waiting for a job (cgroup join failed, killed from outside).
        const index = this.ready.indexOf(idle);
        if (index >= 0) this.ready.splice(index, 1);
        if (!this.closed) {
          this.failures++;
          this.logger.warn('a stage launcher exited before its job', { code, signal, stderr: Buffer.concat(stderr).toString().trim().slice(0, 500) });
          this.refill();
        }
        void cgroup?.destroy().catch(() => undefined);
      },
    };
    child.on('error', () => {
      // spawn failure (no bash): 'exit' follows with a null code, or never for ENOENT.
      idle.onExit(null);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('exit', idle.onExit);
    if (cgroup) {
      try {
        // The launcher blocks on its orders; nothing runs before it is in the stage's cgroup.
        if (child.pid === undefined) throw new Error(`cannot spawn ${this.bash}`);
        await cgroup.adopt(child.pid);
      } catch (error) {
        idle.taken = true;
        child.removeListener('exit', idle.onExit);
        child.kill('SIGKILL');
        await cgroup.destroy().catch(() => undefined);
        throw new Error(`pairpad-sandbox: cannot join the stage's cgroup: ${(error as Error).message}`);
      }
    }
    return idle;
  }

  private async dispose(idle: Idle): Promise<void> {
    const { child } = idle.launcher;
    child.removeListener('exit', idle.onExit);
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    (child.stdio[3] as Writable).end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    await idle.launcher.cgroup?.destroy().catch(() => undefined);
  }

  /** Sends every idle launcher away and gives their cgroups back. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.spawning > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const idle = this.ready.splice(0);
    await Promise.all(idle.map((i) => this.dispose(i)));
  }
}
