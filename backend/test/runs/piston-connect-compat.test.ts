import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SocketYjsProvider } from '@pairpad/client';
import { openConnect, probeConnect } from '../../src/runs';
import type { BackendHandle } from '../../src/server';
import { startTestExecutor, type TestExecutor } from '../executor/helpers';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { listenForRuns, startRun, waitFinished } from './run-helpers';
import { stage } from './fake-piston';

/**
 * A self-hosted Piston's /api/v2/connect, modelled on what engineer-man/piston 0a844d0
 * (api/src/api/v2.js and job.js) did when PairPad was run against it (issue #13; Piston itself
 * cannot run in CI: it needs isolate, cgroups and root). The behaviour copied here is the
 * observed one:
 * - init is handled by an async handler that awaits the job before setting it: data or a
 *   signal in the same burst as init closes 4003 "Not yet initialized";
 * - stdin before the run stage's process exists is emitted to no listener and lost;
 * - `eof` is an unknown message and ignored (stdin is never closed);
 * - a known signal is emitted on a bus nothing listens to (ignored); an unknown one closes 4005;
 * - a client that closes does not end the job: it runs until its run timeout, then exit + 4999;
 * - no init within 1 s closes 4001;
 * - exit messages carry `code` and `signal` only.
 * The program is a line echo ("got <line>") that never exits by itself.
 */
interface ModelPiston {
  url: string;
  received: Record<string, unknown>[];
  executes: unknown[];
  /** Jobs still running, by connection (closing the socket does not end one). */
  runningJobs(): number;
  close(): Promise<void>;
}

