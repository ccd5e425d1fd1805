import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { BACKEND_PORT, FRONTEND_PORT } from './env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXECUTOR_PORT = Number(process.env.E2E_EXECUTOR_PORT ?? 2100);

/**
 * A second PairPad (backend + production frontend) with a fresh, empty DATA_DIR: no admin yet, so
 * the backend writes a one-time setup code to `${dataDir}/setup-code.txt`. On the run's ports + 1,
 * so the shared servers of the other specs are left alone. The frontend reuses the run's build.
 */
export interface TeamServers {
  backendUrl: string;
  frontendUrl: string;
  dataDir: string;
  /** The setup code, once the backend has written it. */
  setupCode(): Promise<string>;
  stop(): Promise<void>;
}

export interface TeamServerOptions {
  /** How long a room lives after its last activity: short, so a test can let it expire. */
  sessionTtlSeconds: number;
}

/** Settings of this machine's shell that would give the second backend an admin or another store. */
const NOT_INHERITED = ['ADMIN_EMAIL', 'ADMIN_PASSWORD', 'DATABASE_URL', 'REDIS_URL', 'DATA_DIR'];

function startProcess(command: string[], cwd: string, extra: NodeJS.ProcessEnv, name: string): ChildProcess {
  const env = { ...process.env };
  for (const key of NOT_INHERITED) delete env[key];
  // Its own process group: stopping it ends tsx's and next's children too, and nothing else.
  const child = spawn(process.execPath, command, { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const echo = (chunk: Buffer) => {
    if (process.env.E2E_SERVER_LOGS) process.stdout.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout?.on('data', echo);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString()}`));
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitForOk(url: string, timeout: number): Promise<void> {
  await expect
    .poll(async () => (await fetch(url).catch(() => null))?.status ?? 0, {
      message: `waiting for ${url}`,
      timeout,
      intervals: [250, 500, 1000],
    })
    .toBe(200);
}

export async function startTeamServers(options: TeamServerOptions): Promise<TeamServers> {
  const backendPort = BACKEND_PORT + 1;
  const frontendPort = FRONTEND_PORT + 1;
  const backendUrl = `http://localhost:${backendPort}`;
  const frontendUrl = `http://localhost:${frontendPort}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-e2e-team-'));
  const backend = startProcess(
    [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'backend/src/main.ts'],
    repoRoot,
    {
      PORT: String(backendPort),
      CLIENT_URL: frontendUrl,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      EXECUTOR_PORT: String(EXECUTOR_PORT + 1),
      DATA_DIR: dataDir,
      SESSION_TTL_SECONDS: String(options.sessionTtlSeconds),
    },
    'team-backend',
  );
  const frontend = startProcess(
    [path.join(repoRoot, 'frontend', 'serve', 'server.mjs'), '-p', String(frontendPort)],
    path.join(repoRoot, 'frontend'),
    { API_URL: backendUrl, NEXT_TELEMETRY_DISABLED: '1' },
    'team-frontend',
  );
  const stop = async () => {
    await Promise.all([stopProcess(frontend), stopProcess(backend)]);
  };
  try {
    await Promise.all([waitForOk(`${backendUrl}/health/live`, 60_000), waitForOk(`${frontendUrl}/sign-in`, 60_000)]);
  } catch (error) {
    await stop();
    throw error;
  }
  const codeFile = path.join(dataDir, 'setup-code.txt');
  return {
    backendUrl,
    frontendUrl,
    dataDir,
    async setupCode() {
      await expect.poll(() => existsSync(codeFile), { message: `waiting for ${codeFile}` }).toBe(true);
      return readFileSync(codeFile, 'utf8').trim();
    },
    stop,
  };
}
