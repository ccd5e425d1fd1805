import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { containerState, docker, pollUntil } from './docker';
import { ContainerRun, EXECUTOR_COMPOSE, IMAGES, buildImage, http, prepareEngine, type Started } from './fixture';
import { EXPECTED_LINE, POSTGRES_PAD, SUM_PROGRAMS, psqlRows } from './programs';
import { noProcessLeft } from './room-client';
import { reportSkip } from './skip';

/**
 * The standalone executor image (`docker build -f backend/Dockerfile --target executor`) run as
 * docker-compose.executor.yml says: it answers only requests that carry its token.
 */

const ready = await prepareEngine();
const skip = 'skip' in ready ? ready.skip : false;
if (skip) reportSkip(skip);
const MINUTE = 60_000;

describe('docker-compose.executor.yml: the standalone executor image', { skip }, () => {
  let run: ContainerRun;
  let executor: Started;
  const token = randomBytes(24).toString('hex');
  const auth = { authorization: `Bearer ${token}` };

  before(
    async () => {
      if ('skip' in ready) return;
      await buildImage('executor', ready);
      run = new ContainerRun(ready);
      executor = await run.start(EXECUTOR_COMPOSE(), 'executor', {
        image: IMAGES.executor,
        env: { EXECUTOR_TOKEN: token },
        healthTiming: { interval: '2s' },
      });
      // Healthy means the image's health check sent the token it found in its environment.
      await run.healthy(executor.name);
      // Healthy comes before every runtime is proven (a loaded machine takes a while): /health
      // says `ready` once each one's hello-world ran, PostgreSQL's included.
      await pollUntil(
        'every runtime to be proven',
        5 * MINUTE,
        async () => ((await http<{ ready?: boolean }>(`${executor.url}/health`, { headers: auth })).body.ready === true ? true : undefined),
        500,
      );
    },
    { timeout: 90 * MINUTE },
  );

  after(() => run?.cleanup());

  it('runs the built command as a non-root user, without dev dependencies', async () => {
    const config = JSON.parse((await docker(['inspect', '--format', '{{json .Config}}', executor.name])).stdout) as {
      User: string;
      Cmd: string[];
    };
    assert.deepEqual(config.Cmd, ['node', 'packages/executor/dist/executor.js']);
    assert.ok(config.User && !/^(root|0)(:|$)/.test(config.User), `user ${config.User}`);
    const tsx = await docker(['exec', executor.name, 'node', '-e', 'require.resolve("tsx")'], { allowFailure: true });
    assert.notEqual(tsx.code, 0, 'tsx (a dev dependency) is not in the image');
  });

  it('answers 401 with a Piston-style message without the token, or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }] as Record<string, string>[]) {
      for (const path of ['/api/v2/runtimes', '/health']) {
        const answer = await http<{ message?: string }>(`${executor.url}${path}`, { headers });
        assert.equal(answer.status, 401, `${path} with ${JSON.stringify(headers)}: ${JSON.stringify(answer.body)}`);
        assert.equal(typeof answer.body.message, 'string');
      }
    }
    const execute = await http<{ message?: string }>(`${executor.url}/api/v2/execute`, {
      body: { language: 'python', version: '*', files: [{ content: 'print(1)' }] },
    });
    assert.equal(execute.status, 401);
  });

  it('runs python with the token', { timeout: 3 * MINUTE }, async () => {
    const answer = await http<{ run?: { stdout: string; code: number | null } }>(`${executor.url}/api/v2/execute`, {
      headers: auth,
      body: { language: 'python', version: '*', files: [{ name: 'main.py', content: SUM_PROGRAMS.python }] },
      timeoutMs: 60_000,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.run?.stdout.trim(), EXPECTED_LINE, JSON.stringify(answer.body));
    assert.equal((await containerState(executor.name)).Health?.Status, 'healthy');
  });

  it('runs SQL (PostgreSQL) with its schema and seed files on a server of its own', { timeout: 3 * MINUTE }, async () => {
    const listed = await http<{ language: string }[]>(`${executor.url}/api/v2/runtimes`, { headers: auth });
    assert.ok(
      listed.body.some((runtime) => runtime.language === 'postgresql'),
      'the image offers it (EXECUTOR_POSTGRES=on)',
    );
    const answer = await http<{ run?: { stdout: string; stderr: string; code: number | null } }>(`${executor.url}/api/v2/execute`, {
      headers: auth,
      body: { language: 'postgresql', version: '*', files: POSTGRES_PAD.files },
      timeoutMs: 60_000,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.run?.code, 0, JSON.stringify(answer.body));
    assert.deepEqual(psqlRows(answer.body.run?.stdout ?? ''), POSTGRES_PAD.rows, answer.body.run?.stdout);
  });

  it('starts a Flask preview, proxies it with the token only, and stops it without a trace', { timeout: 3 * MINUTE }, async () => {
    const started = await http<{ id?: string; state?: string }>(`${executor.url}/api/v2/pairpad/previews`, {
      headers: auth,
      body: { template: 'python-flask' },
      timeoutMs: 60_000,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id!;
    try {
      const hello = await http<{ message?: string }>(`${executor.url}/preview/${id}/api/hello?name=Executor`, { headers: auth });
      assert.deepEqual(hello.body, { message: 'Hello, Executor!' });
      assert.equal((await http(`${executor.url}/preview/${id}/`)).status, 401, 'the proxy asks for the token too');
    } finally {
      const stopped = await http(`${executor.url}/api/v2/pairpad/previews/${id}`, { method: 'DELETE', headers: auth });
      assert.equal(stopped.status, 204);
    }
    await noProcessLeft(executor.name, /\bbwrap\b|init\.cjs|app\.py/);
  });
});
