// The phases of a PostgreSQL pad's life on a private cluster, one variant of the cluster's
// settings at a time (what postgres-server.ts does, without the executor or the sandbox): CREATE
// ROLE, CREATE DATABASE, REVOKE, psql's first and second connection (c=1), the seed and query
// through psql, DROP DATABASE, DROP ROLE; median wall ms / mean CPU ms (the server's processes,
// this process and its reaped psql; /proc, 10 ms ticks, so small phases are coarse).
// As root (the server runs as `postgres`); the cluster goes in $TMPDIR (e.g. TMPDIR=/dev/shm).
//   node bench/sql-postgres-phases.mjs <cycles> <variant> [<variant> ...]
// A variant is `-` (the defaults) or comma-separated options: strategy=WAL_LOG, tpl=warm (a
// template database connected to once), minimal=1 (wal_level=minimal, max_wal_senders=0),
// noav=1 (autovacuum off), md5=1,hba=md5 (md5 passwords), c=1 (time connections apart).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const BIN = `/usr/lib/postgresql/${fs.readdirSync('/usr/lib/postgresql').sort((a, b) => b - a)[0]}/bin`;
const cycles = Number(process.argv[2] ?? 20);
const variants = process.argv.slice(3);
const SEED = `CREATE TABLE t (v INTEGER);\nINSERT INTO t (v) VALUES ${Array.from({ length: 1000 }, (_, i) => `(${i})`).join(', ')};\nSELECT count(*) FROM t;\n`;
const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString());
const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString());

function cpuOf(pid, children) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((+f[11] + +f[12] + (children ? +f[13] + +f[14] : 0)) / 100) * 1000;
}
function treeCpu(pm) {
  let total = cpuOf(pm, true);
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pm) total += cpuOf(Number(e), false);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}
const selfCpu = () => cpuOf(process.pid, true);

async function variant(spec) {
  const opts = Object.fromEntries(
    spec
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=')),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgph-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(sock);
  const pw = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(dir, 'pw'), pw + '\n');
  for (const p of [dir, sock, path.join(dir, 'pw')]) fs.chownSync(p, pgUid, pgGid);
  const as = ['--reuid', String(pgUid), '--regid', String(pgGid), '--clear-groups'];
  execFileSync(
    '/usr/bin/setpriv',
    [
      ...as,
      `${BIN}/initdb`,
      '-D',
      data,
      '-U',
      'adm',
      `--pwfile=${dir}/pw`,
      `--auth-local=${opts.hba ?? 'scram-sha-256'}`,
      '--auth-host=reject',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { stdio: 'ignore' },
  );
  const settings = [
    'listen_addresses=',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=64',
    'shared_buffers=32MB',
  ];
  if (opts.minimal) settings.push('wal_level=minimal', 'max_wal_senders=0');
  if (opts.noav) settings.push('autovacuum=off');
  if (opts.md5) settings.push('password_encryption=md5');
  const child = spawn('/usr/bin/setpriv', [...as, `${BIN}/postgres`, '-D', data, '-k', sock, ...settings.flatMap((s) => ['-c', s])], {
    stdio: 'ignore',
  });
  const pool = new pg.Pool({ host: sock, user: 'adm', password: pw, database: 'postgres', max: 3 });
  pool.on('error', () => {});
  for (;;) {
    try {
      await pool.query('SELECT 1');
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const strategy = opts.strategy ?? 'FILE_COPY';
  let template = 'template0';
  if (opts.tpl) {
    await pool.query(`CREATE DATABASE padtpl TEMPLATE template0 STRATEGY ${strategy}`);
    if (opts.tpl === 'warm') {
      // connect once so the relcache init file is written
      const c = new pg.Client({ host: sock, user: 'adm', password: pw, database: 'padtpl' });
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
    }
    if (opts.tpl === 'vac') {
      const c = new pg.Client({ host: sock, user: 'adm', password: pw, database: 'padtpl' });
      await c.connect();
      await c.query('VACUUM FREEZE');
      await c.end();
    }
    template = 'padtpl';
  }
  const pm = child.pid; // setpriv execs
  await new Promise((r) => setTimeout(r, 500));
  const names = ['role', 'db', 'revoke', 'c1', 'c2', 'seed', 'dropdb', 'droprole'];
  const acc = Object.fromEntries(
    names.flatMap((n) => [
      [n, []],
      [n + 'Cpu', []],
    ]),
  );
  const phase = async (name, fn) => {
    const c0 = treeCpu(pm) + selfCpu();
    const t0 = performance.now();
    await fn();
    acc[name].push(performance.now() - t0);
    acc[name + 'Cpu'].push(treeCpu(pm) + selfCpu() - c0);
  };
  const psql = (name, pass, sql, expect) =>
    new Promise((resolve, reject) => {
      const p = spawn(`${BIN}/psql`, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
        env: { PGHOST: sock, PGUSER: name, PGDATABASE: name, PGPASSWORD: pass, PATH: '/usr/bin:/bin' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('exit', (code) => (code === 0 && out.trim() === expect ? resolve() : reject(new Error(`psql ${code} ${out}`))));
    });
  for (let i = 0; i < cycles + 3; i++) {
    const name = `pad_${randomBytes(6).toString('hex')}`;
    const pass = randomBytes(12).toString('hex');
    await phase('role', () =>
      pool.query(`CREATE ROLE ${name} LOGIN PASSWORD '${pass}' NOSUPERUSER NOCREATEDB NOCREATEROLE CONNECTION LIMIT 4`),
    );
    await phase('db', () => pool.query(`CREATE DATABASE ${name} OWNER ${name} TEMPLATE ${template} STRATEGY ${strategy}`));
    await phase('revoke', () => pool.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`));
    if (opts.c) await phase('c1', () => psql(name, pass, 'SELECT 1', '1'));
    if (opts.c) await phase('c2', () => psql(name, pass, 'SELECT 1', '1'));
    await phase('seed', () => psql(name, pass, SEED, '1000'));
    await phase('dropdb', () => pool.query(`DROP DATABASE ${name} WITH (FORCE)`));
    await phase('droprole', () => pool.query(`DROP ROLE ${name}`));
    if (i === 2) for (const k of Object.keys(acc)) acc[k].length = 0;
  }
  const med = (a) => (a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1) : '-');
  const avg = (a) => (a.length ? (a.reduce((x, y) => x + y, 0) / a.length).toFixed(1) : '-');
  console.log(`${spec || 'default'} (${strategy}) load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  console.log('   ' + names.map((n) => `${n} ${med(acc[n])}/${avg(acc[n + 'Cpu'])}`).join(' | '));
  await pool.end();
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const v of variants) await variant(v === '-' ? '' : v);
