import { promises as fs } from 'node:fs';
import { startExecutor, type ExecutorHandle } from '@pairpad/executor';
import { LAUNCHER_NAME } from '@pairpad/executor/launcher';
import type { ExecutorLogger } from '@pairpad/executor/logger';

export interface TestExecutor {
  handle: ExecutorHandle;
  url: string;
  logs: { level: string; message: string; meta?: object }[];
  post(path: string, body: unknown, contentType?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; body: unknown }>;
  execute(body: Record<string, unknown>): Promise<ExecuteBody>;
  close(): Promise<void>;
}

export interface StageBody {
  stdout: string;
  stderr: string;
  output: string;
  code: number | null;
  signal: string | null;
  message: string | null;
  status: string | null;
  cpu_time: number | null;
  wall_time: number | null;
  memory: number | null;
}

export interface ExecuteBody {
  language: string;
  version: string;
  run: StageBody;
  compile?: StageBody;
}

/** A real executor on 127.0.0.1, port 0, with the real sandbox; env extends process.env. */
export async function startTestExecutor(env: Record<string, string> = {}): Promise<TestExecutor> {
  const logs: TestExecutor['logs'] = [];
  const logger: ExecutorLogger = {
    info: (message, meta) => logs.push({ level: 'info', message, meta }),
    warn: (message, meta) => logs.push({ level: 'warn', message, meta }),
    error: (message, meta) => logs.push({ level: 'error', message, meta }),
  };
  const handle = await startExecutor({ env: { ...process.env, ...env }, host: '127.0.0.1', port: 0, logger });
  const url = handle.url;
  const post: TestExecutor['post'] = async (path, body, contentType = 'application/json') => {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    handle,
    url,
    logs,
    post,
    async get(path) {
      const res = await fetch(url + path);
      return { status: res.status, body: await res.json() };
    },
    async execute(body) {
      const res = await post('/api/v2/execute', body);
      if (res.status !== 200) throw new Error(`execute answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as unknown as ExecuteBody;
    },
    close: () => handle.close(),
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const single = (language: string, content: string, extra: Record<string, unknown> = {}) => ({
  language,
  version: '*',
  files: [{ content }],
  ...extra,
});

/** A host uid for one test run's jobs (root only): PairPad's reserved range, varied by pid. */
export function testSandboxUid(): number {
  return 65200 + (process.pid % 300);
}

/** `pid name` of every process on the host whose real uid is `uid`. */
export async function processesOfUid(uid: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await fs.readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    if (/^Uid:\s+(\d+)/m.exec(status)?.[1] === String(uid)) found.push(`${entry} ${(/^Name:\s+(.*)$/m.exec(status)?.[1] ?? '').trim()}`);
  }
  return found;
}

/**
 * True for an idle pre-spawned stage launcher of the executor whose pid is `serverPid`: as
 * root, launchers wait for their orders as the sandbox uid (see launcher.ts). One is told
 * apart by its parent, the server itself or a launcher family the server spawned (a job's
 * processes have bwrap, the sandbox's init or the host's as parent, and cannot change that),
 * and by its name, `LAUNCHER_NAME` as $0 of its script (a launcher that has exec'd bwrap is a
 * running stage, not idle). A family itself counts as an idle launcher too.
 */
export async function isIdleLauncher(pid: string, serverPid: number): Promise<boolean> {
  const launcher = async (candidate: string) => {
    const argv = (await fs.readFile(`/proc/${candidate}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    return argv.at(-1) === LAUNCHER_NAME;
  };
  const parentOf = async (candidate: string) =>
    /^PPid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${candidate}/status`, 'utf8').catch(() => ''))?.[1];
  if (!(await launcher(pid))) return false;
  const parent = await parentOf(pid);
  if (parent === String(serverPid)) return true;
  // A family member: its parent is a family (a launcher too) whose parent is the server.
  return parent !== undefined && (await launcher(parent)) && (await parentOf(parent)) === String(serverPid);
}

/** `pid name` of the processes of `uid` other than the in-process executor's idle launchers. */
export async function jobProcessesOfUid(uid: number, serverPid = process.pid): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await processesOfUid(uid)) {
    if (!(await isIdleLauncher(entry.split(' ')[0] ?? '', serverPid))) found.push(entry);
  }
  return found;
}