const SIGNALS = new Set(['SIGINT', 'SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

async function startModelPiston(): Promise<ModelPiston> {
  const received: Record<string, unknown>[] = [];
  const executes: unknown[] = [];
  const jobs = new Set<{ timer: NodeJS.Timeout }>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.method === 'GET' && request.url === '/api/v2/runtimes') {
        return response.end(JSON.stringify([{ language: 'python', version: '3.11.2', aliases: ['py', 'py3', 'python3'] }]));
      }
      if (request.method === 'POST' && request.url === '/api/v2/execute') {
        executes.push(JSON.parse(body) as unknown);
        return response.end(
          JSON.stringify({ language: 'python', version: '3.11.2', run: stage({ stdout: 'from execute\n', output: 'from execute\n' }) }),
        );
      }
      response.statusCode = 404;
      response.end(JSON.stringify({ message: 'Not Found' }));
    });
  });
  const wss = new WebSocketServer({ server, path: '/api/v2/connect' });
  wss.on('connection', (ws: WebSocket) => {
    let job: { stdin: ((data: string) => void) | null } | null = null;
    const send = (message: Record<string, unknown>) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    ws.on('message', async (raw) => {
      const msg = JSON.parse(raw.toString()) as Record<string, unknown>;
      received.push(msg);
      switch (msg.type) {
        case 'init': {
          if (job !== null) return ws.close(4000, 'Already Initialized');
          job = await Promise.resolve({ stdin: null });
          // Priming (isolate --init, files written) before anything runs.
          await new Promise((resolve) => setTimeout(resolve, 20));
          send({ type: 'runtime', language: 'python', version: '3.11.2' });
          send({ type: 'stage', stage: 'run' });
          job.stdin = (data) => send({ type: 'data', stream: 'stdout', data: `got ${data}` });
          // Its run timeout: long, so that only the client can end the test's runs early.
          const running = {
            timer: setTimeout(() => {
              jobs.delete(running);
              send({ type: 'exit', stage: 'run', code: null, signal: 'SIGKILL' });
              if (ws.readyState === ws.OPEN) ws.close(4999, 'Job Completed');
            }, 60_000),
          };
          jobs.add(running);
          return;
        }
        case 'data':
          if (job === null) return ws.close(4003, 'Not yet initialized');
          if (msg.stream !== 'stdin') return ws.close(4004, 'Can only write to stdin');
          job.stdin?.(String(msg.data));
          return;
        case 'signal':
          if (job === null) return ws.close(4003, 'Not yet initialized');
          if (!SIGNALS.has(String(msg.signal))) return ws.close(4005, 'Invalid signal');
          return;
        default:
          return;
      }
    });
    setTimeout(() => job === null && ws.readyState === ws.OPEN && ws.close(4001, 'Initialization Timeout'), 1000);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    executes,
    runningJobs: () => jobs.size,
    close: async () => {
      for (const running of jobs) clearTimeout(running.timer);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const request = { language: 'python', version: '*', files: [{ content: 'echo' }], stdin: '' };

describe("a self-hosted Piston's connect (modelled on engineer-man/piston 0a844d0)", () => {
  let piston: ModelPiston;
  let executor: TestExecutor;
  before(async () => {
    piston = await startModelPiston();
    executor = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python' });
  });
  after(async () => {
    await piston.close();
    await executor.close();
  });

  it('the probe tells the embedded executor (full), a Piston (stdin only) and no connect apart', async () => {
    assert.equal(await probeConnect(executor.url), 'full');
    assert.equal(await probeConnect(piston.url), 'stdin-only');
    const plain = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      assert.equal(await probeConnect(`http://127.0.0.1:${(plain.address() as AddressInfo).port}`), 'none');
    } finally {
      plain.close();
    }
  });

  it('stdin written at once waits for the run stage (not 4003, not lost); a stop ends the run here, Piston ignoring signals', async () => {
    const output: string[] = [];
    const run = await openConnect({
      baseUrl: piston.url,
      request: { ...request, stdin: 'first\n' },
      onOutput: (_stream, data) => output.push(data),
      outputMaxBytes: 65_536,
      closeStdin: false,
      controls: false,
      timeoutMs: 60_000,
    });
    run.write('second\n');
    await waitFor(() => output.join('').includes('got second'), { what: 'the echo of the second line' });
    const runningBefore = piston.runningJobs();
    run.kill('SIGINT');
    const result = await run.result;
    assert.equal(result.run.stdout, 'got first\ngot second\n');
    assert.equal(result.run.signal, 'SIGINT');
    assert.equal(result.run.status, 'SG');
    assert.match(result.run.message ?? '', /cannot signal a running program/);
    assert.ok(!piston.received.some((message) => message.type === 'signal'), 'no signal sent to an executor that ignores them');
    assert.equal(piston.runningJobs(), runningBefore, 'the model, like Piston, keeps the job after the socket closed');
  });

  it('an executor that should honour signals but leaves a SIGKILL unanswered is stopped here after the grace', async () => {
    const jobsBefore = piston.runningJobs();
    const run = await openConnect({
      baseUrl: piston.url,
      request,
      onOutput: () => undefined,
      outputMaxBytes: 65_536,
      closeStdin: false,
      controls: true,
      // Long enough for the signal to go out once the job exists (it waits for `runtime`): with 50 ms
      // a loaded machine ended the run here before the executor said the job existed, and the
      // signal was rightly never sent.
      stopGraceMs: 2_000,
      timeoutMs: 60_000,
    });
    // The job exists (the model sent `runtime` just before counting it): the kill is sent at once.
    await waitFor(() => piston.runningJobs() > jobsBefore, { what: 'the job to exist' });
    run.kill('SIGKILL');
    const result = await run.result;
    assert.equal(result.run.signal, 'SIGKILL');
    assert.match(result.run.message ?? '', /did not confirm the stop/);
    assert.ok(
      piston.received.some((message) => message.type === 'signal' && message.signal === 'SIGKILL'),
      'the SIGKILL was sent before the grace ran out',
    );
  });

  describe('the backend pointed at it (PISTON_URL)', () => {
    let backend: BackendHandle;
    let ivy: SocketYjsProvider;
    before(async () => {
      backend = await startTestBackend({ PISTON_URL: piston.url });
      const session = await createSession(backend);
      ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
      await waitSynced(ivy);
    });
    after(async () => {
      ivy.destroy();
      await backend.close();
    });

    it('a run with input from the Input box goes through execute (the program must see its end); an empty one gets the console', async () => {
      const runs = listenForRuns(ivy);
      const executesBefore = piston.executes.length;
      const withInput = await startRun(ivy, { code: 'print(input())', stdin: 'typed\n' });
      assert.equal(withInput.interactive, undefined);
      const finished = await waitFinished(runs, withInput.jobId);
      assert.equal(finished.result?.run?.stdout, 'from execute\n');
      assert.equal(piston.executes.length, executesBefore + 1);

      const initsBefore = piston.received.filter((message) => message.type === 'init').length;
      const live = await startRun(ivy, { code: 'echo', stdin: '' });
      assert.equal(live.interactive, true);
      await waitFor(() => piston.received.filter((message) => message.type === 'init').length === initsBefore + 1, {
        what: 'the console run to open a connect session',
      });
      const stop = await ivy.request('console:signal', { jobId: live.jobId, signal: 'SIGKILL' });
      assert.ok(stop.ok);
      const stopped = await waitFinished(runs, live.jobId);
      assert.equal(stopped.result?.outcome, 'signal');
      assert.match(stopped.result?.run?.message ?? '', /self-hosted Piston/);
    });
  });
});
