import { execFile } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { Env } from './config';

/**
 * Helpers to find toolchains on the host. We look in system directories first (never a
 * user's shims such as pyenv's): the sandbox only sees /usr and what we bind explicitly.
 */

export const SYSTEM_BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'] as const;

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** First executable named one of `names` in `dirs`, with symlinks resolved. */
export async function findTool(names: readonly string[], dirs: readonly string[] = SYSTEM_BIN_DIRS): Promise<string | undefined> {
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface ProbeResult {
  stdout: string;
  stderr: string;
}

/** Runs a trusted probe command (outside the sandbox) with a short timeout. */
export function probe(file: string, args: readonly string[], env: Env = { PATH: '/usr/bin:/bin' }): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 15_000, env: env as NodeJS.ProcessEnv, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message.split('\n')[0] ?? ''}`));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Turns "5.2.15(1)-release", "v20.1.0", "go1.22.1", "17" into strict semver. */
export function toSemver(raw: string): string | undefined {
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(raw);
  if (!match) return undefined;
  const version = `${match[1]}.${match[2] ?? '0'}.${match[3] ?? '0'}`;
  return semver.valid(version) ?? undefined;
}

/** The server's PATH dirs plus $HOME/.cargo/bin: only to locate toolchains, never given to jobs. */
export function hostSearchDirs(env: Env, extra: readonly string[] = []): string[] {
  const fromPath = (env.PATH ?? '').split(':').filter((dir) => dir.startsWith('/'));
  const home = env.HOME ? [path.join(env.HOME, '.cargo/bin')] : [];
  return [...new Set([...SYSTEM_BIN_DIRS, ...extra, ...fromPath, ...home, '/usr/local/cargo/bin'])];
}

/** Where a toolchain found outside the sandbox's system dirs is bound inside it. */
export interface PlacedTool {
  /** The program's path inside the sandbox. */
  bin: string;
  /** Host directory → sandbox mount point, when the program lives outside /usr. */
  bind?: { source: string; target: string };
}

/** Paths the sandbox sees as they are on the host (it binds /usr and the merged-/usr links). */
const SANDBOX_VISIBLE = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/'];

/**
 * How the sandbox reaches the program at `realBin` (symlinks already resolved): in place when it
 * is under /usr, else its installation prefix (the parent of its `bin/`) bound at `mountPoint`.
 */
export function placeTool(realBin: string, mountPoint: string): PlacedTool {
  if (SANDBOX_VISIBLE.some((prefix) => realBin.startsWith(prefix))) return { bin: realBin };
  const dir = path.dirname(realBin);
  const source = path.basename(dir) === 'bin' ? path.dirname(dir) : dir;
  return { bin: path.posix.join(mountPoint, path.relative(source, realBin)), bind: { source, target: mountPoint } };
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Version dirs ("v20.11.1") sorted newest first; names that are not versions are dropped. */
function newestFirst(names: readonly string[]): string[] {
  return names.filter((name) => semver.valid(semver.clean(name) ?? '')).sort((a, b) => semver.rcompare(semver.clean(a)!, semver.clean(b)!));
}

/** The version an nvm alias file names ("20", "v20.11.1", "lts/iron"...) among the installed ones. */
function pickAlias(alias: string, installed: readonly string[]): string | undefined {
  const range = semver.validRange(alias.trim().replace(/^v/, ''));
  return range ? installed.find((name) => semver.satisfies(semver.clean(name)!, range)) : undefined;
}

/** nvm: `$NVM_DIR/versions/node/<v>/bin/node`, the `default` alias first, else the newest. */
async function nvmNodes(env: Env): Promise<string[]> {
  const nvmDir = env.NVM_DIR ?? (env.HOME ? path.join(env.HOME, '.nvm') : undefined);
  if (!nvmDir) return [];
  const versionsDir = path.join(nvmDir, 'versions/node');
  const installed = newestFirst(await subdirs(versionsDir));
  const alias = await fs.readFile(path.join(nvmDir, 'alias/default'), 'utf8').catch(() => '');
  const preferred = pickAlias(alias, installed);
  const ordered = preferred ? [preferred, ...installed.filter((name) => name !== preferred)] : installed;
  return ordered.map((name) => path.join(versionsDir, name, 'bin/node'));
}

/** fnm: `$FNM_DIR/aliases/default/bin/node`, else `node-versions/<v>/installation/bin/node`, newest first. */
async function fnmNodes(env: Env): Promise<string[]> {
  const dataHome = env.XDG_DATA_HOME ?? (env.HOME ? path.join(env.HOME, '.local/share') : undefined);
  const roots = env.FNM_DIR
    ? [env.FNM_DIR]
    : [dataHome && path.join(dataHome, 'fnm'), env.HOME && path.join(env.HOME, '.fnm')].filter((dir): dir is string => !!dir);
  const found: string[] = [];
  for (const root of roots) {
    found.push(path.join(root, 'aliases/default/bin/node'));
    const versionsDir = path.join(root, 'node-versions');
    for (const name of newestFirst(await subdirs(versionsDir))) found.push(path.join(versionsDir, name, 'installation/bin/node'));
  }
  return found;
}

export interface NodeSearch {
  env: Env;
  /** The running Node, the last resort (`process.execPath`). */
  execPath?: string;
  /** System bin dirs, searched first (injectable for tests). */
  systemDirs?: readonly string[];
}

/**
 * The Node binary jobs run with, symlinks resolved: a system one first, then nvm's, then fnm's
 * (installs that live in a home directory and are not on the server's PATH when it runs as a
 * service), then the Node running this server.
 */
export async function findNode({ env, execPath, systemDirs = SYSTEM_BIN_DIRS }: NodeSearch): Promise<string | undefined> {
  const system = await findTool(['node', 'nodejs'], systemDirs);
  const candidates = [...(system ? [system] : []), ...(await nvmNodes(env)), ...(await fnmNodes(env)), ...(execPath ? [execPath] : [])];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return fs.realpath(candidate);
  }
  return undefined;
}
