/**
 * A real, throwaway PostgreSQL server (Debian's `postgresql` package) for the store tests:
 * initdb into a temp folder, `postgres` on a free loopback port with fsync off, databases
 * created on demand, everything removed by stop(). Fails (never skips) when it is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgresServer {
  port: number;
  /** A URL of the maintenance database `postgres` (user `test`, trust auth on loopback). */
  url: string;
  /** Creates an empty database (or a copy of `template`) and answers its URL. */
  createDatabase(name?: string, template?: string): Promise<string>;
  /**
   * Stops the server as a crash would (SIGQUIT: immediate shutdown, every backend gone, crash
   * recovery at the next start), runs `whileDown`, then starts it again on the same data and port.
   */
  crash(whileDown?: () => Promise<void>): Promise<void>;
  /** Fast shutdown, then the folder is removed. Safe to call twice. */
  stop(): Promise<void>;
}

const MISSING =
  'PostgreSQL is not installed, and the store tests need a real one. Run `npm run setup -- --with-postgres` (`npm test` does this) or `sudo apt-get install postgresql`.';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Debian's server binaries live off PATH in /usr/lib/postgresql/<major>/bin; the newest major wins. */
function binDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((name) => existsSync(join(base, name, 'bin', 'initdb'))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (newest !== undefined) return join(base, newest, 'bin');
  const probe = spawnSync('initdb', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(MISSING);
  return '';
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as (apt-get install postgresql creates it)');
  return { uid: Number(uid), gid: Number(gid) };
}

function initdb(bin: string, dataDir: string, user: { uid: number; gid: number } | undefined): void {
  const result = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'test', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
    encoding: 'utf8',
    ...(user ?? {}),
  });
  if (result.error) throw (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(MISSING) : result.error;
  if (result.status !== 0) throw new Error(`initdb failed (${result.status}):\n${result.stderr}`);
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'test', database: 'postgres', connectionTimeoutMillis: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function launch(bin: string, dir: string, port: number, user: { uid: number; gid: number } | undefined): Promise<ChildProcess> {
  const args = ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`postgres exited during startup on port ${port}:\n${output}`);
    if (await accepts(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not accept connections on port ${port} within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

let databases = 0;

/** Starts a throwaway server; call stop() in an `after` hook. */
export async function startPostgresServer(): Promise<TestPostgresServer> {
  const bin = binDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  let child: ChildProcess | undefined;
  let port = 0;
  try {
    initdb(bin, join(dir, 'data'), user);
    // The free port can be taken between probing and binding: try a few.
    for (let attempt = 0; !child; attempt += 1) {
      port = await freePort();
      try {
        child = await launch(bin, dir, port, user);
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let current: ChildProcess | undefined = child;
  const url = (database: string) => `postgres://test@127.0.0.1:${port}/${database}`;
  return {
    port,
    url: url('postgres'),
    async createDatabase(name = `test_${process.pid}_${++databases}`, template?: string) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${pg.escapeIdentifier(name)}${template ? ` template ${pg.escapeIdentifier(template)}` : ''}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async crash(whileDown) {
      if (current) await terminate(current, 'SIGQUIT');
      await whileDown?.();
      current = await launch(bin, dir, port, user);
    },
    async stop() {
      if (current) await terminate(current, 'SIGINT');
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
