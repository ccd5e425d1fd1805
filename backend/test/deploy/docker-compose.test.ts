import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { BACKEND_ENV_NAMES, FRONTEND_ENV_NAMES, exists, repoRoot } from './deploy-helpers';

/**
 * docker-compose.yml, validated offline by Debian's Python `docker-compose` (v1), which parses,
 * interpolates and schema-checks a file without a Docker engine. The resolved configuration
 * is then checked for what PairPad needs.
 */

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | null>;
  security_opt?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  privileged?: boolean;
  profiles?: string[];
  ports?: (string | { target: number; published: number | string })[];
  healthcheck?: { test: string[] | string };
  volumes?: (string | { type: string; source?: string; target: string })[];
  tmpfs?: string[] | string;
  user?: string;
}

/** Runs `docker-compose -f docker-compose.yml [--profile p] config` with a neutral environment (plus `extraEnv`). */
function composeConfig(
  profile?: string,
  extraEnv: Record<string, string> = {},
): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  const args = ['-f', 'docker-compose.yml', ...(profile ? ['--profile', profile] : []), 'config'];
  const result = spawnSync('docker-compose', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    // Only what the tool itself needs: variables from the caller's shell must not change the result.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', COMPOSE_PROJECT_NAME: 'pairpad', ...extraEnv },
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(
      "docker-compose is not installed: run `npm run setup -- --with-browser` (or `npm test`, which installs it) to get Debian's docker-compose",
    );
  }
  assert.equal(result.status, 0, `docker-compose ${args.join(' ')} failed:\n${result.stderr}`);
  return parse(result.stdout) as ReturnType<typeof composeConfig>;
}

const envNames = (service: Service) => Object.keys(service.environment ?? {});
const healthcheckText = (service: Service) => [service.healthcheck?.test ?? []].flat().join(' ');
const publishedTargets = (service: Service) =>
  (service.ports ?? []).map((port) => (typeof port === 'string' ? Number(port.split(':').pop()) : Number(port.target)));

