import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CgroupManager, JobCgroup } from './cgroups';
import type { ExecutorLogger } from './logger';
import type { StageProcess } from './stage-supervisor';

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
 * bwrap: the same pid the supervisor watches and kills. Pooled launchers come in families of
 * FAMILY_SIZE, forked by one bash we spawn (see familyScript); a launcher is spawned on its own
 * only when the pool is empty or a stage must start as root.
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
 * Orders are fields (no quoting, no eval of anything we did not write):
 *   <n> <path 1> ... <path n> <m> <fsize blocks> <nofile> <cpu s> <data KiB|""> <argv...> pairpad-end
 * where the n paths are host files opened as fds 10.. and m is how many of the data sockets
 * (fds 4..) carry a file; the others are closed so that nothing leaks into the sandbox (bwrap
 * closes every fd it copied a --file from). They travel as one byte count, a newline, then the
 * fields, each ended by \x02 (SEPARATOR), with \x03 and \x02 inside a field escaped as \x03\x05
 * and \x03\x04: bash reads a counted block in a few read(2)s, where `mapfile -d ''` (NUL-ended
 * fields) read a socket one byte per syscall, ~800 of them and ~1.3 ms of CPU per stage. The
 * fields are split by the shell's own word splitting on IFS=\x02 (globbing off; \x01 and \x7f,
 * bash's internal quoting bytes, are not used), in the C locale, where counts are bytes.
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
const SEPARATOR = '\x02';

/**
 * The launcher proper: reads its orders from fd 3, opens the box files, sets the rlimits and
 * execs bwrap. `reportsStatus`: a family member (see familyScript), whose fd 3 is a socket
 * that stays open after the orders for bwrap's --json-status-fd, the only way its exit code
 * reaches us (we are not its parent); its own failures say so on fd 3 too.
 */
function launcherBody(reportsStatus: boolean): string[] {
  return [
    // Spawned by us, it holds only its 8 sockets and what we inherited without close-on-exec
    // (which bwrap would hand to the job): those go. A family did that once for its members.
    ...(reportsStatus ? [] : [closeInherited(3, DATA_FD_BASE + DATA_CHANNELS)]),
    `fail() { echo "pairpad-sandbox: $1" >&2; ${reportsStatus ? `echo '{ "exit-code": 125 }' >&3; ` : ''}exit 125; }`,
    'shopt -s execfail',
    'LC_ALL=C',
    // Orders closed without a job: the pool is shutting down.
    'IFS= read -r len <&3 || exit 0',
    `IFS= read -r -N "$len" orders <&3 && [ "\${#orders}" = "$len" ] || fail 'truncated launch orders'`,
    ...(reportsStatus ? [] : ['exec 3<&-']),
    "set -f; IFS=$'\\x02'; a=($orders); IFS=$' \\t\\n'; set +f",
    // Unescaping walks every field twice (0.15 ms a stage in bash); only orders with an escape need it.
    "case $orders in *$'\\x03'*) a=(\"${a[@]//$'\\x03\\x04'/$'\\x02'}\"); a=(\"${a[@]//$'\\x03\\x05'/$'\\x03'}\");; esac",
    `[ "\${a[-1]}" = ${END} ] || fail 'truncated launch orders'`,
    "unset 'a[-1]'",
    'n=${a[0]}',
    'i=1',
    `while [ "$i" -le "$n" ]; do eval "exec $((i + ${LAUNCHER_FD_BASE - 1}))<\\"\\\${a[$i]}\\"" || fail "cannot open box file \${a[$i]}"; i=$((i + 1)); done`,
    `k=$((${DATA_FD_BASE} + a[n+1])); while [ "$k" -lt ${DATA_FD_BASE + DATA_CHANNELS} ]; do eval "exec $k<&-"; k=$((k + 1)); done`,
    // CPU: the soft limit sends SIGXCPU (reported as a time limit), the hard one a second later
    // SIGKILLs what ignored it; equal limits would SIGKILL at once, indistinguishable from others.
    'ulimit -c 0 && ulimit -f "${a[n+2]}" && ulimit -n "${a[n+3]}" && ulimit -S -t "${a[n+4]}" && ulimit -H -t $((a[n+4] + 1)) || fail "cannot set rlimits"',
    // No cgroups: per-process memory is all we have (RLIMIT_DATA, never RLIMIT_AS). The process
    // count is limited inside the sandbox instead (see Sandbox.processLimitInside).
    'if [ -n "${a[n+5]}" ]; then ulimit -d "${a[n+5]}" 2>/dev/null; fi',
    'exec "${a[@]:n+6}"',
    'fail "cannot run ${a[n+6]}"',
  ];
}

