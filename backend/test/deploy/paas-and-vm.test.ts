import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { BACKEND_ENV_NAMES, FRONTEND_ENV_NAMES, isBackendHealthPath, readRepoFile, repoPath } from './deploy-helpers';

/** Procfile, railway.json, vercel.json, the systemd units and the pm2 file, checked by shape. */

const BACKEND_ENTRY = 'backend/dist/server.js';
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
  const lines = readRepoFile('Procfile').split('\n').filter((line) => line.trim() && !line.startsWith('#'));
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

  it('health-checks /health, a route the backend serves', () => {
    assert.equal(railway.deploy.healthcheckPath, '/health');
    assert.ok(isBackendHealthPath(railway.deploy.healthcheckPath));
    assert.ok(railway.deploy.healthcheckTimeout >= 60, 'start-up probes the toolchains; give it time');
    assert.ok(['ON_FAILURE', 'ALWAYS'].includes(railway.deploy.restartPolicyType));
  });
});

describe('vercel.json', () => {
  const vercel = JSON.parse(readRepoFile('vercel.json')) as Record<string, unknown>;

  it('builds the Next.js frontend with the whole workspace installed', () => {
    assert.equal(vercel.framework, 'nextjs');
    assert.match(String(vercel.installCommand), /^cd \.\. && npm ci\b/, 'install at the workspace root: the frontend compiles backend sources');
    assert.equal(vercel.buildCommand, 'npm run build');
    assert.match(frontendScripts.build!, /next build/);
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
    assert.deepEqual(names.filter((name) => !BACKEND_ENV_NAMES.has(name)), []);
    assert.equal(backend.one('Delegate'), 'yes', 'a delegated cgroup lets the executor use per-job cgroups');
  });

  it('pairpad-backend.service avoids the hardening options that break bubblewrap', () => {
    const backend = unit('pairpad-backend.service');
    // Each of these covers part of /proc, forbids namespaces or mount(2), or freezes the cgroup tree.
    for (const key of ['ProtectKernelTunables', 'ProtectKernelLogs', 'ProtectProc', 'ProcSubset', 'RestrictNamespaces', 'PrivateUsers', 'SystemCallFilter']) {
      assert.equal(backend.one(key), undefined, `${key} is not set`);
    }
    assert.equal(backend.one('ProtectControlGroups'), 'no');
    assert.equal(backend.one('NoNewPrivileges'), 'yes');
  });

  it('pairpad-frontend.service runs next start from the frontend workspace with env names the frontend reads', () => {
    const frontend = unit('pairpad-frontend.service');
    assert.equal(frontend.one('WorkingDirectory'), '/opt/pairpad/frontend');
    assert.match(frontend.one('ExecStart') ?? '', /^\/usr\/bin\/node \/opt\/pairpad\/node_modules\/next\/dist\/bin\/next start /);
    const names = frontend.all('Environment').map((assignment) => assignment.split('=')[0]!);
    assert.deepEqual(names.filter((name) => !FRONTEND_ENV_NAMES.has(name)), []);
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
    assert.deepEqual(Object.keys(backend.env_production).filter((name) => !BACKEND_ENV_NAMES.has(name)), []);
  });

  it('runs next start for the frontend with frontend env names', () => {
    const frontend = app('pairpad-frontend');
    assert.equal(frontend.cwd, repoPath('frontend'));
    assert.equal(frontend.script, repoPath('node_modules', 'next', 'dist', 'bin', 'next'));
    assert.match(frontend.args ?? '', /^start /);
    assert.deepEqual(Object.keys(frontend.env_production).filter((name) => !FRONTEND_ENV_NAMES.has(name)), []);
  });
});