describe('docker-compose.yml', () => {
  // Resolved inside each test, so a missing docker-compose fails every test with the hint.
  let resolved: ReturnType<typeof composeConfig> | undefined;
  const config = () => (resolved ??= composeConfig());
  const services = () => config().services;

  it('validates and has the four services; backend and frontend start without a profile', () => {
    const { backend, frontend } = services();
    assert.deepEqual(Object.keys(services()).sort(), ['backend', 'frontend', 'piston', 'redis']);
    assert.equal(backend?.profiles, undefined);
    assert.equal(frontend?.profiles, undefined);
  });

  it('builds each app from its multi-stage Dockerfile with the repository as context', () => {
    const { backend, frontend } = services();
    for (const [name, service] of [
      ['backend', backend],
      ['frontend', frontend],
    ] as const) {
      assert.ok(service?.build, `${name} has a build section`);
      assert.equal(service.build.context, repoRoot, `${name} builds from the repository root (workspaces)`);
      assert.equal(service.build.dockerfile, `${name}/Dockerfile`);
      assert.ok(exists(`${name}/Dockerfile`), `${name}/Dockerfile exists`);
    }
  });

  it('gives the backend exactly what bubblewrap needs: no privileged mode, no capabilities, not root', () => {
    const { backend } = services();
    assert.ok(backend);
    assert.notEqual(backend.privileged, true, 'the backend is not privileged');
    assert.equal(backend.cap_add, undefined, 'the backend adds no capabilities');
    assert.deepEqual(backend.cap_drop, ['ALL']);
    assert.deepEqual(
      [...(backend.security_opt ?? [])].sort(),
      ['apparmor=unconfined', 'no-new-privileges:true', 'seccomp=unconfined', 'systempaths=unconfined'],
      'user namespaces (seccomp), mounts in them (AppArmor), a fresh /proc (systempaths), nothing setuid',
    );
    assert.ok(backend.user === undefined || !/^(0|root)(:|$)/.test(backend.user), 'compose does not switch the backend to root');
  });

  it('only uses environment variables the apps read, and leaves optional URLs empty by default', () => {
    const { backend, frontend } = services();
    assert.ok(backend && frontend);
    const unknownBackend = envNames(backend).filter((name) => !BACKEND_ENV_NAMES.has(name));
    assert.deepEqual(unknownBackend, [], 'backend env names come from settings.ts / executor config.ts');
    const unknownFrontend = envNames(frontend).filter((name) => !FRONTEND_ENV_NAMES.has(name));
    assert.deepEqual(unknownFrontend, [], 'frontend env names are ones the frontend reads');
    // Empty counts as unset in the backend: no Redis and the embedded executor unless asked for.
    assert.equal(backend.environment?.REDIS_URL, '');
    assert.equal(backend.environment?.PISTON_URL, '');
    assert.equal(backend.environment?.HOST, '0.0.0.0', 'the backend listens beyond the container loopback');
    assert.ok(frontend.environment?.API_URL, 'the frontend is told where the browser finds the backend');
  });

  it('publishes the backend on 5000 and the frontend on 3000, and health-checks /health and /', () => {
    const { backend, frontend } = services();
    assert.ok(backend && frontend);
    assert.deepEqual(publishedTargets(backend), [Number(backend.environment?.PORT)]);
    assert.deepEqual(publishedTargets(frontend), [Number(frontend.environment?.PORT)]);
    assert.equal(backend.environment?.PORT, '5000');
    assert.equal(frontend.environment?.PORT, '3000');
    assert.match(healthcheckText(backend), /127\.0\.0\.1:5000\/health'/);
    assert.match(healthcheckText(frontend), /127\.0\.0\.1:3000\/'/);
  });

  it('gives the backend and the frontend the same PREVIEW_ORIGIN (unset by default: *.preview.localhost on 5000)', () => {
    const { backend, frontend } = services();
    assert.equal(backend?.environment?.PREVIEW_ORIGIN, '', 'empty counts as unset: the backend serves previews on preview.localhost');
    assert.equal(frontend?.environment?.PREVIEW_ORIGIN, '');
    const set = composeConfig(undefined, { PREVIEW_ORIGIN: 'https://preview.example.com' }).services;
    assert.equal(set.backend?.environment?.PREVIEW_ORIGIN, 'https://preview.example.com', 'the backend serves and signs previews there');
    assert.equal(set.frontend?.environment?.PREVIEW_ORIGIN, 'https://preview.example.com', 'the room page may frame them');
  });

  it('takes its base images from NODE_IMAGE and REDIS_IMAGE, defaulting to the public ones', () => {
    const { backend, frontend } = services();
    assert.equal(backend?.build?.args?.NODE_IMAGE, 'node:24-bookworm-slim');
    assert.equal(frontend?.build?.args?.NODE_IMAGE, 'node:24-bookworm-slim');
    assert.equal(composeConfig('redis').services.redis?.image, 'redis:7-alpine');
    const local = composeConfig('redis', {
      NODE_IMAGE: 'pairpad-local/node:24-bookworm-slim',
      REDIS_IMAGE: 'pairpad-local/redis:7',
    }).services;
    assert.equal(local.backend?.build?.args?.NODE_IMAGE, 'pairpad-local/node:24-bookworm-slim');
    assert.equal(local.frontend?.build?.args?.NODE_IMAGE, 'pairpad-local/node:24-bookworm-slim');
    assert.equal(local.redis?.image, 'pairpad-local/redis:7');
  });

  it('keeps redis behind the "redis" profile', () => {
    assert.deepEqual(services().redis?.profiles, ['redis']);
    const withRedis = composeConfig('redis');
    assert.deepEqual(withRedis.services.redis?.profiles, ['redis']);
    assert.match(healthcheckText(withRedis.services.redis!), /redis-cli ping/);
  });

  it('runs the official Piston behind the "piston" profile with its documented requirements', () => {
    assert.deepEqual(services().piston?.profiles, ['piston']);
    const withPiston = composeConfig('piston').services.piston;
    assert.ok(withPiston);
    assert.match(withPiston.image ?? '', /^ghcr\.io\/engineer-man\/piston(:|$)/);
    assert.equal(withPiston.privileged, true, 'isolate needs privileged mode');
    const volumeTargets = (withPiston.volumes ?? []).map((volume) => (typeof volume === 'string' ? volume.split(':')[1] : volume.target));
    assert.ok(volumeTargets.includes('/piston/packages'), 'installed packages live in a volume');
    const tmpfs = [withPiston.tmpfs ?? []].flat();
    assert.ok(
      tmpfs.some((entry) => entry.startsWith('/piston/jobs:') && entry.includes('exec')),
      'jobs run from an exec-able tmpfs at /piston/jobs',
    );
    assert.equal(withPiston.ports, undefined, 'Piston is reachable only from the compose network');
  });
});