/**
 * Closes every open fd from 3 up that is not in [keepFrom, keepTo): fds we inherited without
 * close-on-exec. Globbing /proc/self/fd is a builtin expansion (no fork); the glob's own
 * directory fd is closed before the loop runs.
 */
function closeInherited(keepFrom: number, keepTo: number): string {
  return `for f in /proc/self/fd/*; do f=\${f##*/}; if [ "$f" -gt 2 ] && { [ "$f" -lt ${keepFrom} ] || [ "$f" -ge ${keepTo} ]; }; then eval "exec $f>&-" 2>/dev/null; fi; done`;
}

const SCRIPT = launcherBody(false).join('\n');

/** fds of one family member, as the family's bash has them: member i's start at FAMILY_FD_BASE + i * FAMILY_FDS. */
const FAMILY_FD_BASE = 10;
/** stdin, stdout, stderr, control (3) and the data sockets, in that order. */
const FAMILY_FDS = DATA_FD_BASE + DATA_CHANNELS;

/**
 * A launcher family: one bash, spawned by us, that forks `size` launchers at once and then
 * waits on its lifeline (its stdin) until we close it. Spawning costs us a fork of this whole
 * Node process (page tables of ~130 MB, the event loop blocked ~4 ms, ~2.3 ms of our CPU plus
 * the child's exec tearing the copy down, and a bash start-up); a family pays it once for
 * `size` launchers, and each member is a fork of a small bash instead.
 *
 * Nothing here waits for a child, so no SIGCHLD or `wait` race can hang a member: bash reaps
 * finished members by itself, and a member's exit reaches us through its control socket
 * (bwrap's --json-status-fd; EOF without a status: killed before bwrap started its program).
 * Each member dups its own sockets to 0-7 and closes every other member's before doing
 * anything (nothing is shared: one member's output can never reach another's sockets, and no
 * member holds another's pipes open); the family closes all of them once they are forked.
 * The family outlives its members' bwraps (their parent, whose death --die-with-parent turns
 * into SIGKILL): if we die, the lifeline closes, the family exits and takes running stages
 * with it, as it did when we were their parent; idle members see their orders close and exit.
 */
function familyScript(size: number): string {
  const closeAll = Array.from({ length: size * FAMILY_FDS }, (_, i) => ` ${FAMILY_FD_BASE + i}<&-`).join('');
  const dups = Array.from({ length: FAMILY_FDS }, (_, fd) => `${fd}<&$((b + ${fd}))`).join(' ');
  return [
    closeInherited(FAMILY_FD_BASE, FAMILY_FD_BASE + size * FAMILY_FDS),
    `member() {\n${launcherBody(true).join('\n')}\n}`,
    'k=0',
    `while [ "$k" -lt ${size} ]; do`,
    `  b=$((${FAMILY_FD_BASE} + k * ${FAMILY_FDS}))`,
    // Its pid first: we move it into its stage's cgroup before it may read any orders.
    `  ( eval "exec ${dups}${closeAll}" && trap - INT QUIT && echo "$BASHPID" >&3 && member ) &`,
    '  k=$((k + 1))',
    'done',
    `exec${closeAll}`,
    'read -r _',
  ].join('\n');
}

/**
 * How many launchers one spawned family starts (see familyScript). A spawn's cost grows slowly
 * with its sockets (8 per member): measured from a ~100 MB Node, 2.9 ms of our CPU for one
 * launcher's 8, 6.5 ms for 8 members, 8.1 ms for 16, the event loop blocked ~11 ms either way
 * (once per family, while stages run). Idle members cost a small forked bash and a cgroup each.
 */
export const FAMILY_SIZE = 16;

/**
 * The launcher family compiled from native/pairpad-launcher.c (native/build.mjs, run by
 * scripts/setup.mjs and the executor's image), when it is built and not older than its source:
 * the same protocol as familyScript's bash at ~0.4 instead of ~2 ms of CPU a stage. Else bash.
 */
