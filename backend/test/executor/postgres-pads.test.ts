import assert from 'node:assert/strict';
import { readdirSync, readFileSync, type statfsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TMPFS_MIN_FREE_BYTES, postgresParentDir } from '@pairpad/executor/postgres-server';
import { eventually, startTestExecutor, type ExecuteBody, type TestExecutor } from './helpers';

/**
 * SQL (PostgreSQL) through the real sandbox and a real PostgreSQL server managed by the
 * executor: a database of its own per run, seeded by the request's other .sql files, dropped
 * after; the run's role reaches nothing else (other databases, other runs', roles, the server's
 * files or programs) and its statements stop at the run's time limit. Skipped, saying so, when
 * PostgreSQL's server binaries are not installed here.
 */

const SCHEMA = {
  name: 'setup/schema.sql',
  content: 'CREATE TABLE orders (id serial PRIMARY KEY, name text NOT NULL, total int NOT NULL);\n',
};
const SEED = { name: 'setup/seed.sql', content: "INSERT INTO orders (name, total) VALUES ('ann', 30), ('bob', 120), ('cid', 75);\n" };

describe('executor: SQL (PostgreSQL), a database per run', () => {
  let ex: TestExecutor;
  let offered = false;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'postgresql', EXECUTOR_POSTGRES: 'on', EXECUTOR_RUN_TIMEOUT: '5000' });
    await ex.handle.ready;
    offered = ((await ex.get('/api/v2/runtimes')).body as { language: string }[]).some((rt) => rt.language === 'postgresql');
  });
  after(async () => {
    await ex?.close();
  });

  const run = (query: string, extra: Record<string, unknown> = {}): Promise<ExecuteBody> =>
    ex.execute({ language: 'postgres', version: '*', files: [{ name: 'main.sql', content: query }, SCHEMA, SEED], ...extra });

  it('runs the query after the schema and seed, printing a table', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    const res = await run('SELECT name, total FROM orders WHERE total > 50 ORDER BY total DESC;\n');
    assert.equal(res.run.status, null, res.run.output);
    assert.equal(res.run.stdout, ' name | total \n------+-------\n bob  |   120\n cid  |    75\n(2 rows)\n\n');
    const plain = await run('SELECT name FROM orders ORDER BY name;\n', { args: ['-A', '-t'] });
    assert.equal(plain.run.stdout, 'ann\nbob\ncid\n');
  });

  it('gives each run a fresh database, and drops it after', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    for (let i = 0; i < 2; i++) {
      const res = await run("INSERT INTO orders (name, total) VALUES ('dee', 1);\nSELECT count(*) FROM orders;\n", { args: ['-A', '-t'] });
      assert.equal(res.run.stdout, '4\n', res.run.output);
    }
    await eventually(async () => (await ex.handle.postgresRunDatabases()).length === 0, 5000, 'run databases dropped');
  });

  it('stops at the first error, as RE, with PostgreSQL’s message', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    const res = await run("SELECT 1 AS one;\nSELEC 2;\nSELECT 'not reached';\n", { args: ['-A', '-t'] });
    assert.equal(res.run.status, 'RE');
    assert.equal(res.run.stdout, '1\n');
    assert.match(res.run.stderr, /syntax error at or near "SELEC"/);
  });

  it("limits statements to the run's time (statement_timeout), and a query that never ends is stopped and its database dropped", async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    const shown = await run('SHOW statement_timeout;\nSHOW temp_file_limit;\n', { args: ['-A', '-t'], run_timeout: 1500 });
    assert.equal(shown.run.stdout, '1500ms\n64MB\n');
    const endless = await run('SELECT pg_sleep(30);\n', { run_timeout: 1500 });
    assert.ok(endless.run.status === 'TO' || endless.run.status === 'RE', JSON.stringify(endless.run));
    assert.ok((endless.run.wall_time ?? 0) < 4000, `stopped early (${endless.run.wall_time} ms)`);
    await eventually(async () => (await ex.handle.postgresRunDatabases()).length === 0, 5000, 'run databases dropped');
  });

  it('refuses escalation: no superuser, no roles, no databases, no server programs or files, no other database', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    const attempts: [string, RegExp][] = [
      ['DROP DATABASE postgres;', /must be owner of database postgres|permission denied|cannot drop/],
      ['ALTER ROLE CURRENT_USER SUPERUSER;', /permission denied|must be superuser/],
      ['CREATE ROLE intruder SUPERUSER;', /permission denied|must be superuser/],
      ['CREATE ROLE intruder;', /permission denied/],
      ['CREATE DATABASE other;', /permission denied/],
      ['SET ROLE pairpad_admin;', /permission denied/],
      ['SET temp_file_limit = -1;', /permission denied/],
      ["COPY orders TO PROGRAM 'id';", /permission denied|must be superuser|pg_execute_server_program/],
      ["SELECT pg_read_file('/etc/passwd');", /permission denied/],
      ['SELECT rolpassword FROM pg_authid;', /permission denied/],
      ['\\c postgres', /permission denied for database "postgres"|not have CONNECT privilege/],
      ['\\c template1', /permission denied for database "template1"|not have CONNECT privilege/],
    ];
    for (const [statement, refusal] of attempts) {
      const res = await run(`${statement}\nSELECT 'after';\n`, { args: ['-A', '-t'] });
      assert.notEqual(res.run.status, null, `${statement} must fail: ${res.run.output}`);
      assert.match(res.run.stderr, refusal, statement);
      assert.ok(!res.run.stdout.includes('after'), `${statement}: the run stopped there`);
    }
  });

  it("cannot connect to another run's database while it runs", async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    await eventually(async () => (await ex.handle.postgresRunDatabases()).length === 0, 5000, 'earlier runs dropped');
    const holder = run('SELECT pg_sleep(3);\n', { run_timeout: 5000 });
    let held: string | undefined;
    await eventually(async () => (held = (await ex.handle.postgresRunDatabases())[0]) !== undefined, 5000, "the first run's database");
    // Its name, not any pad_ database's: one being dropped by then would answer "does not exist".
    const intruder = await run(`\\c ${held}\nSELECT 'connected';\n`, { args: ['-A', '-t'] });
    assert.notEqual(intruder.run.status, null, intruder.run.output);
    assert.match(intruder.run.stderr, /permission denied for database "pad_|not have CONNECT privilege/);
    assert.ok(!intruder.run.stdout.includes('connected'));
    assert.equal((await holder).run.status, null);
  });

  it('makes databases ahead of time: a spare waits beside a run, and the run cannot open it', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    // Once no run is in flight, every other pad_ database is a spare (none is being dropped).
    await eventually(async () => (await ex.handle.postgresRunDatabases()).length === 0, 5000, 'earlier runs dropped');
    const res = await run(
      "SELECT datname AS spare FROM pg_database WHERE datname LIKE 'pad\\_%' AND datname <> current_database() LIMIT 1 \\gset\n\\c :spare\nSELECT 'connected';\n",
      { args: ['-A', '-t'] },
    );
    assert.doesNotMatch(res.run.stderr, /no rows returned for \\gset/, 'a spare database exists beside the run');
    assert.match(res.run.stderr, /permission denied for database "pad_|not have CONNECT privilege/, res.run.output);
    assert.ok(!res.run.stdout.includes('connected'));
  });

  it('leaks nothing from one run to the next, however many runs take spares', async (t) => {
    if (!offered) return t.skip('PostgreSQL is not installed on this machine');
    const vandal = await run(
      [
        'UPDATE orders SET total = 0;',
        "DELETE FROM orders WHERE name = 'ann';",
        'CREATE TABLE leftover (v int);',
        'ALTER TABLE orders ADD COLUMN note text;',
        "ALTER ROLE CURRENT_USER SET search_path = 'nowhere';",
        'SELECT count(*), sum(total) FROM orders;',
      ].join('\n'),
      { args: ['-A', '-t'] },
    );
    assert.equal(vandal.run.stdout, '2|0\n', vandal.run.output);
    const probe =
      "SELECT count(*), sum(total), to_regclass('leftover') IS NULL, " +
      "(SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'), " +
      "current_setting('search_path') FROM orders;\n";
    // More runs than there are spares: the ones made after the vandal's run too.
    for (let i = 0; i < 4; i++) {
      const res = await run(probe, { args: ['-A', '-t'] });
      assert.equal(res.run.stdout, '3|225|t|0|"$user", public\n', res.run.output);
    }
  });
});

