import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BACKEND_ENV_NAMES, FRONTEND_ENV_NAMES, exists, isBackendHealthPath, readRepoFile, repoPath } from './deploy-helpers';
import { executorSettingsDocs } from '@pairpad/executor/config';

/** Procfile, railway.json, frontend/vercel.json, the systemd units and the pm2 file, checked by shape. */

const BACKEND_ENTRY = 'backend/dist/server.js';
const EXECUTOR_ENTRY = 'packages/executor/dist/executor.js';
const EXECUTOR_ENV_NAMES: ReadonlySet<string> = new Set([...executorSettingsDocs.map((doc) => doc.name), 'EXECUTOR_TOKEN', 'NODE_ENV']);
const rootScripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
const frontendScripts = (JSON.parse(readRepoFile('frontend/package.json')) as { scripts: Record<string, string> }).scripts;

/** `KEY=value` words before the command of a shell line. */
function leadingAssignments(command: string): { env: Record<string, string>; rest: string } {
  const env: Record<string, string> = {};
  let rest = command.trim();
  for (let match = /^([A-Z_][A-Z0-9_]*)=(\S*)\s+/.exec(rest); match; match = /^([A-Z_][A-Z0-9_]*)=(\S*)\s+/.exec(rest)) {
    env[match[1]!] = match[2]!;
    rest = rest.slice(match[0].length);
  }
  return { env, rest };
}

describe('Procfile', () => {
  const lines = readRepoFile('Procfile')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const processes = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));

  it('has one web process that runs the built backend', () => {
    assert.deepEqual(Object.keys(processes), ['web']);
    const { rest } = leadingAssignments(processes.web!);
    assert.equal(rest, `node ${BACKEND_ENTRY}`);
  });

  it('honours $PORT from the platform and listens on every interface', () => {
    const { env } = leadingAssignments(processes.web!);
    for (const name of Object.keys(env)) assert.ok(BACKEND_ENV_NAMES.has(name), `${name} is a backend setting`);
    assert.match(env.PORT ?? '$PORT', /^\$\{?PORT\b/, 'PORT comes from the platform, never a fixed number');
    assert.ok(env.HOST === undefined || env.HOST === '0.0.0.0');
  });
});

describe('railway.json', () => {
  const railway = JSON.parse(readRepoFile('railway.json')) as {
    build: { builder: string; buildCommand: string };
    deploy: { startCommand: string; healthcheckPath: string; healthcheckTimeout: number; restartPolicyType: string };
  };

  it('builds the backend workspace and starts the built server', () => {
    assert.ok(['RAILPACK', 'NIXPACKS', 'DOCKERFILE'].includes(railway.build.builder));
    assert.equal(railway.build.buildCommand, 'npm run build -w backend');
    assert.match(rootScripts.build!, /npm run build -w backend/, 'the same command the root build uses');
    assert.equal(railway.deploy.startCommand, `node ${BACKEND_ENTRY}`);
  });

  it('goes live only once ready (/health/ready: Redis reachable, code can run or EXECUTION_REQUIRED=false)', () => {
    // Railway's healthcheck gates a new deployment once; it is not a liveness probe.
    assert.equal(railway.deploy.healthcheckPath, '/health/ready');
    assert.ok(isBackendHealthPath(railway.deploy.healthcheckPath));
    assert.ok(railway.deploy.healthcheckTimeout >= 60, 'start-up probes the toolchains; give it time');
    assert.ok(['ON_FAILURE', 'ALWAYS'].includes(railway.deploy.restartPolicyType));
  });
});

