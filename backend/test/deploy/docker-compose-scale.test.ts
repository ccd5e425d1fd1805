import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { BACKEND_ENV_NAMES, readRepoFile, repoRoot } from './deploy-helpers';

/**
 * docker-compose.scale.yml (two backends on Redis behind nginx), validated offline by Debian's
 * `docker-compose`, then checked for what several nodes need; and the nginx config it mounts.
 */

interface Service {
  image?: string;
  build?: { args?: Record<string, string> };
  environment?: Record<string, string | null>;
  ports?: (string | { target: number; published: number | string })[];
  expose?: (string | number)[];
  command?: string[] | string;
  volumes?: (string | { type: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, unknown>;
}

function composeConfig(extraEnv: Record<string, string> = {}): { services: Record<string, Service> } {
  const args = ['-f', 'docker-compose.scale.yml', 'config'];
  const result = spawnSync('docker-compose', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      COMPOSE_PROJECT_NAME: 'pairpad-scale',
      ...extraEnv,
    },
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(
      "docker-compose is not installed: run `npm run setup -- --with-browser` (or `npm test`, which installs it) to get Debian's docker-compose",
    );
  }
  assert.equal(result.status, 0, `docker-compose ${args.join(' ')} failed:\n${result.stderr}`);
  return parse(result.stdout) as ReturnType<typeof composeConfig>;
}

const volumeText = (service: Service) =>
  (service.volumes ?? []).map((volume) => (typeof volume === 'string' ? volume : `${volume.source}:${volume.target}`));

describe('docker-compose.scale.yml', () => {
  let resolved: ReturnType<typeof composeConfig> | undefined;
  const services = () => (resolved ??= composeConfig()).services;

  it('validates and has two backends, redis, nginx and the frontend', () => {
    assert.deepEqual(Object.keys(services()).sort(), ['backend-a', 'backend-b', 'frontend', 'nginx', 'redis']);
  });

  it('both backends share one Redis, read only known settings, and are reachable only through nginx', () => {
    for (const name of ['backend-a', 'backend-b']) {
      const backend = services()[name]!;
      assert.equal(backend.environment?.REDIS_URL, 'redis://redis:6379', `${name} REDIS_URL`);
      for (const key of Object.keys(backend.environment ?? {})) assert.ok(BACKEND_ENV_NAMES.has(key), `${name} sets unknown ${key}`);
      assert.equal(backend.ports, undefined, `${name} publishes no port`);
    }
    assert.deepEqual(
      services().nginx?.ports?.map((port) => (typeof port === 'string' ? port : `${port.published}:${port.target}`)),
      ['8080:8080'],
    );
  });

  it('takes its base images from NODE_IMAGE, REDIS_IMAGE and NGINX_IMAGE, defaulting to the public ones', () => {
    const defaults = services();
    for (const name of ['backend-a', 'backend-b', 'frontend'])
      assert.equal(defaults[name]?.build?.args?.NODE_IMAGE, 'node:24-bookworm-slim', name);
    assert.equal(defaults.redis?.image, 'redis:7-alpine');
    assert.equal(defaults.nginx?.image, 'nginx:1.27-alpine');
    const local = composeConfig({ NODE_IMAGE: 'local/node', REDIS_IMAGE: 'local/redis', NGINX_IMAGE: 'local/nginx' }).services;
    for (const name of ['backend-a', 'backend-b', 'frontend']) assert.equal(local[name]?.build?.args?.NODE_IMAGE, 'local/node', name);
    assert.equal(local.redis?.image, 'local/redis');
    assert.equal(local.nginx?.image, 'local/nginx');
  });

  it('redis persists with AOF on a volume', () => {
    const command = [services().redis?.command ?? []].flat().join(' ');
    assert.match(command, /--appendonly yes/);
    assert.ok(volumeText(services().redis!).some((volume) => /:\/data(:|$)/.test(volume)));
  });

  it('nginx mounts deploy/nginx/pairpad-scale.conf, which upgrades websockets and keeps polling sticky', () => {
    assert.ok(
      volumeText(services().nginx!).some(
        (volume) => volume.includes('deploy/nginx/pairpad-scale.conf') && volume.includes('/etc/nginx/conf.d/default.conf'),
      ),
    );
    const conf = readRepoFile('deploy/nginx/pairpad-scale.conf');
    const socketUpstream = /upstream pairpad_socket \{([\s\S]*?)\}/.exec(conf)?.[1] ?? '';
    assert.match(socketUpstream, /ip_hash;/, 'Socket.IO long-polling needs stickiness');
    for (const node of ['backend-a:5000', 'backend-b:5000']) assert.ok(socketUpstream.includes(node), `${node} in the socket upstream`);
    const socketLocation = /location \/socket\.io\/ \{([\s\S]*?)\}/.exec(conf)?.[1] ?? '';
    assert.match(socketLocation, /proxy_http_version 1\.1;/);
    assert.match(socketLocation, /proxy_set_header Upgrade \$http_upgrade;/);
    assert.match(socketLocation, /proxy_set_header Connection \$connection_upgrade;/);
    assert.match(socketLocation, /proxy_read_timeout \d+s;/);
    assert.match(conf, /map \$http_upgrade \$connection_upgrade/);
  });
});