/** The processes of the PostgreSQL server this test process started (its backends): title and niceness. */
function serverChildren(): { title: string; nice: number }[] {
  const stat = (pid: string) => {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  const alive = (read: () => string[]) => {
    try {
      return read();
    } catch {
      return undefined; // exited meanwhile
    }
  };
  const servers = pids.filter((pid) => alive(() => stat(pid))?.[1] === String(process.pid));
  return pids.flatMap((pid) => {
    const fields = alive(() => stat(pid));
    if (!fields || !servers.includes(fields[1] ?? '')) return [];
    const title = alive(() => [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()])?.[0] ?? '';
    return [{ title, nice: Number(fields[16]) }];
  });
}

describe('executor: where the PostgreSQL server keeps its files', () => {
  const TMPFS = 0x01021994;
  const EXT4 = 0xef53;
  const fake = (type: number, freeBytes: number): typeof statfsSync =>
    (() => ({ type, bsize: 4096, bavail: Math.floor(freeBytes / 4096) })) as unknown as typeof statfsSync;

  it('puts the throwaway cluster in RAM when /dev/shm is a tmpfs with room', () => {
    // The folder given must be writable: this process's temp dir stands in for /dev/shm.
    assert.equal(postgresParentDir('/work', '/tmp', fake(TMPFS, TMPFS_MIN_FREE_BYTES * 2)), '/tmp');
  });

  it('uses RAM on this machine when /dev/shm has room, and removes the cluster when the executor stops', async (t) => {
    if (postgresParentDir('/nowhere') !== '/dev/shm') return t.skip('/dev/shm is not a tmpfs with room here');
    const mine = () => readdirSync('/dev/shm').filter((name) => name.startsWith(`pairpad-postgres-${process.pid}-`));
    const before = mine();
    const ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'postgresql', EXECUTOR_POSTGRES: 'on' });
    try {
      await ex.handle.ready;
      const res = await ex.execute({
        language: 'postgres',
        version: '*',
        files: [{ name: 'main.sql', content: 'SELECT 1;\n' }],
        args: ['-A', '-t'],
      });
      if (res.run.stderr.includes('not installed')) return t.skip('PostgreSQL is not installed on this machine');
      assert.equal(res.run.stdout, '1\n', res.run.output);
      assert.equal(mine().length, before.length + 1, 'its folder is in /dev/shm');
      // The executor's own connections (making and dropping databases) yield to runs.
      const admins = serverChildren().filter((child) => child.title.startsWith('postgres: pairpad_admin'));
      assert.ok(admins.length > 0, 'admin connections found');
      for (const admin of admins) assert.equal(admin.nice, 10, admin.title);
    } finally {
      await ex.close();
    }
    assert.deepEqual(mine(), before, 'and gone once the executor stopped');
  });

  it('keeps it in the work dir otherwise: not a tmpfs, too small (a container’s 64 MB), missing or not writable', () => {
    assert.equal(postgresParentDir('/work', '/tmp', fake(EXT4, TMPFS_MIN_FREE_BYTES * 2)), '/work');
    assert.equal(postgresParentDir('/work', '/tmp', fake(TMPFS, 64 * 1024 * 1024)), '/work');
    const missing = (() => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    }) as unknown as typeof statfsSync;
    assert.equal(postgresParentDir('/work', '/nowhere', missing), '/work');
    assert.equal(postgresParentDir('/work', '/does-not-exist', fake(TMPFS, TMPFS_MIN_FREE_BYTES * 2)), '/work');
  });
});
