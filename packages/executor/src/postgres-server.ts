import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, promises as fs, readdirSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ExecutorLogger } from './logger';
import type { ExtraBind } from './sandbox';

/**
 * The PostgreSQL server of SQL (PostgreSQL) runs: one server per executor, its data in RAM when
 * there is room (postgresParentDir), else in the work dir; the cluster is the executor's own and
 * disposable (never restarted on its data), so it runs without crash safety (fsync, full pages and
 * synchronous commits off, WAL kept small). It is reachable only through a unix socket (no TCP listener at all),
 * whose folder is bound read-only into a run's sandbox. Each run gets its own role and its own
 * database cloned from template0, owned by that role; no other database accepts it (CONNECT
 * revoked from PUBLIC everywhere), it is no superuser and may create no role or database, its
 * statements stop at the run's time limit (statement_timeout) and its temp files at a cap; the
 * database and the role are dropped when the run ends, whatever happened, off the run's path.
 * A few such pairs are made ahead of time (SPARES), each used by one run only, by the executor's
 * own superuser connections (kept open, their backends at a lower CPU priority than runs), so a
 * run waits for no statement at all. As root the server runs as the `postgres` user (never the
 * jobs' uid, so a job cannot reach its files or signal it).
 */

/** Where the socket's folder appears inside the sandbox. */
export const SANDBOX_SOCKET_DIR = '/run/postgresql';
const ADMIN = 'pairpad_admin';
/** Temp files one run's queries may write (sorts, hashes that spill), on the server's disk (superuser-only setting). */
const TEMP_FILE_LIMIT = '64MB';
/** Niceness of the superuser connections' backends: making and dropping databases yields to runs. */
const ADMIN_NICENESS = 10;
/**
 * Databases kept made ahead of time: two cover back-to-back runs (and a room's test cases, run
 * one after the other) while the next is made; each is a role and ~7 MB of template0's files.
 */
const SPARES = 2;

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

/** statfs(2)'s f_type of a tmpfs. */
const TMPFS_MAGIC = 0x01021994;
/** Free room a tmpfs must have to hold the server: ~40 MB of cluster, WAL up to max_wal_size, ~7.5 MB a database. */
export const TMPFS_MIN_FREE_BYTES = 512 * 1024 * 1024;

/**
 * Where the server's folder goes: in RAM (/dev/shm) when it is a tmpfs with room to spare, else
 * in the executor's work dir. The cluster is the executor's own and thrown away when it stops, so
 * nothing of it needs a disk; and every run creates then deletes a database's ~300 files, which on
 * some disks costs far more than the run (ext4 without a journal scans every inode deleted in the
 * last 5 minutes for each file it creates: CREATE DATABASE took 190 ms of CPU there after a few
 * dozen runs, 14 ms on tmpfs; bench/RESULTS.md). A container's /dev/shm is 64 MB unless it is
 * given more (`shm_size`), so there the work dir is used. In RAM, what a run writes into its
 * database holds memory until the database is dropped after the run (as it holds disk in the work
 * dir): its time limit bounds how much that can be, the tmpfs's size is the ceiling.
 */
