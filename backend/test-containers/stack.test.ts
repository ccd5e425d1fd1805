import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LANGUAGE_IDS } from '@pairpad/protocol/languages';
import type { SocketYjsProvider } from '@pairpad/client';
import { ROOM_DOC, type PreviewStatus, type TestRunRecord, type TestRunUpdate } from '@pairpad/protocol';
import { CONTAINER_ADMIN_ENV, createSession, describeRun, healthWithin, printed, runCode, runFiles, runtimes } from './backend-api';
import { containerState, docker, logsOf, pollUntil, waitForHealth } from './docker';
import { COMPOSE, ContainerRun, IMAGES, buildImage, http, prepareEngine, type Started } from './fixture';
import {
  ENVIRONMENT_READ,
  EXPECTED_LINE,
  FORK_BOMB,
  MEMORY_BOMB,
  POSTGRES_PAD,
  SUM_PROGRAMS,
  TOP_CUSTOMERS_SOLUTION,
  networkProbe,
  psqlRows,
} from './programs';
import { joinRoom, noProcessLeft, previewGet, previewServes, previewSocket, processesOf } from './room-client';
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

/** The container's memory use as `docker stats` shows it (e.g. `412.3MiB / 2GiB`). */
const memoryOf = async (name: string) => (await docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', name])).stdout.trim();

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
      // The backend keeps its default preview origin; the frontend is told it as an operator would
      // (compose passes PREVIEW_ORIGIN to both), since API_URL's port here is not 5000.
      frontend = await run.start(COMPOSE(), 'frontend', {
        image: IMAGES.frontend,
        env: { API_URL: api, PREVIEW_ORIGIN: 'http://preview.localhost:5000' },
        healthTiming: FAST_HEALTH,
      });
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

  it('offers every language PairPad knows, SQL (PostgreSQL) included', async () => {
    const offered = new Set((await runtimes(api)).map((runtime) => runtime.language));
    // SQL (PostgreSQL) runs with EXECUTOR_POSTGRES=on, which the image sets (it ships the server).
    assert.deepEqual(
      LANGUAGE_IDS.filter((id) => !offered.has(id)),
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

  /** The room's code (its entry file in the editor), with `from` replaced by `to`, as typed by `provider`. */
  const retype = (provider: SocketYjsProvider, from: string, to: string) => {
    const code = provider.doc.getText(ROOM_DOC.code);
    const at = code.toString().indexOf(from);
    assert.ok(at >= 0, `"${from}" is in the editor: ${code.toString().slice(0, 300)}`);
    provider.doc.transact(() => {
      code.delete(at, from.length);
      code.insert(at, to);
    });
  };
  /** The sandbox's processes as the container's process list shows them: bwrap, our init, the dev server and its helpers. */
  const PREVIEW_PROCESSES = /\bbwrap\b|init\.cjs|vite\.js|esbuild|app\.py/;

  it(
    'a room starts a React (Vite) preview: served on the preview origin through the published port, an edit hot-reloads it, Stop leaves no process',
    { timeout: 5 * MINUTE },
    async () => {
      const session = await createSession(api);
      const ivy = await joinRoom(api, session.id, 'Ivy', session.interviewerToken);
      const cleo = await joinRoom(api, session.id, 'Cleo');
      const memoryBefore = await memoryOf(backend.name);
      const seen: PreviewStatus[] = [];
      ivy.socket.on('preview:status', (status: PreviewStatus) => seen.push(status));
      try {
        const started = await cleo.request('preview:start', { template: 'react-vite' });
        assert.ok(started.ok, `preview:start answered ${JSON.stringify(started)}\n${await logsOf(backend.name)}`);
        assert.equal(started.preview.state, 'running');
        await pollUntil(
          'the interviewer to see it run',
          10_000,
          async () => (seen.some((s) => s.state === 'running') ? true : undefined),
          100,
        );
        const address = await ivy.request('preview:open', {});
        assert.ok(address.ok, JSON.stringify(address));
        // The compose file's default PREVIEW_ORIGIN: *.preview.localhost on the backend's port.
        assert.match(address.url, /^http:\/\/[0-9a-z-]+\.preview\.localhost:5000\/$/);
        const page = await previewGet(api, address.url);
        assert.equal(page.status, 200, page.text.slice(0, 500));
        assert.match(page.text, /<div id="root">/);
        assert.match(page.text, /\/@vite\/client/);
        // Only a signed address opens it, and PairPad's API is not on that origin.
        const forged = address.url.replace(/^http:\/\/[^.]+/, 'http://0123456789abcdef-zz-0123456789abcdef0123456789abcdef');
        assert.equal((await previewGet(api, forged)).status, 403);
        const apiPath = await previewGet(api, address.url, '/api/sessions');
        assert.match(apiPath.text, /<div id="root">/, "the path is the app's (Vite's fallback page), not PairPad's API");
        assert.ok(
          (await processesOf(backend.name)).some((line) => /vite\.js/.test(line)),
          'the dev server runs in the container',
        );
        // Vite's HMR websocket through the backend's proxy and the executor's.
        const viteClient = await previewGet(api, address.url, '/@vite/client');
        const wsToken = /wsToken = "([^"]+)"/.exec(viteClient.text)?.[1];
        assert.ok(wsToken, 'the Vite client carries its websocket token');
        const { socket: hmr, messages } = await previewSocket(api, address.url, `/?token=${wsToken}`, 'vite-hmr');
        try {
          await pollUntil(
            'the HMR socket to connect',
            10_000,
            async () => (messages.some((m) => /"type":"connected"/.test(m)) ? true : undefined),
            100,
          );
          // The module graph knows App.tsx once the page asked for it.
          assert.match((await previewGet(api, address.url, '/src/App.tsx')).text, /Hello from React/);
          // The candidate types in the editor: the edit is written through and Vite pushes an update.
          retype(cleo, 'Hello from React', 'Hello from a container');
          await pollUntil(
            'an HMR update for src/App.tsx',
            60_000,
            async () => (messages.some((m) => /"type":"update"/.test(m) && /src\/App\.tsx/.test(m)) ? true : undefined),
            100,
          );
          await previewServes(api, address.url, '/src/App.tsx', /Hello from a container/);
          // For the deployment guide's sizing: what one running React preview adds to the container.
          console.log(
            `# backend container memory: ${memoryBefore} before the React preview, ${await memoryOf(backend.name)} with it running`,
          );
        } finally {
          hmr.close();
        }
        const stopped = await ivy.request('preview:stop', {});
        assert.ok(stopped.ok, JSON.stringify(stopped));
        assert.equal(stopped.preview.state, 'off');
        assert.equal((await previewGet(api, address.url)).status, 403, 'the address is refused once stopped');
        await noProcessLeft(backend.name, PREVIEW_PROCESSES);
      } finally {
        await ivy.request('preview:stop', {}).catch(() => undefined);
        ivy.destroy();
        cleo.destroy();
      }
    },
  );

  it(
    'a room starts a Flask preview: its page and JSON endpoint answer, an edit reloads it, Stop leaves no process',
    { timeout: 5 * MINUTE },
    async () => {
      const session = await createSession(api);
      const ivy = await joinRoom(api, session.id, 'Ivy', session.interviewerToken);
      try {
        const started = await ivy.request('preview:start', { template: 'python-flask' });
        assert.ok(started.ok, `preview:start answered ${JSON.stringify(started)}\n${await logsOf(backend.name)}`);
        const address = await ivy.request('preview:open', {});
        assert.ok(address.ok, JSON.stringify(address));
        const page = await previewGet(api, address.url);
        assert.equal(page.status, 200, page.text.slice(0, 500));
        assert.match(page.text, /Hello from Flask/);
        const json = await previewGet(api, address.url, '/api/hello?name=Container');
        assert.deepEqual(JSON.parse(json.text), { message: 'Hello, Container!' });
        // app.py is in the editor; Flask's reloader restarts with the edit.
        retype(ivy, 'Hello from Flask', 'Hello from Flask in a container');
        await previewServes(api, address.url, '/', /Hello from Flask in a container/);
        const stopped = await ivy.request('preview:stop', {});
        assert.ok(stopped.ok, JSON.stringify(stopped));
        await noProcessLeft(backend.name, PREVIEW_PROCESSES);
      } finally {
        await ivy.request('preview:stop', {}).catch(() => undefined);
        ivy.destroy();
      }
    },
  );

  it(
    "runs a SQL question's test cases in a room: SQLite, the question's schema and seed data, every case passes",
    { timeout: 5 * MINUTE },
    async () => {
      const session = await createSession(api);
      const ivy = await joinRoom(api, session.id, 'Ivy', session.interviewerToken);
      const updates: TestRunRecord[] = [];
      ivy.socket.on('tests:update', (update: TestRunUpdate) => updates.push(update.run));
      try {
        assert.ok((await ivy.request('room:set-language', { language: 'sqlite3' })).ok);
        const loaded = await ivy.request('question:load', { questionId: 'top-customers' });
        assert.ok(loaded.ok, JSON.stringify(loaded));
        const code = ivy.doc.getText(ROOM_DOC.code);
        ivy.doc.transact(() => {
          code.delete(0, code.length);
          code.insert(0, TOP_CUSTOMERS_SOLUTION);
        });
        const ack = await ivy.request('tests:run', {});
        assert.ok(ack.ok, JSON.stringify(ack));
        const run = await pollUntil(
          'the test run to finish',
          2 * MINUTE,
          async () => updates.filter((u) => u.runId === ack.run.runId && (u.state === 'completed' || u.state === 'failed')).at(-1),
          200,
        );
        assert.equal(run.state, 'completed', JSON.stringify(run));
        assert.equal(run.total, 3, JSON.stringify(run));
        assert.equal(run.passed, 3, JSON.stringify(run.cases));
      } finally {
        ivy.destroy();
      }
    },
  );

  it('answers a SQL (PostgreSQL) run with its schema and seed files: the right rows, in order', { timeout: 3 * MINUTE }, async () => {
    const result = await runFiles(api, sessionId, 'postgresql', POSTGRES_PAD.files);
    assert.equal(result.result?.outcome, 'success', describeRun(result));
    const output = result.result?.run?.stdout ?? '';
    assert.deepEqual(psqlRows(output), POSTGRES_PAD.rows, output);
    assert.match(output, /\(3 rows\)/);
  });

  it('serves the frontend home page, which may frame the previews of PREVIEW_ORIGIN', async () => {
    const home = await http<string>(`${frontend.url}/`, { timeoutMs: 30_000 });
    assert.equal(home.status, 200);
    assert.match(home.body, /<html/i);
    assert.match(home.body, /PairPad/);
    const policy = (await fetch(`${frontend.url}/`, { signal: AbortSignal.timeout(30_000) })).headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-src http:\/\/\*\.preview\.localhost:5000(;|$)/, policy);
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
