import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutorLogger } from './logger';
import type { ExtraBind } from './sandbox';

/**
 * The PostgreSQL server of SQL (PostgreSQL) runs: one server per executor, its data in the work
 * dir (throwaway: fsync off), reachable only through a unix socket (no TCP listener at all),
 * whose folder is bound read-only into a run's sandbox. Each run gets its own role and its own
 * database cloned from template0, owned by that role; no other database accepts it (CONNECT
 * revoked from PUBLIC everywhere), it is no superuser and may create no role or database, its
 * statements stop at the run's time limit (statement_timeout) and its temp files at a cap; the
 * database and the role are dropped when the run ends, whatever happened. As root the server
 * runs as the `postgres` user (never the jobs' uid, so a job cannot reach its files or signal it).
 */

/** Where the socket's folder appears inside the sandbox. */
export const SANDBOX_SOCKET_DIR = '/run/postgresql';
const ADMIN = 'pairpad_admin';
/** Temp files one run's queries may write (sorts, hashes that spill), on the server's disk. */
const TEMP_FILE_LIMIT = '64MB';

function execFileAsync(file: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { env, timeout: 30_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)}: ${String(stderr).trim() || error.message}`));
      else resolve(String(stdout));
    });
  });
}

/** Debian keeps the server binaries in /usr/lib/postgresql/<major>/bin; the newest major wins. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(base, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(base, majors[0], 'bin') : undefined;
}

/** The `postgres` account's uid and gid, to run the server as when we are root. */
function postgresAccount(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/** A run's own database and role; `end()` drops both (idempotent). */
export interface PostgresRunDatabase {
  env: Record<string, string>;
  binds: ExtraBind[];
  end(): Promise<void>;
}

export class PostgresServer {
  private constructor(
    private readonly dir: string,
    private readonly bin: string,
    private readonly socketDir: string,
    private readonly password: string,
    private readonly child: ChildProcess,
    readonly version: string,
    private readonly logger: ExecutorLogger,
  ) {}

  get psql(): string {
    return path.join(this.bin, 'psql');
  }

  /** initdb (first time) and start the server in `dir`; throws with the reason when it cannot. */
  static async start(dir: string, logger: ExecutorLogger): Promise<PostgresServer> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
    const isRoot = process.getuid?.() === 0;
    const account = isRoot ? postgresAccount() : undefined;
    if (isRoot && !account) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
    const data = path.join(dir, 'data');
    const socketDir = path.join(dir, 'socket');
    const password = randomBytes(24).toString('hex');
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(socketDir, { recursive: true, mode: 0o755 });
    await fs.chmod(dir, 0o711);
    await fs.chmod(socketDir, 0o755);
    const pwfile = path.join(dir, 'pwfile');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (account) for (const target of [dir, socketDir, pwfile]) await fs.chown(target, account.uid, account.gid);
    const asServer = (file: string, args: string[]): [string, string[]] =>
      account
        ? ['/usr/bin/setpriv', ['--reuid', String(account.uid), '--regid', String(account.gid), '--clear-groups', file, ...args]]
        : [file, args];
    const env = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
    const [initdb, initArgs] = asServer(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      ADMIN,
      `--pwfile=${pwfile}`,
      '--auth-local=scram-sha-256',
      '--auth-host=reject',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await execFileAsync(initdb, initArgs, env);
    await fs.rm(pwfile, { force: true });
    const [postgres, args] = asServer(path.join(bin, 'postgres'), [
      '-D',
      data,
      '-k',
      socketDir,
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_permissions=0777',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=64',
      '-c',
      'shared_buffers=32MB',
    ]);
    const child = spawn(postgres, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
    const version = (await execFileAsync(path.join(bin, 'postgres'), ['--version'], env)).replace(/^\D*/, '').trim().split(/\s/)[0] ?? '';
    const server = new PostgresServer(dir, bin, socketDir, password, child, version, logger);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited during start-up: ${output.trim().slice(-500)}`);
      try {
        await server.admin(['SELECT 1']);
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`postgres did not accept connections within 20 s: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // No database but a run's own accepts a run's role.
    await server.admin([
      'REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC',
      'REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC',
    ]);
    logger.info('postgres ready', { version, socketDir });
    return server;
  }

  /** Runs statements as the server's superuser, each on its own (CREATE DATABASE cannot share a transaction). */
  private admin(statements: readonly string[]): Promise<string> {
    const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', this.socketDir, '-U', ADMIN, '-d', 'postgres'];
    for (const statement of statements) args.push('-c', statement);
    return execFileAsync(this.psql, args, { PATH: '/usr/bin:/bin', PGPASSWORD: this.password, LANG: 'C.UTF-8' });
  }

  /** A fresh database and role for one run, its statements limited to `timeoutMs`. */
  async createRunDatabase(timeoutMs: number): Promise<PostgresRunDatabase> {
    const name = `pad_${randomBytes(8).toString('hex')}`;
    const password = randomBytes(18).toString('hex');
    await this.admin([
      `CREATE ROLE ${name} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 4`,
      `ALTER ROLE ${name} SET statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`,
      `ALTER ROLE ${name} SET temp_file_limit = '${TEMP_FILE_LIMIT}'`,
      // FILE_COPY (PostgreSQL 15+): copying template0's files is far quicker than WAL-logging them (fsync is off anyway).
      `CREATE DATABASE ${name} OWNER ${name} TEMPLATE template0 ENCODING 'UTF8'${Number(this.version.split('.')[0]) >= 15 ? ' STRATEGY FILE_COPY' : ''}`,
      `REVOKE ALL ON DATABASE ${name} FROM PUBLIC`,
    ]);
    let ended: Promise<void> | undefined;
    return {
      env: { PGHOST: SANDBOX_SOCKET_DIR, PGUSER: name, PGDATABASE: name, PGPASSWORD: password },
      binds: [{ source: this.socketDir, target: SANDBOX_SOCKET_DIR }],
      end: () =>
        (ended ??= this.admin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `DROP ROLE IF EXISTS ${name}`])
          .then(() => undefined)
          .catch((error: Error) => this.logger.warn('could not drop a run database', { database: name, error: error.message }))),
    };
  }

  /** Names of the databases of runs that exist now (for tests and health). */
  async runDatabases(): Promise<string[]> {
    const out = await this.admin(["SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'pad\\_%'"]);
    return out.trim() ? out.trim().split(',') : [];
  }

  /** Stops the server and removes its data: nothing of any run outlives the executor. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      // SIGINT: PostgreSQL's fast shutdown (sessions ended, no waiting for clients).
      this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