export function postgresParentDir(workDir: string, shm = '/dev/shm', statfs: typeof statfsSync = statfsSync): string {
  try {
    const stats = statfs(shm);
    if (stats.type !== TMPFS_MAGIC || stats.bavail * stats.bsize < TMPFS_MIN_FREE_BYTES) return workDir;
    accessSync(shm, fsConstants.W_OK);
    return shm;
  } catch {
    return workDir;
  }
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

interface Spare {
  name: string;
  password: string;
}

export class PostgresServer {
  /** Databases (and roles) handed to runs and not dropped yet. */
  private readonly inUse = new Set<string>();
  /** Made ahead of time, oldest first: a run takes one instead of waiting for CREATE DATABASE. */
  private readonly spares: Spare[] = [];
  private filling: Promise<void> | undefined;
  private closing = false;

  private constructor(
    private readonly dir: string,
    private readonly bin: string,
    private readonly socketDir: string,
    private readonly pool: pg.Pool,
    private readonly child: ChildProcess,
    readonly version: string,
    private readonly logger: ExecutorLogger,
  ) {}

  private get fileCopy(): string {
    return Number(this.version.split('.')[0]) >= 15 ? ' STRATEGY FILE_COPY' : '';
  }

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
      // md5, not scram-sha-256: a role stored with a SCRAM verifier (the admin) still logs in with
      // SCRAM, a run's role (stored as md5, below) with md5, which spares psql in the sandbox the
      // 4096 PBKDF2 rounds of SCRAM's client proof (6.4 vs 10.1 ms of psql's CPU per run). The
      // secret is a random 144-bit password, its role lives for one run, the socket is local.
      '--auth-local=md5',
      '--auth-host=reject',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await execFileAsync(initdb, initArgs, env);
    await fs.rm(pwfile, { force: true });
    const version = (await execFileAsync(path.join(bin, 'postgres'), ['--version'], env)).replace(/^\D*/, '').trim().split(/\s/)[0] ?? '';
    // PostgreSQL 18 deprecates md5 passwords and warns at each login: the warning would be in a run's output.
    const md5Warnings = Number(version.split('.')[0]) >= 18 ? ['-c', 'md5_password_warnings=off'] : [];
    const [postgres, args] = asServer(path.join(bin, 'postgres'), [
      ...md5Warnings,
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
      `temp_file_limit=${TEMP_FILE_LIMIT}`,
      '-c',
      'max_wal_size=64MB',
      '-c',
      'min_wal_size=32MB',
      '-c',
      'max_connections=64',
      '-c',
      'shared_buffers=32MB',
    ]);
    const child = spawn(postgres, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
    // The superuser's own connections, kept open: a run's database costs statements, not a psql
    // process and a SCRAM handshake each (a handful of them: spares are made one at a time).
    const pool = new pg.Pool({ host: socketDir, user: ADMIN, password, database: 'postgres', max: 3, idleTimeoutMillis: 0 });
    const server = new PostgresServer(dir, bin, socketDir, pool, child, version, logger);
    // An idle connection's error (the server restarting, or stopping at close) must not crash us.
    const onError = (error: Error) => server.closing || logger.warn('postgres admin connection failed', { error: error.message });
    pool.on('error', onError);
    pool.on('connect', (client) => {
      client.on('error', onError);
      // Its backend (a child of the server's process, its pid from the connection's start-up) runs
      // at a lower priority than runs' backends.
      const backend = (client as pg.PoolClient & { processID?: number | null }).processID;
      try {
        if (backend) os.setPriority(backend, ADMIN_NICENESS);
      } catch (error) {
        logger.warn('could not lower the priority of a postgres admin connection', { error: (error as Error).message });
      }
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited during start-up: ${output.trim().slice(-500)}`);
      try {
        await pool.query('SELECT 1');
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          await pool.end().catch(() => undefined);
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
    server.refill();
    return server;
  }

  /** Runs statements as the server's superuser, one at a time (CREATE DATABASE cannot share a transaction). */
  private async admin(statements: readonly string[]): Promise<void> {
    for (const statement of statements) await this.pool.query(statement);
  }

  /**
   * A fresh database and role for one run, its statements limited to `timeoutMs`. One made ahead
   * of time is taken when there is one (no statement left on the run's path); a new one is made
   * in its place once the run has ended. statement_timeout comes with psql's connection
   * (PGOPTIONS): as binding as a role's setting, which the run could also override with SET (the
   * run's time limit is what stops psql; DROP DATABASE … WITH (FORCE) ends its backend after).
   */
  async createRunDatabase(timeoutMs: number): Promise<PostgresRunDatabase> {
    const spare = this.spares.shift() ?? (await this.makeSpare());
    this.inUse.add(spare.name);
    let ended: Promise<void> | undefined;
    return {
      env: {
        PGHOST: SANDBOX_SOCKET_DIR,
        PGUSER: spare.name,
        PGDATABASE: spare.name,
        PGPASSWORD: spare.password,
        PGOPTIONS: `-c statement_timeout=${Math.max(1, Math.round(timeoutMs))}`,
      },
      binds: [{ source: this.socketDir, target: SANDBOX_SOCKET_DIR }],
      end: () => (ended ??= this.drop(spare.name).then(() => this.refill())),
    };
  }

  /** A role and its own database, made as a run's would be but not handed out yet. */
  private async makeSpare(): Promise<Spare> {
    const name = `pad_${randomBytes(8).toString('hex')}`;
    const password = randomBytes(18).toString('hex');
    // The md5 verifier is given, not the password: the server stores it as is (no hashing).
    const verifier = `md5${createHash('md5')
      .update(password + name)
      .digest('hex')}`;
    await this.admin([
      `CREATE ROLE ${name} LOGIN PASSWORD '${verifier}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 4`,
      // FILE_COPY (PostgreSQL 15+): copying template0's files is quicker than WAL-logging them
      // (62 vs 92 ms p50 under load; fsync is off, so its checkpoints do not wait on the disk).
      `CREATE DATABASE ${name} OWNER ${name} TEMPLATE template0 ENCODING 'UTF8'${this.fileCopy}`,
      `REVOKE ALL ON DATABASE ${name} FROM PUBLIC`,
    ]).catch(async (error: Error) => {
      await this.drop(name);
      throw error;
    });
    return { name, password };
  }

  /** Drops a run's (or a spare's) database and role; never throws (logged). */
  private drop(name: string): Promise<void> {
    return this.admin([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `DROP ROLE IF EXISTS ${name}`])
      .catch((error: Error) => this.logger.warn('could not drop a run database', { database: name, error: error.message }))
      .finally(() => this.inUse.delete(name));
  }

  /** Tops the spares up to SPARES, one at a time, in the background (failures are logged, not thrown). */
  private refill(): void {
    if (this.filling || this.closing) return;
    this.filling = (async () => {
      while (!this.closing && this.spares.length < SPARES) {
        try {
          const spare = await this.makeSpare();
          if (this.closing) await this.drop(spare.name);
          else this.spares.push(spare);
        } catch (error) {
          if (!this.closing) this.logger.warn('could not make a spare run database', { error: (error as Error).message });
          return;
        }
      }
    })().finally(() => (this.filling = undefined));
  }

  /** Names of the databases handed to runs that exist now (for tests and health); spares are not runs'. */
  async runDatabases(): Promise<string[]> {
    const { rows } = await this.pool.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1::text[])', [
      [...this.inUse],
    ]);
    return rows.map((row) => row.datname);
  }

  /** Stops the server and removes its data: nothing of any run outlives the executor. */
  async close(): Promise<void> {
    this.closing = true;
    await this.filling;
    await this.pool.end().catch(() => undefined);
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
