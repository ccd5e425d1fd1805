import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  dockerBuildArgs,
  dockerRunArgs,
  durationMs,
  interpolate,
  readComposeFile,
  resolveService,
  shellJoin,
} from '../../test-containers/compose-service';
import { repoRoot } from './deploy-helpers';

/** The container suite's reader of compose services: it must apply what the file says, no less. */

const compose = readComposeFile(path.join(repoRoot, 'docker-compose.yml'));
const backend = resolveService(compose, 'backend', {});
const runArgs = dockerRunArgs(compose, backend, { name: 'c', network: 'n', volumePrefix: 'p-' }, 'backend');
const pairs = (flag: string) => runArgs.flatMap((arg, index) => (arg === flag ? [runArgs[index + 1]] : []));

describe('compose-service', () => {
  it('interpolates like compose: ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $VAR, $$', () => {
    assert.equal(interpolate('${A:-x}/${B-y}/${C:-}/$A/$$A', { A: '1', B: '' }), '1//' + '/1/$A');
    assert.equal(interpolate('${A:-x}', { A: '' }), 'x');
    assert.equal(interpolate('${A-x}', { A: '' }), '');
    assert.throws(() => interpolate('${T:?set T please}', {}), /set T please/);
  });

  it('reads durations', () => {
    assert.equal(durationMs('15s'), 15_000);
    assert.equal(durationMs('1m30s'), 90_000);
    assert.equal(durationMs('500ms'), 500);
  });

  it("applies the backend service's security options, limits, user, grace period and environment", () => {
    for (const opt of ['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined', 'no-new-privileges:true'])
      assert.ok(pairs('--security-opt').includes(opt), opt);
    assert.deepEqual(pairs('--cap-drop'), ['ALL']);
    assert.deepEqual(pairs('--memory'), ['2g']);
    assert.deepEqual(pairs('--pids-limit'), ['1024']);
    assert.deepEqual(pairs('--shm-size'), ['1g'], "room for the SQL pads' PostgreSQL cluster in /dev/shm");
    assert.deepEqual(pairs('--stop-timeout'), ['15']);
    assert.deepEqual(pairs('--restart'), ['unless-stopped']);
    assert.deepEqual(pairs('-p'), ['127.0.0.1::5000'], 'published on loopback only, on a free port');
    assert.ok(pairs('-e').includes('REDIS_URL='), 'empty values are passed as empty');
    assert.ok(pairs('-e').includes('HOST=0.0.0.0'));
    assert.deepEqual(pairs('--network-alias'), ['backend']);
  });

  it('turns the CMD health check into the same argv through sh', () => {
    const [cmd] = pairs('--health-cmd');
    const argv = (compose.services.backend!.healthcheck!.test as string[]).slice(1);
    const printed = spawnSync('sh', ['-c', `printf '%s\\0' ${cmd}`], { encoding: 'utf8' })
      .stdout.split('\0')
      .slice(0, -1);
    assert.deepEqual(printed, argv);
    assert.deepEqual(pairs('--health-interval'), ['15s']);
    assert.deepEqual(pairs('--health-retries'), ['3']);
    assert.equal(shellJoin(["it's"]), `'it'\\''s'`);
  });

  it('builds from the service build section with its args', () => {
    const args = dockerBuildArgs(compose, resolveService(compose, 'backend', { NODE_IMAGE: 'local/node' }), { tag: 't' });
    assert.ok(args.includes('NODE_IMAGE=local/node'));
    assert.equal(args.at(-1), repoRoot);
    assert.ok(args.includes(path.join(repoRoot, 'backend/Dockerfile')));
  });

  it('maps named volumes per run and refuses keys it does not apply', () => {
    const redis = resolveService(compose, 'redis', {});
    const args = dockerRunArgs(compose, redis, { name: 'r', network: 'n', volumePrefix: 'p-' }, 'redis');
    assert.ok(args.includes('p-redis-data:/data'));
    assert.deepEqual(args.slice(args.indexOf('redis:7-alpine') + 1, args.indexOf('redis:7-alpine') + 2), ['redis-server']);
    const odd = { ...compose, services: { x: { image: 'i', sysctls: { a: 1 } } } };
    assert.throws(() => resolveService(odd, 'x', {}), /"sysctls" of service x is not supported/);
  });
});