describe('frontend/vercel.json', () => {
  const vercel = JSON.parse(readRepoFile('frontend/vercel.json')) as Record<string, unknown>;
  const frontendPackage = JSON.parse(readRepoFile('frontend/package.json')) as { dependencies: Record<string, string> };
  const sharedPackages = ['packages/protocol', 'packages/client'].map((dir) => ({
    dir,
    ...(JSON.parse(readRepoFile(`${dir}/package.json`)) as { name: string; version: string }),
  }));
  const lock = JSON.parse(readRepoFile('package-lock.json')) as {
    packages: Record<string, { dependencies?: Record<string, string>; link?: boolean; resolved?: string }>;
  };

  it('sits where Vercel reads it for Root Directory `frontend`; none at the repository root', () => {
    assert.ok(
      !exists('vercel.json'),
      'a root vercel.json is ignored with Root Directory frontend and cannot build from the root (no `next` there)',
    );
    assert.equal((JSON.parse(readRepoFile('package.json')) as { dependencies?: Record<string, string> }).dependencies?.next, undefined);
    assert.ok(frontendPackage.dependencies.next, 'Vercel detects Next.js from the Root Directory package.json');
  });

  it('installs the whole workspace from the repository root, then builds the Next.js frontend', () => {
    assert.equal(vercel.framework, 'nextjs');
    assert.equal(
      vercel.installCommand,
      'cd .. && npm ci --no-audit --no-fund',
      "install at the workspace root: the frontend compiles the workspace packages' sources",
    );
    assert.equal(vercel.buildCommand, 'npm run build');
    assert.match(frontendScripts.build!, /next build/);
  });

  it('the frontend declares the workspace packages it imports (protocol, client; never the backend), and the lockfile links them', () => {
    for (const shared of sharedPackages) {
      assert.equal(frontendPackage.dependencies[shared.name], shared.version);
      assert.equal(lock.packages['frontend']?.dependencies?.[shared.name], shared.version);
      assert.deepEqual(lock.packages[`node_modules/${shared.name}`], { resolved: shared.dir, link: true });
    }
    assert.equal(frontendPackage.dependencies['@pairpad/backend'], undefined);
  });

  it('bakes no backend URL or secret into the file (NEXT_PUBLIC_API_URL / API_URL are project env vars)', () => {
    assert.equal(vercel.env, undefined);
    assert.equal(vercel.build, undefined);
    assert.doesNotMatch(JSON.stringify(vercel), /https?:\/\/(?!openapi\.vercel\.sh)/);
  });
});