export function compiledFamily(
  dirs = [
    fileURLToPath(new URL('../native/', import.meta.url)),
    // From a bundle elsewhere (the backend's dist/server.js), run from the repository's root.
    path.join(process.cwd(), 'packages/executor/native/'),
  ],
): string | undefined {
  for (const dir of dirs) {
    const binary = path.join(dir, 'pairpad-launcher');
    try {
      accessSync(binary, fsConstants.X_OK);
      const source = statSync(path.join(dir, 'pairpad-launcher.c'), { throwIfNoEntry: false });
      if (!source || statSync(binary).mtimeMs >= source.mtimeMs) return binary;
    } catch {
      // not built there
    }
  }
  return undefined;
}

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
  readonly child: StageProcess;
  /** Spawned as the sandbox uid and gid (the executor is root): it execs bwrap without setpriv. */
  readonly asSandboxUser: boolean;
  /**
   * A family member: bwrap must be told `--json-status-fd 3` (STATUS_FD), its exit code's only
   * way to us.
   */
  readonly reportsStatus: boolean;
  /** The stage's cgroup, which the launcher has joined. */
  readonly cgroup: JobCgroup | undefined;
  /** Sends the orders (see encodeOrders) and the files of the data sockets, in order. */
  start(encodedOrders: Buffer, data: readonly Buffer[]): void;
}

/** The fd a family member's bwrap writes its JSON status to (`--json-status-fd`). */
export const STATUS_FD = 3;

