import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LANGUAGE_IDS } from '@pairpad/protocol/languages';
import { CONTAINER_ADMIN_ENV, createSession, describeRun, healthWithin, printed, runCode, runtimes } from './backend-api';
import { containerState, docker, logsOf, pollUntil, waitForHealth } from './docker';
import { COMPOSE, ContainerRun, IMAGES, buildImage, http, prepareEngine, type Started } from './fixture';
import { ENVIRONMENT_READ, EXPECTED_LINE, FORK_BOMB, MEMORY_BOMB, SUM_PROGRAMS, networkProbe } from './programs';
import { reportSkip } from './skip';

/**
 * docker-compose.yml for real: the backend and frontend images built from the repository, run
 * with exactly their services' settings (see compose-service.ts), driven over HTTP.
 */

const ready = await prepareEngine();
const skip = 'skip' in ready ? ready.skip : false;
if (skip) reportSkip(skip);
const engine = () => {
  if ('skip' in ready) throw new Error(ready.skip);
  return ready;
};

/** Health checks every 2 s instead of 15 s, so state changes show up quickly; the checks are the file's. */
const FAST_HEALTH = { interval: '2s' };
const MINUTE = 60_000;

/**
 * The executor proves each runtime with a hello-world after start-up and offers it once it
 * passed; /health says `ready` when all have been tried. Past the deadline the tests go on and
 * show what is offered.
 */
async function runtimesProven(api: string): Promise<void> {
  await pollUntil(
    'every runtime to be proven',
    5 * MINUTE,
    async () => {
      const health = await healthWithin(api, 5000);
      return health.body.checks.executor?.details?.ready === true ? true : undefined;
    },
    1000,
  ).catch((error: Error) => console.log(`# ${error.message}`));
}

const containerIp = async (name: string, network: string) =>
  (await docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name])).stdout.trim();

