import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Docker engine, base images and containers, as the container suite needs them. */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const logDir = path.join(repoRoot, '.pairpad', 'test-output', 'containers');
/** `../shared/tools/local-images.sh`: stand-in base images for machines without Docker Hub. */
export const localImagesScript = path.resolve(repoRoot, '..', 'shared', 'tools', 'local-images.sh');

/** An append stream that never fails the run (another `npm test` may wipe .pairpad/test-output). */
function openLog(file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  stream.on('error', () => undefined);
  return stream;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed past `timeoutMs`); output also goes to `logFile` when given. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; logFile?: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = options.logFile ? openLog(options.logFile) : undefined;
    log?.write(`$ ${command} ${args.join(' ')}\n`);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      log?.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      log?.write(chunk);
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      log?.end(`\n(exit ${code})\n`);
      resolve({ code, stdout, stderr });
    };
    child.on('error', (error) => {
      stderr += error.message;
      finish(127);
    });
    child.on('close', (code) => finish(code));
  });
}

/** `docker …`, failing with its stderr unless `allowFailure`. */
export async function docker(
  args: readonly string[],
  options: { timeoutMs?: number; logFile?: string; allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  const result = await runCommand('docker', args, {
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.logFile ? { logFile: options.logFile } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (result.code !== 0 && !options.allowFailure) {
    throw new Error(
      `docker ${args.slice(0, 3).join(' ')} … exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(-2000)}`,
    );
  }
  return result;
}

const commandExists = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

async function engineAnswers(): Promise<string | undefined> {
  const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  return info.code === 0 ? undefined : (info.stderr.trim().split('\n').at(-1) ?? `docker info exited ${info.code}`);
}

async function waitForEngine(deadlineMs: number): Promise<string | undefined> {
  let reason = await engineAnswers();
  while (reason && Date.now() < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    reason = await engineAnswers();
  }
  return reason;
}

/**
 * A Docker engine to talk to, started when it is installed but not running. Answers undefined
 * when one answers, else why there is none (the suite then reports itself skipped).
 */
export async function ensureEngine(logFile: string): Promise<string | undefined> {
  const root = process.getuid?.() === 0;
  if (!commandExists('dockerd')) {
    if (!commandExists('docker') || (await engineAnswers())) {
      // local-images.sh installs Debian's docker.io and starts it on machines with apt and root (CI).
      if (!existsSync(localImagesScript) || !root || !commandExists('apt-get'))
        return 'docker is not installed or not answering, and dockerd is not installed';
      const installed = await runCommand('bash', [localImagesScript], { timeoutMs: 30 * 60_000, logFile });
      if (installed.code !== 0)
        return `${localImagesScript} could not install or start Docker (exit ${installed.code}): ${installed.stderr.trim().split('\n').at(-1)}`;
    }
    return waitForEngine(Date.now() + 30_000);
  }
  const reason = await engineAnswers();
  if (!reason) return undefined;
  if (process.env.DOCKER_HOST) return `docker info failed (${reason}); DOCKER_HOST is set, so no local dockerd is started`;
  if (!root) return `docker info failed (${reason}); starting dockerd needs root`;
  // Outside .pairpad/test-output, which every `npm test` wipes: dockerd outlives the run.
  const daemonLog = '/var/tmp/pairpad-dockerd.log';
  const out = openSync(daemonLog, 'a');
  // Left running afterwards, like a system service (other suites and users may share it).
  const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
  daemon.unref();
  const still = await waitForEngine(Date.now() + 90_000);
  return still ? `dockerd did not come up within 90 s (${still}); see ${daemonLog}` : undefined;
}

export interface BaseImages {
  NODE_IMAGE: string;
  REDIS_IMAGE: string;
  NGINX_IMAGE: string;
  /** True when they are local stand-ins (builds then run offline, with the legacy builder). */
  standIns: boolean;
}

const PUBLIC_IMAGES = { NODE_IMAGE: 'node:24-bookworm-slim', REDIS_IMAGE: 'redis:7-alpine', NGINX_IMAGE: 'nginx:1.27-alpine' };
const STAND_INS = {
  NODE_IMAGE: 'pairpad-local/node:24-bookworm-slim',
  REDIS_IMAGE: 'pairpad-local/redis:7',
  NGINX_IMAGE: 'pairpad-local/nginx:1',
};

const present = async (image: string) => (await docker(['image', 'inspect', image], { allowFailure: true, timeoutMs: 30_000 })).code === 0;

async function allPresent(images: Record<string, string>): Promise<boolean> {
  for (const image of Object.values(images)) if (!(await present(image))) return false;
  return true;
}

/**
 * The base images: given through the environment, else the public ones (present or pulled),
 * else the stand-ins from ../shared/tools/local-images.sh (built when missing).
 */
export async function ensureBaseImages(env: NodeJS.ProcessEnv, logFile: string): Promise<BaseImages> {
  if (env.NODE_IMAGE) {
    return {
      NODE_IMAGE: env.NODE_IMAGE,
      REDIS_IMAGE: env.REDIS_IMAGE ?? PUBLIC_IMAGES.REDIS_IMAGE,
      NGINX_IMAGE: env.NGINX_IMAGE ?? PUBLIC_IMAGES.NGINX_IMAGE,
      standIns: env.NODE_IMAGE.startsWith('pairpad-local/'),
    };
  }
  if (await allPresent(STAND_INS)) return { ...STAND_INS, standIns: true };
  let pulled = true;
  for (const image of Object.values(PUBLIC_IMAGES)) {
    if (await present(image)) continue;
    const pull = await docker(['pull', '-q', image], { allowFailure: true, timeoutMs: 120_000, logFile });
    if (pull.code !== 0) {
      pulled = false;
      break;
    }
  }
  if (pulled) return { ...PUBLIC_IMAGES, standIns: false };
  if (!existsSync(localImagesScript))
    throw new Error(`cannot pull ${PUBLIC_IMAGES.NODE_IMAGE} and there is no ${localImagesScript} to build stand-ins`);
  const built = await runCommand('bash', [localImagesScript], { timeoutMs: 30 * 60_000, logFile });
  if (built.code !== 0) throw new Error(`${localImagesScript} exited ${built.code}: ${built.stderr.trim().slice(-1500)}`);
  return { ...STAND_INS, standIns: true };
}

/** Polls `check` until it answers a value (not undefined) or the deadline passes. */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
}

export async function containerState(name: string): Promise<ContainerState> {
  const result = await docker(['inspect', '--format', '{{json .State}}', name]);
  return JSON.parse(result.stdout) as ContainerState;
}

/** The 127.0.0.1 host port Docker chose for a container port. */
export async function hostPort(name: string, containerPort: string): Promise<number> {
  const result = await docker(['port', name, `${containerPort}/tcp`]);
  const line = result.stdout.split('\n').find((entry) => entry.startsWith('127.0.0.1:'));
  if (!line) throw new Error(`${name} publishes no 127.0.0.1 port for ${containerPort}: ${result.stdout}`);
  return Number(line.split(':').at(-1));
}

export async function waitForHealth(name: string, status: 'healthy' | 'unhealthy', timeoutMs: number): Promise<ContainerState> {
  return pollUntil(
    `${name} to be ${status}`,
    timeoutMs,
    async () => {
      const state = await containerState(name);
      if (!state.Running && status === 'healthy') throw new Error(`${name} is not running (exit ${state.ExitCode})`);
      return state.Health?.Status === status ? state : undefined;
    },
    1000,
  );
}

/** The last lines of a container's log, for failure messages. */
export async function logsOf(name: string, lines = 40): Promise<string> {
  const result = await docker(['logs', '--tail', String(lines), name], { allowFailure: true });
  return `${result.stdout}${result.stderr}`.trim();
}