/** The orders as the launcher reads them (see above); throws on a NUL byte in any field. */
export function encodeOrders(orders: LaunchOrders): Buffer {
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
  const body = Buffer.from(
    fields.map((field) => `${field.replaceAll('\x03', '\x03\x05').replaceAll('\x02', '\x03\x04')}${SEPARATOR}`).join(''),
    'utf8',
  );
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

interface Idle {
  launcher: Launcher;
  /** Where its orders go (fd 3). */
  control: Writable;
  /** The family it belongs to, if it is a member of one. */
  family?: Family;
  taken: boolean;
  onExit: (code: number | null, signal?: NodeJS.Signals | null) => void;
}

/** Who launchers run as, when the executor is root: the sandbox's own uid and gid. */
export interface LauncherCredentials {
  uid: number;
  gid: number;
}

/**
 * A launcher a family forked. We are not its parent, so what ChildProcess gets from waitpid
 * comes from its control socket instead: its pid (first line), then bwrap's JSON status
 * (`{ "child-pid": N ... }`, `{ "exit-code": N }`), or ours for the launcher's own failures.
 * The socket closes when the launcher, then bwrap, is gone: that is its exit.
 */
class FamilyMember extends EventEmitter implements StageProcess {
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private status = '';
  private exited = false;
  private killedByUs = false;
  private openStreams = 2;
  /** Resolves with the pid, or null if the member died before saying it. */
  readonly started: Promise<number | null>;

  constructor(
    readonly stdin: Socket,
    readonly stdout: Socket,
    readonly stderr: Socket,
    readonly control: Socket,
    readonly channels: readonly Socket[],
  ) {
    super();
    let announced: (pid: number | null) => void = () => undefined;
    this.started = new Promise((resolve) => (announced = resolve));
    control.setEncoding('latin1');
    control.on('data', (text: string) => {
      this.status += text;
      if (this.pid === undefined) {
        const line = /^(\d+)\n/.exec(this.status);
        if (line) {
          this.pid = Number(line[1]);
          announced(this.pid);
        }
      }
      // bwrap writes a few hundred bytes at most; cap what a confused peer could make us keep.
      if (this.status.length > 64 * 1024) this.status = this.status.slice(-4096);
    });
    control.on('error', () => {
      // Reset by a dying launcher: 'close' follows.
    });
    control.on('close', () => {
      announced(null);
      this.exit();
    });
    for (const stream of [stdin, ...channels]) {
      stream.on('error', () => {
        // The launcher (or bwrap) died first; its exit is what gets reported.
      });
    }
    for (const stream of [stdout, stderr]) {
      stream.on('close', () => {
        this.openStreams--;
        if (this.exited && this.openStreams === 0) this.emit('close', this.exitCode, this.signalCode);
      });
    }
  }

  private exit(): void {
    if (this.exited) return;
    this.exited = true;
    const code = /"exit-code"\s*:\s*(\d+)/.exec(this.status);
    if (code) this.exitCode = Number(code[1]);
    // No status: it died before bwrap ran its program. Killed (by us, or with its family):
    // as waitpid would say; else bwrap gave up setting up (its message is on stderr), exit 1.
    else if (this.killedByUs) this.signalCode = 'SIGKILL';
    else this.exitCode = 1;
    this.emit('exit', this.exitCode, this.signalCode);
    // What nobody reads (a member that died idle, or the sockets we only write to) is drained
    // to its end and closed, as ChildProcess does on exit: else their handles stay open.
    for (const stream of [this.stdin, this.stdout, this.stderr, ...this.channels]) if (stream.readableFlowing !== true) stream.resume();
    if (this.openStreams === 0) this.emit('close', this.exitCode, this.signalCode);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    // After its socket closed the pid is its family's to reap, and may be reused.
    if (this.exited || this.pid === undefined) return false;
    if (signal === 'SIGKILL') this.killedByUs = true;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

interface Family {
  head: ChildProcess;
  /** Members not yet gone; the lifeline closes when none is left. */
  alive: number;
  /** Idle members of this family, for when the family itself dies. */
  idle: Set<Idle>;
  exited: Promise<void>;
  stderr: Buffer[];
}

/** Keeps `size` launchers ready; each holds one acquired cgroup until its stage ends. */
export class LauncherPool {
  private readonly ready: Idle[] = [];
  private readonly families = new Set<Family>();
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
    /** Launchers per spawned family; 1: each launcher is spawned by us (no family). */
    private readonly familySize = FAMILY_SIZE,
    /** The compiled family (compiledFamily()), used for families instead of bash's script. */
    private readonly familyBinary?: string,
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
    const idle =
      options.asRoot && this.credentials ? await this.spawnOne(null) : (this.ready.shift() ?? (await this.spawnOne(this.credentials)));
    idle.taken = true;
    idle.family?.idle.delete(idle);
    idle.launcher.child.removeListener('exit', idle.onExit);
    idle.launcher.child.stderr?.removeAllListeners('data');
    return idle.launcher;
  }

  /** A stage ran through a launcher: the pool works, keep refilling it. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Idle launchers (tests). */
  get idleCount(): number {
    return this.ready.length;
  }

  private refill(): void {
    // Five launchers in a row that died before their job: something is wrong (cgroups gone?);
    // stop pre-spawning, stages then spawn their own and report the reason.
    while (!this.closed && this.failures < 5 && this.ready.length + this.spawning < this.size) {
      const spawned = this.familySize > 1 ? this.spawnFamily(this.credentials) : [this.spawnOne(this.credentials)];
      this.spawning += spawned.length;
      for (const promise of spawned) {
        void promise
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
  }

  /**
   * Spawns a family (see familyScript): one fork of this process for `familySize` launchers.
   * Each promise is one member, ready once it has joined its cgroup.
   */
  private spawnFamily(credentials: LauncherCredentials | undefined): Promise<Idle>[] {
    const size = this.familySize;
    let head: ChildProcess;
    try {
      const [file, args] = this.familyBinary
        ? [this.familyBinary, [String(size), LAUNCHER_NAME]]
        : [this.bash, ['--norc', '--noprofile', '-c', familyScript(size), LAUNCHER_NAME]];
      head = spawn(file, args, {
        cwd: '/',
        env: { PATH: '/usr/bin:/bin' },
        stdio: [
          'pipe',
          'ignore',
          'pipe',
          ...Array.from({ length: FAMILY_FD_BASE - 3 }, () => 'ignore' as const),
          ...Array.from({ length: size * FAMILY_FDS }, () => 'pipe' as const),
        ],
        ...(credentials ? { uid: credentials.uid, gid: credentials.gid } : {}),
      });
    } catch (error) {
      return Array.from({ length: size }, () => Promise.reject(error as Error));
    }
    const family: Family = {
      head,
      alive: size,
      idle: new Set(),
      stderr: [],
      exited: new Promise<void>((resolve) => {
        head.once('exit', () => resolve());
        // spawn failure (no bash): 'exit' follows with a null code, or never for ENOENT.
        head.once('error', () => resolve());
      }),
    };
    this.families.add(family);
    head.stdin?.on('error', () => undefined);
    head.stderr?.on('data', (chunk: Buffer) => {
      if (family.stderr.length < 16) family.stderr.push(chunk);
    });
    const lifelineClosed = () => family.alive <= 0 || head.stdin?.writableEnded;
    void family.exited.then(() => {
      this.families.delete(family);
      if (!lifelineClosed()) {
        // Killed from outside: its running stages died with it (--die-with-parent); its idle
        // members would run a stage with nobody to take them down with us: send them away.
        this.logger.warn('a stage launcher family exited early', {
          code: head.exitCode,
          signal: head.signalCode,
          stderr: Buffer.concat(family.stderr).toString().trim().slice(0, 500),
        });
        for (const idle of family.idle) {
          const index = this.ready.indexOf(idle);
          if (index >= 0) this.ready.splice(index, 1);
          idle.launcher.child.kill('SIGKILL');
        }
        if (!this.closed) this.refill();
      }
    });
    return Array.from({ length: size }, async (_, i) => {
      const fd = (offset: number) => head.stdio[FAMILY_FD_BASE + i * FAMILY_FDS + offset] as Socket;
      const member = new FamilyMember(
        fd(0),
        fd(1),
        fd(2),
        fd(STATUS_FD),
        Array.from({ length: DATA_CHANNELS }, (_, k) => fd(DATA_FD_BASE + k)),
      );
      member.once('exit', () => {
        family.alive--;
        // The last member is gone: the family may go (closing the lifeline ends its `read`).
        if (family.alive === 0) head.stdin?.end();
      });
      const pid = await member.started;
      if (pid === null)
        throw new Error(`a launcher family member died at start: ${Buffer.concat(family.stderr).toString().trim().slice(0, 500)}`);
      const idle = await this.adopt(member, member.control, member.channels, credentials, true);
      if (!idle.taken) {
        idle.family = family;
        family.idle.add(idle);
        member.once('exit', () => family.idle.delete(idle));
      }
      return idle;
    });
  }

  /** `credentials` null: the executor's own (root), for a stage that mounts before it drops. */
  private async spawnOne(credentials: LauncherCredentials | null | undefined): Promise<Idle> {
    // --norc: bash would otherwise read ~/.bashrc, taking our socketpair stdin for an rsh connection.
    const child = spawn(this.bash, ['--norc', '--noprofile', '-c', SCRIPT, LAUNCHER_NAME], {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...Array.from({ length: DATA_CHANNELS }, () => 'pipe' as const)],
      ...(credentials ? { uid: credentials.uid, gid: credentials.gid } : {}),
    });
    for (const stream of child.stdio.slice(3)) {
      stream?.on('error', () => {
        // The launcher (or bwrap) died first; its exit is what gets reported.
      });
    }
    const control = child.stdio[3] as Writable;
    const channels = Array.from({ length: DATA_CHANNELS }, (_, i) => child.stdio[DATA_FD_BASE + i] as Writable);
    return this.adopt(child, control, channels, credentials, false);
  }

  /**
   * Wraps a launcher that waits for its orders (fd 3) into an idle entry, once it has joined
   * a cgroup of its own. Its death while idle is noticed and reported.
   */
  private async adopt(
    child: StageProcess,
    control: Writable,
    channels: readonly Writable[],
    credentials: LauncherCredentials | null | undefined,
    reportsStatus: boolean,
  ): Promise<Idle> {
    let cgroup: JobCgroup | undefined;
    try {
      cgroup = await this.cgroups.acquire();
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const launcher: Launcher = {
      child,
      asSandboxUser: Boolean(credentials),
      reportsStatus,
      cgroup,
      start: (encodedOrders, data) => {
        if (data.length > DATA_CHANNELS) throw new Error(`at most ${DATA_CHANNELS} files go through data sockets`);
        control.end(encodedOrders);
        // A channel without a file is closed at once (the launcher closes its end unread):
        // end() would half-close it and keep its handle polled until the launcher's side went.
        channels.forEach((channel, i) => (i < data.length ? channel.end(data[i]) : channel.destroy()));
        // Spawning blocks our thread for a few ms: do it while the stage runs, not before.
        setImmediate(() => this.refill());
      },
    };
    const stderr: Buffer[] = [];
    const idle: Idle = {
      launcher,
      control,
      taken: false,
      onExit: (code, signal) => {
        if (idle.taken) return;
        idle.taken = true;
        // Died while waiting for a job (cgroup join failed, killed from outside).
        const index = this.ready.indexOf(idle);
        if (index >= 0) this.ready.splice(index, 1);
        if (!this.closed) {
          this.failures++;
          this.logger.warn('a stage launcher exited before its job', {
            code,
            signal,
            stderr: Buffer.concat(stderr).toString().trim().slice(0, 500),
          });
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
    if (child.exitCode !== null || child.signalCode !== null) idle.onExit(child.exitCode, child.signalCode);
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
    if (idle.taken) throw new Error(`a stage launcher exited before its job: ${Buffer.concat(stderr).toString().trim().slice(0, 500)}`);
    return idle;
  }

  private async dispose(idle: Idle): Promise<void> {
    const { child } = idle.launcher;
    child.removeListener('exit', idle.onExit);
    const gone = child.exitCode !== null || child.signalCode !== null;
    const exited = gone ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    idle.control.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    await idle.launcher.cgroup?.destroy().catch(() => undefined);
  }

  /** Sends every idle launcher away, gives their cgroups back and waits for their families. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.spawning > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const idle = this.ready.splice(0);
    await Promise.all(idle.map((i) => this.dispose(i)));
    await Promise.all(
      [...this.families].map(async (family) => {
        // Members still running a stage end with it; a family that does not follow is killed.
        const timer = setTimeout(() => family.head.kill('SIGKILL'), 5000);
        await family.exited;
        clearTimeout(timer);
      }),
    );
  }
}
