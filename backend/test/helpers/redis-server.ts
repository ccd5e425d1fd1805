import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL). Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Stops it and starts a fresh one on the same port: every key and runtime CONFIG is gone.
   * `whileDown` runs in between, to exercise clients during the outage.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

const MISSING =
  'redis-server is not installed, and the Redis tests need a real one. Run `npm run setup -- --with-redis` (`npm test` does this) or `sudo apt-get install redis-server`.';

/** Every server still running, killed on exit so a crashed test run leaves none behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function assertInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(MISSING);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One PING over a raw socket: true when the server answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function launch(port: number, dir: string, extraArgs: readonly string[]): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    ...extraArgs,
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) throw (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(MISSING) : spawnError;
    if (exited) throw new Error(`redis-server exited during startup on port ${port}:\n${output}`);
    if (await ping(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A real, throwaway redis-server on a free loopback port, without persistence.
 * Fails (never skips) when redis-server is not installed. Call stop() in an `after` hook.
 * `args` are extra redis-server options, e.g. `['--rename-command', 'CONFIG', '']` for a
 * managed-Redis look-alike.
 */
export async function startRedisServer(options: { args?: readonly string[] } = {}): Promise<TestRedisServer> {
  const extraArgs = options.args ?? [];
  assertInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // The free port can be taken between probing and binding: try a few.
  for (let attempt = 0; !child; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(port, dir, extraArgs);
    } catch (error) {
      if (attempt >= 2 || (error instanceof Error && error.message === MISSING)) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: ChildProcess | undefined = child;
  const stop = async () => {
    if (current) await terminate(current);
    current = undefined;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(whileDown) {
      await stop();
      await whileDown?.();
      current = await launch(port, dir, extraArgs);
    },
  };
}
