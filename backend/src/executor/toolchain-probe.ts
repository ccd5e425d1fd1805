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
