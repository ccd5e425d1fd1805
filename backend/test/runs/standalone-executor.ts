import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from '../helpers/wait-for';
import { waitForValue } from './run-helpers';

export interface StandaloneExecutor {
  child: ChildProcess;
  url: string;
  port: number;
  /** Its stderr so far (one JSON line per log entry). */
  log(): string;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * The real executor as its own process (`npm run executor`: the executor package's server, the
 * real sandbox), so a test can SIGKILL it mid-run. Port 0 unless `port` is given (a restart on
 * the address the backend knows); resolves once it is ready (its runtimes proven).
 */
export async function spawnExecutor(options: { port?: number; env?: Record<string, string> } = {}): Promise<StandaloneExecutor> {
  const child = spawn(process.execPath, ['--import', 'tsx', '../packages/executor/src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...process.env,
      EXECUTOR_HOST: '127.0.0.1',
      EXECUTOR_PORT: String(options.port ?? 0),
      EXECUTOR_RUNTIMES: 'python',
      PISTON_RUN_TIMEOUT: '30000',
      PISTON_RUN_CPU_TIME: '30000',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The executor logs one JSON line per entry on stderr; "executor listening" carries its URL.
  const url = await waitForValue(() => /"message":"executor listening".*?"url":"([^"]+)"/.exec(log)?.[1], {
    // A start budget (polled): a process start took over 30 s at load 33.
    timeoutMs: 120_000,
    what: `executor to listen (log: ${log.slice(-500)})`,
  });
  await waitFor(
    async () => {
      const health = (await (await fetch(`${url}/health`)).json()) as { ready?: boolean };
      return health.ready === true;
    },
    { timeoutMs: 60_000, what: 'executor ready' },
  );
  return {
    child,
    url,
    port: Number(new URL(url).port),
    log: () => log,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