describe('docker-compose.yml: backend and frontend containers', { skip }, () => {
  let run: ContainerRun;
  let backend: Started;
  let frontend: Started;
  let api: string;
  let sessionId: string;
  const secret = `canary-${randomBytes(12).toString('hex')}`;

  before(
    async () => {
      await buildImage('backend', engine());
      await buildImage('frontend', engine());
      run = new ContainerRun(engine());
      // A secret in the server's environment: no program may ever print it.
      backend = await run.start(COMPOSE(), 'backend', {
        image: IMAGES.backend,
        env: CONTAINER_ADMIN_ENV,
        extraEnv: { PAIRPAD_CANARY_SECRET: secret },
        healthTiming: FAST_HEALTH,
      });
      api = backend.url!;
      frontend = await run.start(COMPOSE(), 'frontend', { image: IMAGES.frontend, env: { API_URL: api }, healthTiming: FAST_HEALTH });
      await run.healthy(backend.name);
      await run.healthy(frontend.name);
      await runtimesProven(api);
      sessionId = (await createSession(api)).id;
    },
    { timeout: 90 * MINUTE },
  );

  after(() => run?.cleanup());

  it('reports itself healthy with a working sandbox', async () => {
    const health = await healthWithin(api, 5000);
    assert.equal(health.status, 200, JSON.stringify(health.body));
    assert.equal(health.body.checks.executor?.ok, true, `executor check: ${JSON.stringify(health.body.checks.executor)}`);
  });

  it('offers every language PairPad knows', async () => {
    const offered = new Set((await runtimes(api)).map((runtime) => runtime.language));
    // SQL (PostgreSQL) runs only with EXECUTOR_POSTGRES=on (the executor then manages a PostgreSQL
    // server); the compose files leave it off, as the default is.
    const optIn = new Set(['postgresql']);
    assert.deepEqual(
      LANGUAGE_IDS.filter((id) => !offered.has(id) && !optIn.has(id)),
      [],
      `offered: ${[...offered].join(', ')}`,
    );
  });

  it('runs every offered language and prints its output', { timeout: 20 * MINUTE }, async (t) => {
    const languages = [...new Set((await runtimes(api)).map((runtime) => runtime.language))];
    assert.ok(
      ['python', 'c', 'java'].every((language) => languages.includes(language)),
      `python, c and java are offered (got ${languages.join(', ')})`,
    );
    for (const language of languages) {
      await t.test(language, async () => {
        const code = SUM_PROGRAMS[language];
        assert.ok(code, `no test program for ${language}: add one to programs.ts`);
        const result = await runCode(api, sessionId, language, code);
        assert.equal(result.result?.outcome, 'success', describeRun(result));
        assert.equal(result.result?.run?.stdout.trim(), EXPECTED_LINE, describeRun(result));
      });
    }
  });

  it('contains a fork bomb, says so in words, and keeps answering', { timeout: 5 * MINUTE }, async () => {
    const result = await runCode(api, sessionId, FORK_BOMB.language, FORK_BOMB.code);
    assert.equal(result.state, 'completed', describeRun(result));
    assert.notEqual(result.result?.outcome, 'success', describeRun(result));
    assert.match(result.result?.statusText ?? '', /^[A-Z][a-z]+( [a-z0-9]+)*/, 'the status is in words');
    assert.equal((await healthWithin(api, 5000)).status, 200);
    assert.equal((await containerState(backend.name)).Running, true);
  });

  it('contains a memory bomb without the container being OOM-killed', { timeout: 5 * MINUTE }, async () => {
    const result = await runCode(api, sessionId, MEMORY_BOMB.language, MEMORY_BOMB.code);
    assert.equal(result.state, 'completed', describeRun(result));
    assert.ok(['memory-limit', 'runtime-error', 'signal'].includes(result.result?.outcome ?? ''), describeRun(result));
    assert.ok(result.result?.statusText, 'the status is in words');
    const state = await containerState(backend.name);
    assert.equal(state.OOMKilled, false, 'the container was not OOM-killed');
    assert.equal(state.Running, true);
    assert.equal((await healthWithin(api, 5000)).status, 200);
  });

  it('gives a program no network: not the other containers, not the server, not the internet', { timeout: 5 * MINUTE }, async () => {
    const targets = [
      { host: await containerIp(frontend.name, run.network), port: 3000 },
      { host: await containerIp(backend.name, run.network), port: 5000 },
      { host: '127.0.0.1', port: 5000 },
      { host: '127.0.0.1', port: 2000 },
      { host: '1.1.1.1', port: 80 },
    ];
    const probe = networkProbe(targets);
    const result = await runCode(api, sessionId, probe.language, probe.code);
    const output = printed(result);
    assert.equal(result.result?.outcome, 'success', describeRun(result));
    assert.doesNotMatch(output, /CONNECTED|RESOLVED/, output);
    assert.equal(output.match(/^blocked /gm)?.length, targets.length + 1, output);
  });

  it("never shows a program the server's environment", { timeout: 5 * MINUTE }, async () => {
    const result = await runCode(api, sessionId, ENVIRONMENT_READ.language, ENVIRONMENT_READ.code);
    const output = printed(result);
    assert.match(output, /done reading/, describeRun(result));
    assert.ok(!output.includes(secret), 'the secret set on the container is not visible');
    assert.ok(!output.includes('PAIRPAD_CANARY_SECRET'), 'nor its name');
  });

  it('still runs code after the hostile programs', { timeout: 5 * MINUTE }, async () => {
    const result = await runCode(api, sessionId, 'python', SUM_PROGRAMS.python!);
    assert.equal(result.result?.run?.stdout.trim(), EXPECTED_LINE, describeRun(result));
  });

  it('serves the frontend home page', async () => {
    const home = await http<string>(`${frontend.url}/`, { timeoutMs: 30_000 });
    assert.equal(home.status, 200);
    assert.match(home.body, /<html/i);
    assert.match(home.body, /PairPad/);
  });

  it('stops cleanly on SIGTERM within its grace period', { timeout: 2 * MINUTE }, async () => {
    const grace = Number((await docker(['inspect', '--format', '{{.Config.StopTimeout}}', backend.name])).stdout.trim());
    assert.ok(grace > 0, 'stop_grace_period is applied as the stop timeout');
    const started = Date.now();
    await docker(['stop', backend.name], { timeoutMs: (grace + 30) * 1000 });
    const elapsed = Date.now() - started;
    const state = await containerState(backend.name);
    const logs = await logsOf(backend.name, 20);
    assert.ok([0, 143].includes(state.ExitCode), `exit code ${state.ExitCode} (137 means it was killed after the grace period)\n${logs}`);
    assert.ok(elapsed < grace * 1000, `stopped in ${elapsed} ms, grace period ${grace} s`);
    assert.match(logs, /SIGTERM received, shutting down/);
  });
});

