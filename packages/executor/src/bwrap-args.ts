import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The bubblewrap command line for one stage. Everything here is decided by us, never by the
 * request: the job only chooses file contents (delivered as fds), stdin and argv.
 */

/** Mount point of the box: the only writable place, a size-limited tmpfs. */
export const BOX = '/box';
/** Where a compile stage finds the host directory its box is copied to. */
export const CARRY_OUT = '/.pairpad-out';

export interface SystemLayout {
  /** bwrap args shared by every job: the read-only system directories (/etc comes separately). */
  args: readonly string[];
}

/** Reads the host's root layout once: merged-/usr systems symlink /bin and /lib, others don't. */
export async function systemLayout(): Promise<SystemLayout> {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    const stat = await fs.lstat(top).catch(() => undefined);
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', await fs.readlink(top), top);
    else if (stat.isDirectory()) args.push('--ro-bind', top, top);
  }
  return { args: Object.freeze(args) };
}

export interface BoxEntry {
  /** Path relative to the box. */
  relative: string;
  kind: 'dir' | 'file' | 'symlink';
  /** For files: the fd number the child sees; for symlinks: the target. */
  fdOrTarget: number | string;
  mode: number;
}

export interface BwrapArgsInput {
  layout: SystemLayout;
  /** Host copy of the allow-listed /etc (see etc-snapshot.ts), bound read-only as /etc. */
  etcDir: string;
  disableUserns: boolean;
  uid: number;
  gid: number;
  boxSize: number;
  entries: readonly BoxEntry[];
  binds: readonly { source: string; target: string }[];
  /**
   * Host directories bound after the box, never inside it (a preview's bridge folder, read-only:
   * the sandbox connects to the executor's socket there and can write nothing).
   */
  lateBinds?: readonly { source: string; target: string; readOnly?: boolean }[];
  carryOut: boolean;
  carryOutSource?: string;
  env: Readonly<Record<string, string>>;
  argv: readonly string[];
}

export function bwrapArgs(input: BwrapArgsInput): string[] {
  const args = [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(input.uid),
    '--gid',
    String(input.gid),
    '--hostname',
    'pairpad',
    ...input.layout.args,
    '--ro-bind',
    input.etcDir,
    '/etc',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
  ];
  if (input.disableUserns) args.push('--disable-userns');
  for (const bind of input.binds) args.push('--ro-bind', bind.source, bind.target);
  args.push('--size', String(input.boxSize), '--perms', '0755', '--tmpfs', BOX);
  for (const entry of input.entries) {
    const target = path.posix.join(BOX, entry.relative);
    if (entry.kind === 'dir') args.push('--perms', (entry.mode & 0o777).toString(8).padStart(4, '0'), '--dir', target);
    else if (entry.kind === 'symlink') args.push('--symlink', String(entry.fdOrTarget), target);
    else args.push('--perms', (entry.mode & 0o777).toString(8).padStart(4, '0'), '--file', String(entry.fdOrTarget), target);
  }
  // /tmp points into the box so temporary files count against the box size too.
  args.push('--dir', `${BOX}/.tmp`, '--symlink', `${BOX}/.tmp`, '/tmp');
  if (input.carryOut && input.carryOutSource) args.push('--bind', input.carryOutSource, CARRY_OUT);
  for (const bind of input.lateBinds ?? []) args.push(bind.readOnly ? '--ro-bind' : '--bind', bind.source, bind.target);
  // Everything bwrap created on its root tmpfs, and /dev (whose /dev/shm would be an unbounded
  // writable tmpfs), become read-only; the box stays writable. Device nodes still work.
  args.push('--remount-ro', '/', '--remount-ro', '/dev', '--chdir', BOX, '--clearenv');
  for (const [key, value] of Object.entries(input.env)) args.push('--setenv', key, value);
  args.push('--', ...input.argv);
  return args;
}