describe('systemd units', () => {
  const unit = (name: string) => {
    const text = readRepoFile(`deploy/systemd/${name}`);
    const entries = text
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
    const all = (key: string) => entries.filter(([k]) => k === key).map(([, v]) => v);
    return { text, all, one: (key: string) => all(key)[0] };
  };

  it('pairpad-backend.service runs the built server as an unprivileged user, with env names the backend reads', () => {
    const backend = unit('pairpad-backend.service');
    assert.equal(backend.one('WorkingDirectory'), '/opt/pairpad');
    assert.equal(backend.one('ExecStart'), `/usr/bin/node ${BACKEND_ENTRY}`);
    assert.ok(!['root', undefined].includes(backend.one('User')));
    const names = backend.all('Environment').map((assignment) => assignment.split('=')[0]!);
    assert.deepEqual(
      names.filter((name) => !BACKEND_ENV_NAMES.has(name)),
      [],
    );
    assert.equal(backend.one('Delegate'), 'yes', 'a delegated cgroup lets the executor use per-job cgroups');
  });

  it('pairpad-backend.service avoids the hardening options that break bubblewrap', () => {
    const backend = unit('pairpad-backend.service');
    // Each of these covers part of /proc, forbids namespaces or mount(2), or freezes the cgroup tree.
    for (const key of [
      'ProtectKernelTunables',
      'ProtectKernelLogs',
      'ProtectProc',
      'ProcSubset',
      'RestrictNamespaces',
      'PrivateUsers',
      'SystemCallFilter',
    ]) {
      assert.equal(backend.one(key), undefined, `${key} is not set`);
    }
    assert.equal(backend.one('ProtectControlGroups'), 'no');
    assert.equal(backend.one('NoNewPrivileges'), 'yes');
  });

  it('pairpad-executor.service runs the built standalone executor on loopback, with its token from a required env file', () => {
    const executor = unit('pairpad-executor.service');
    assert.equal(executor.one('WorkingDirectory'), '/opt/pairpad');
    assert.equal(executor.one('ExecStart'), `/usr/bin/node ${EXECUTOR_ENTRY}`);
    assert.ok(!['root', undefined].includes(executor.one('User')));
    const env = Object.fromEntries(executor.all('Environment').map((assignment) => assignment.split('=') as [string, string]));
    assert.deepEqual(
      Object.keys(env).filter((name) => !EXECUTOR_ENV_NAMES.has(name)),
      [],
    );
    assert.equal(env.EXECUTOR_HOST, '127.0.0.1', 'TLS proxy in front; never plain HTTP on the network');
    assert.equal(env.EXECUTOR_TOKEN, undefined, 'the token is not written into the unit');
    assert.equal(executor.one('EnvironmentFile'), '/etc/pairpad/executor.env', 'not optional (no leading -): no token file, no start');
    assert.equal(executor.one('Delegate'), 'yes');
    for (const key of [
      'ProtectKernelTunables',
      'ProtectKernelLogs',
      'ProtectProc',
      'ProcSubset',
      'RestrictNamespaces',
      'PrivateUsers',
      'SystemCallFilter',
    ]) {
      assert.equal(executor.one(key), undefined, `${key} is not set`);
    }
    assert.equal(executor.one('ProtectControlGroups'), 'no');
  });

  it('pairpad-frontend.service runs the frontend server (serve/server.mjs) from the frontend workspace with env names the frontend reads', () => {
    const frontend = unit('pairpad-frontend.service');
    assert.equal(frontend.one('WorkingDirectory'), '/opt/pairpad/frontend');
    assert.match(frontend.one('ExecStart') ?? '', /^\/usr\/bin\/node \/opt\/pairpad\/frontend\/serve\/server\.mjs -H 127\.0\.0\.1 -p /);
    const names = frontend.all('Environment').map((assignment) => assignment.split('=')[0]!);
    assert.deepEqual(
      names.filter((name) => !FRONTEND_ENV_NAMES.has(name)),
      [],
    );
  });
});

describe('deploy/pm2/ecosystem.config.cjs', () => {
  const require = createRequire(import.meta.url);
  const ecosystem = require(repoPath('deploy/pm2/ecosystem.config.cjs')) as {
    apps: { name: string; cwd: string; script: string; args?: string; instances: number; env_production: Record<string, string> }[];
  };
  const app = (name: string) => ecosystem.apps.find((entry) => entry.name === name)!;

  it('runs the built backend from the repository root with backend env names', () => {
    const backend = app('pairpad-backend');
    assert.equal(backend.cwd, repoPath());
    assert.equal(backend.script, BACKEND_ENTRY);
    assert.equal(backend.instances, 1, 'one process unless Redis holds the rooms');
    assert.deepEqual(
      Object.keys(backend.env_production).filter((name) => !BACKEND_ENV_NAMES.has(name)),
      [],
    );
  });

  it("keeps the executor's work dir out of the checkout (which may belong to root) and per user", () => {
    const workDir = app('pairpad-backend').env_production.EXECUTOR_WORK_DIR!;
    assert.ok(!workDir.startsWith(repoPath() + path.sep), `${workDir} is outside the repository`);
    assert.equal(workDir, process.env.EXECUTOR_WORK_DIR || path.join(os.tmpdir(), `pairpad-executor-${os.userInfo().uid}`));
  });

  it('runs the frontend server (serve/server.mjs) with frontend env names', () => {
    const frontend = app('pairpad-frontend');
    assert.equal(frontend.cwd, repoPath('frontend'));
    assert.equal(frontend.script, repoPath('frontend', 'serve', 'server.mjs'));
    assert.match(frontend.args ?? '', /^-H 127\.0\.0\.1 -p /);
    assert.deepEqual(
      Object.keys(frontend.env_production).filter((name) => !FRONTEND_ENV_NAMES.has(name)),
      [],
    );
  });
});