describe('docker-compose.yml: the redis profile', { skip }, () => {
  let run: ContainerRun;
  let backend: Started;

  before(
    async () => {
      await buildImage('backend', engine());
      run = new ContainerRun(engine());
      const redis = await run.start(COMPOSE(), 'redis', { healthTiming: FAST_HEALTH });
      await run.healthy(redis.name, 2 * MINUTE);
      backend = await run.start(COMPOSE(), 'backend', {
        image: IMAGES.backend,
        env: { REDIS_URL: 'redis://redis:6379', ...CONTAINER_ADMIN_ENV },
        healthTiming: FAST_HEALTH,
      });
      await run.healthy(backend.name);
    },
    { timeout: 90 * MINUTE },
  );

  after(() => run?.cleanup());

  it('keeps sessions in Redis across a backend restart, and runs code', { timeout: 5 * MINUTE }, async () => {
    const health = await healthWithin(backend.url!, 5000);
    assert.equal(health.body.checks.redis?.ok, true, JSON.stringify(health.body));
    const session = await createSession(backend.url!);
    await docker(['restart', backend.name], { timeoutMs: 60_000 });
    await run.healthy(backend.name);
    const url = await run.url(backend.name, '5000');
    await runtimesProven(url);
    const again = await http<{ id: string }>(`${url}/api/sessions/${session.id}`);
    assert.equal(again.status, 200, `the session outlived the backend process: ${JSON.stringify(again.body)}`);
    const result = await runCode(url, session.id, 'python', SUM_PROGRAMS.python!);
    assert.equal(result.result?.run?.stdout.trim(), EXPECTED_LINE, describeRun(result));
  });
});

describe('docker-compose.yml backend without seccomp=unconfined (no sandbox possible)', { skip }, () => {
  let run: ContainerRun;
  let backend: Started;

  before(
    async () => {
      await buildImage('backend', engine());
      run = new ContainerRun(engine());
      backend = await run.start(COMPOSE(), 'backend', {
        suffix: 'backend-nosandbox',
        image: IMAGES.backend,
        withoutSecurityOpt: ['seccomp=unconfined'],
        healthTiming: { interval: '2s', startPeriod: '2s' },
      });
    },
    { timeout: 90 * MINUTE },
  );

  after(() => run?.cleanup());

  it('answers /health with 503 and turns the container unhealthy', { timeout: 3 * MINUTE }, async () => {
    const health = await pollUntil('the backend to answer /health', MINUTE, () => healthWithin(backend.url!, 5000));
    assert.equal(health.status, 503, JSON.stringify(health.body));
    assert.equal(health.body.checks.executor?.ok, false);
    assert.match(JSON.stringify(health.body.checks.executor), /sandbox/i, 'the reason names the sandbox');
    const state = await waitForHealth(backend.name, 'unhealthy', 2 * MINUTE).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logsOf(backend.name)}`);
    });
    assert.equal(state.Running, true, 'unhealthy, not crashed');
  });
});
