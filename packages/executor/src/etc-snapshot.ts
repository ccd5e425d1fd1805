import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { ExecutorLogger } from './logger';

/**
 * The sandbox's /etc: a private copy of the allow-listed host entries plus our own passwd and
 * group, bound read-only as ONE mount.
 *
 * Why a copy: bubblewrap re-reads /proc/self/mountinfo for every bind it makes (to remount it
 * read-only), so each of the ~24 per-entry `--ro-bind /etc/x /etc/x` cost about 0.25 ms and
 * together they were the largest single part of bwrap's start-up (12.2 ms against 6.6 ms for
 * `bwrap … /bin/true`, measured with `perf stat -r 40`). The sandbox sees exactly the same
 * entries, read-only, with the host's modes and owners.
 *
 * Staleness: the host tree is fingerprinted (lstat of every entry) every REFRESH_MS in the
 * background; on a change (a package upgrade touching ld.so.cache, alternatives or the CA
 * bundle) a new copy is made and used by the following jobs. An old copy is deleted only after
 * every job that could still have it mounted is over.
 */

/** /etc entries a sandbox may need (dynamic linker, alternatives, certificates, runtime configs). */
export const ETC_ALLOWED =
  /^(alternatives|ld\.so\.(cache|conf|conf\.d)|localtime|timezone|ssl|ca-certificates|ca-certificates\.conf|nsswitch\.conf|host\.conf|mime\.types|os-release|debian_version|protocols|services|java-.*|python3.*|perl|php.*|ruby.*|lua.*|gcc.*|mono|fonts)$/;

const REFRESH_MS = 60_000;
const MAX_ENTRIES = 20_000;

export interface EtcSnapshotOptions {
  /** Host directory the copies live in (the executor's work dir). */
  workDir: string;
  /** Contents of the sandbox's /etc/passwd and /etc/group. */
  passwd: string;
  group: string;
  /** How long a replaced copy is kept (longer than any stage may run). */
  retireAfterMs: number;
  logger: ExecutorLogger;
  /** Host directory to copy from (tests); /etc by default. */
  source?: string;
}

const isRoot = () => process.getuid?.() === 0;
/** Several executors may share one process (tests) and one work dir (several processes). */
let instances = 0;

/** One line per entry: what changes when the host's tree changes. */
async function fingerprint(source: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const full = path.join(source, rel);
    let stat: Stats;
    try {
      stat = await fs.lstat(full);
    } catch {
      return;
    }
    if (lines.length >= MAX_ENTRIES) return;
    lines.push(`${rel} ${stat.ino} ${stat.mode} ${stat.uid} ${stat.gid} ${stat.size} ${stat.mtimeMs}`);
    if (stat.isDirectory()) {
      const names = await fs.readdir(full).catch(() => [] as string[]);
      for (const name of names.sort()) await walk(path.join(rel, name));
    }
  };
  const top = await fs.readdir(source).catch(() => [] as string[]);
  for (const name of top.sort()) if (ETC_ALLOWED.test(name)) await walk(name);
  return lines.join('\n');
}

/** Copies `from` to `to` keeping symlinks, modes and (as root) owners; skips what we cannot read. */
async function copyEntry(from: string, to: string): Promise<void> {
  const stat = await fs.lstat(from);
  if (stat.isSymbolicLink()) {
    await fs.symlink(await fs.readlink(from), to);
  } else if (stat.isDirectory()) {
    await fs.mkdir(to, { mode: 0o700 });
    const names = await fs.readdir(from).catch(() => [] as string[]);
    for (const name of names) await copyEntry(path.join(from, name), path.join(to, name)).catch(() => undefined);
    await fs.chmod(to, stat.mode & 0o7777);
  } else if (stat.isFile()) {
    try {
      await fs.copyFile(from, to);
    } catch {
      return; // unreadable to us, so unreadable to the sandbox too: leave it out
    }
    await fs.chmod(to, stat.mode & 0o7777);
  } else {
    return; // sockets, fifos, devices have no business in the sandbox's /etc
  }
  if (isRoot()) await fs.lchown(to, stat.uid, stat.gid);
}

export class EtcSnapshot {
  private seq = 0;
  private readonly instance = ++instances;
  private current = '';
  private print = '';
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly retiring = new Map<string, NodeJS.Timeout>();
  private closed = false;

  private constructor(private readonly options: EtcSnapshotOptions) {}

  static async create(options: EtcSnapshotOptions): Promise<EtcSnapshot> {
    const snapshot = new EtcSnapshot(options);
    await snapshot.removeOrphans();
    await snapshot.build();
    snapshot.timer = setInterval(() => void snapshot.refresh(), REFRESH_MS);
    snapshot.timer.unref();
    return snapshot;
  }

  /** The host directory the next job binds read-only as /etc. */
  get dir(): string {
    return this.current;
  }

  private get source(): string {
    return this.options.source ?? '/etc';
  }

  /** Copies of executors that are gone (crashed, killed) are ours to delete. */
  private async removeOrphans(): Promise<void> {
    const names = await fs.readdir(this.options.workDir).catch(() => [] as string[]);
    for (const name of names) {
      const match = /^etc-(\d+)-\d+-\d+$/.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid) continue;
      let alive: boolean;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (!alive) await fs.rm(path.join(this.options.workDir, name), { recursive: true, force: true });
    }
  }

  private async build(): Promise<void> {
    const print = await fingerprint(this.source);
    const dir = path.join(this.options.workDir, `etc-${process.pid}-${this.instance}-${++this.seq}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { mode: 0o700 });
    try {
      const names = (await fs.readdir(this.source).catch(() => [] as string[])).filter((name) => ETC_ALLOWED.test(name));
      for (const name of names) await copyEntry(path.join(this.source, name), path.join(dir, name)).catch(() => undefined);
      // Our own passwd/group: tools that look up the current user work, and the host's account
      // list is not exposed.
      await fs.writeFile(path.join(dir, 'passwd'), this.options.passwd, { mode: 0o644 });
      await fs.writeFile(path.join(dir, 'group'), this.options.group, { mode: 0o644 });
      await fs.chmod(dir, 0o755);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    const previous = this.current;
    this.current = dir;
    this.print = print;
    if (previous) this.retire(previous);
  }

  private retire(dir: string): void {
    const timer = setTimeout(() => {
      this.retiring.delete(dir);
      void fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }, this.options.retireAfterMs);
    timer.unref();
    this.retiring.set(dir, timer);
  }

  /** Rebuilds the copy when the host's entries changed; never throws. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        if (this.closed) return;
        if ((await fingerprint(this.source)) === this.print) return;
        await this.build();
        this.options.logger.info('host /etc changed: the sandbox /etc was refreshed', { dir: this.current });
      } catch (error) {
        this.options.logger.warn('cannot refresh the sandbox /etc; keeping the previous copy', { error: (error as Error).message });
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.refreshing;
    for (const [dir, timer] of this.retiring) {
      clearTimeout(timer);
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
    this.retiring.clear();
    if (this.current) await fs.rm(this.current, { recursive: true, force: true }).catch(() => undefined);
  }
}
