import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { BACKEND_ENV_NAMES, repoRoot } from './deploy-helpers';

/**
 * docker-compose.executor.yml (the standalone executor for PaaS deployments), validated offline
 * by Debian's `docker-compose`; the container suite (backend/test-containers) runs it for real.
 */

interface Service {
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  security_opt?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  healthcheck?: { test: string[] };
  ports?: { target: number; published: number | string }[];
}

function composeConfig(file: string, extraEnv: Record<string, string>) {
  const result = spawnSync('docker-compose', ['-f', file, 'config'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      COMPOSE_PROJECT_NAME: 'pairpad-executor',
      ...extraEnv,
    },
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(
      "docker-compose is not installed: run `npm run setup -- --with-browser` (or `npm test`, which installs it) to get Debian's docker-compose",
    );
  }
  return {
    status: result.status,
    stderr: result.stderr,
    services: result.status === 0 ? (parse(result.stdout) as { services: Record<string, Service> }).services : {},
  };
}

describe('docker-compose.executor.yml', () => {
  let withToken: ReturnType<typeof composeConfig> | undefined;
  const executorService = () =>
    (withToken ??= composeConfig('docker-compose.executor.yml', { EXECUTOR_TOKEN: 'secret-token' })).services.executor!;

  it('refuses to start without EXECUTOR_TOKEN, and says so', () => {
    const result = composeConfig('docker-compose.executor.yml', {});
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /set EXECUTOR_TOKEN/);
  });

  it('builds the executor target of backend/Dockerfile from NODE_IMAGE, listens on 2000 with the token', () => {
    const executor = executorService();
    assert.ok(executor);
    assert.equal(executor.build?.dockerfile, 'backend/Dockerfile');
    assert.equal(executor.build?.target, 'executor');
    assert.equal(executor.build?.args?.NODE_IMAGE, 'node:24-bookworm-slim');
    assert.equal(executor.environment?.EXECUTOR_TOKEN, 'secret-token');
    assert.equal(executor.environment?.EXECUTOR_HOST, '0.0.0.0');
    assert.deepEqual(
      executor.ports?.map((port) => port.target),
      [2000],
    );
    for (const name of Object.keys(executor.environment ?? {}))
      assert.ok(BACKEND_ENV_NAMES.has(name), `${name} is a documented executor setting`);
  });

  it("has the backend service's sandbox settings and nothing more", () => {
    const executor = executorService();
    const backend = composeConfig('docker-compose.yml', {}).services.backend!;
    assert.deepEqual([...(executor.security_opt ?? [])].sort(), [...(backend.security_opt ?? [])].sort());
    assert.deepEqual(executor.cap_drop, ['ALL']);
    assert.notEqual(executor.privileged, true);
  });

  it('health-checks /health with the bearer token', () => {
    const executor = executorService();
    const test = (executor.healthcheck?.test ?? []).join(' ');
    assert.match(test, /127\.0\.0\.1:2000\/health/);
    assert.match(test, /authorization:'Bearer '\+process\.env\.EXECUTOR_TOKEN/);
  });
});
