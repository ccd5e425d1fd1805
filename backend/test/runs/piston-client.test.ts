import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExecutor, type ExecutorHandle } from '@pairpad/executor';
import { PistonClient, toRunResult, type PistonExecuteRequest } from '../../src/runs';
import { AppError } from '@pairpad/protocol';
import { stage, startFakePiston, type FakePiston } from './fake-piston';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function request(language: string, content: string, stdin = '', name?: string): PistonExecuteRequest {
  return { language, version: '*', files: [{ ...(name ? { name } : {}), content }], stdin, args: [] };
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('piston client against the embedded executor (real sandbox)', () => {
  let executor: ExecutorHandle;
  let client: PistonClient;
  before(async () => {
    executor = await startExecutor({
      env: {
        ...process.env,
        EXECUTOR_RUNTIMES: 'python,c',
        PISTON_RUN_TIMEOUT: '1000',
        EXECUTOR_OUTPUT_MAX_SIZE: '1024',
        EXECUTOR_RUN_MEMORY_LIMIT: '67108864',
      },
      host: '127.0.0.1',
      port: 0,
      logger: quiet,
    });
    await executor.ready;
    client = new PistonClient({ baseUrl: executor.url, executeTimeoutMs: 20_000 });
  });
  after(async () => {
    await executor?.close();
  });

  it('lists runtimes in Piston shape', async () => {
    const runtimes = await client.runtimes();
    assert.deepEqual(runtimes.map((runtime) => runtime.language).sort(), ['c', 'python']);
    assert.ok(runtimes.find((runtime) => runtime.language === 'python')?.aliases.includes('py'));
  });

  it('runs Python with stdin: success, stdout, timings and memory', async () => {
    const result = toRunResult(
      await client.execute(request('python', 'import sys\nprint("got", input())\nprint("warn", file=sys.stderr)', 'Ada\n', 'main.py')),
    );
    assert.equal(result.outcome, 'success');
    assert.equal(result.statusText, 'Finished (exit code 0)');
    assert.equal(result.run?.stdout, 'got Ada\n');
    assert.equal(result.run?.stderr, 'warn\n');
    assert.equal(result.run?.code, 0);
    assert.ok((result.run?.wallTime ?? 0) > 0 && (result.run?.memory ?? 0) > 0);
    assert.equal(result.compile, null);
  });

  it('reports a C compile error once, with the compiler message', async () => {
    const result = toRunResult(await client.execute(request('c', 'int main(void) { return x; }\n', '', 'main.c')));
    assert.equal(result.outcome, 'compile-error');
    assert.equal(result.statusText, 'Compile error');
    assert.match(result.compile?.stderr ?? '', /undeclared/);
    assert.equal(result.run, null, 'the mirrored run stage is not repeated');
  });

  it('maps runtime error, time limit, signal, memory limit and output limit to words', async () => {
    const cases: [string, string, string][] = [
      ['import sys; sys.exit(3)', 'runtime-error', 'Runtime error (exit code 3)'],
      ['while True: pass', 'time-limit', 'Time limit exceeded'],
      ['import os, signal; os.kill(os.getpid(), signal.SIGSEGV)', 'signal', 'Killed by signal SIGSEGV'],
      ['x = bytearray(512 * 1024 * 1024); print(len(x))', 'memory-limit', 'Memory limit exceeded'],
      ['print("a" * 5000)', 'output-truncated', 'Output truncated (too much output on stdout)'],
      ['import sys; sys.stderr.write("e" * 5000)', 'output-truncated', 'Output truncated (too much output on stderr)'],
    ];
    for (const [code, outcome, statusText] of cases) {
      const result = toRunResult(await client.execute(request('python', code, '', 'main.py')));
      assert.equal(result.outcome, outcome, code);
      assert.equal(result.statusText, statusText, code);
    }
  });

  it('answers an unknown runtime with RUNTIME_UNKNOWN and an unknown version too', async () => {
    await rejectsWith(client.execute(request('cobol', 'x')), 'RUNTIME_UNKNOWN', /cobol-\* runtime is unknown/);
    await rejectsWith(
      client.execute({ ...request('python', 'print(1)'), version: '1.x' }),
      'RUNTIME_UNKNOWN',
      /python-1\.x runtime is unknown/,
    );
  });

  it('passes other 4xx messages through as EXECUTOR_REJECTED', async () => {
    await rejectsWith(
      client.execute({ ...request('python', 'print(1)'), files: [{ content: 42 as unknown as string }] }),
      'EXECUTOR_REJECTED',
      /files\[0\]\.content is required as a string/,
    );
  });
});

describe('piston client against a fake Piston (bodies from PISTON.md)', () => {
  let fake: FakePiston;
  let client: PistonClient;
  before(async () => {
    fake = await startFakePiston();
    client = new PistonClient({ baseUrl: fake.url, executeTimeoutMs: 500, getTimeoutMs: 300, getRetries: 2 });
  });
  after(async () => {
    await fake?.close();
  });

  it('compile failure with `run` mirroring the compile stage → one compile error', async () => {
    const failed = stage({
      stderr: "main.c:1: error: 'x' undeclared",
      output: "main.c:1: error: 'x' undeclared",
      code: 1,
      status: 'RE',
      message: 'Exited with error status 1',
    });
    fake.executeReplies.set('c', { status: 200, body: { language: 'c', version: '10.2.0', compile: failed, run: failed } });
    const result = toRunResult(await client.execute(request('c', 'int main(){return x;}')));
    assert.equal(result.outcome, 'compile-error');
    assert.equal(result.run, null);
    assert.match(result.compile?.stderr ?? '', /undeclared/);
    assert.equal(result.version, '10.2.0');
  });

  it('a compile that times out says so', async () => {
    const timedOut = stage({ code: null, signal: 'SIGKILL', status: 'TO', message: 'Time limit exceeded' });
    fake.executeReplies.set('rust', { status: 200, body: { language: 'rust', version: '1.68.2', compile: timedOut, run: timedOut } });
    const result = toRunResult(await client.execute(request('rust', 'fn main(){}')));
    assert.equal(result.outcome, 'compile-error');
    assert.equal(result.statusText, 'Compile error (compile time limit exceeded)');
  });

  it('OL, EL, TO, SG and XX statuses, and a successful compile followed by a run', async () => {
    const replies: [string, Record<string, unknown>, string, string][] = [
      [
        'ol',
        { stdout: 'aaaa', output: 'aaaa', code: null, signal: 'SIGKILL', status: 'OL', message: 'stdout length exceeded' },
        'output-truncated',
        'Output truncated (too much output on stdout)',
      ],
      [
        'el',
        { stderr: 'eeee', output: 'eeee', code: null, signal: 'SIGKILL', status: 'EL', message: 'stderr length exceeded' },
        'output-truncated',
        'Output truncated (too much output on stderr)',
      ],
      ['to', { code: null, signal: 'SIGKILL', status: 'TO', message: 'Time limit exceeded' }, 'time-limit', 'Time limit exceeded'],
      ['sg', { code: null, signal: 'SIGSEGV', status: 'SG', message: 'Caught fatal signal 11' }, 'signal', 'Killed by signal SIGSEGV'],
      [
        'xx',
        { code: null, status: 'XX', message: 'box setup failed' },
        'internal-error',
        'Internal error in the executor: box setup failed',
      ],
      [
        're',
        { stderr: 'boom', code: 2, status: 'RE', message: 'Exited with error status 2' },
        'runtime-error',
        'Runtime error (exit code 2)',
      ],
    ];
    for (const [language, run, outcome, statusText] of replies) {
      fake.executeReplies.set(language, { status: 200, body: { language, version: '1.0.0', run: stage(run) } });
      const result = toRunResult(await client.execute(request(language, 'x')));
      assert.equal(result.outcome, outcome, language);
      assert.equal(result.statusText, statusText, language);
    }
    fake.executeReplies.set('cpp', {
      status: 200,
      body: { language: 'c++', version: '10.2.0', compile: stage(), run: stage({ stdout: 'ok\n', output: 'ok\n' }) },
    });
    const compiled = toRunResult(await client.execute(request('cpp', 'x')));
    assert.equal(compiled.outcome, 'success');
    assert.equal(compiled.run?.stdout, 'ok\n');
    assert.equal(compiled.compile?.code, 0);
  });

  it('reads an older Piston body without timing fields', async () => {
    fake.executeReplies.set('old', {
      status: 200,
      body: { language: 'old', version: '1.0.0', run: { stdout: 'hi\n', stderr: '', output: 'hi\n', code: 0, signal: null } },
    });
    const result = toRunResult(await client.execute(request('old', 'x')));
    assert.equal(result.outcome, 'success');
    assert.equal(result.run?.wallTime, null);
    assert.equal(result.run?.memory, null);
  });

  it('400 "runtime is unknown" → RUNTIME_UNKNOWN; other 400s and 415 → EXECUTOR_REJECTED with the message', async () => {
    await rejectsWith(client.execute(request('cobol', 'x')), 'RUNTIME_UNKNOWN', /cobol-\* runtime is unknown/);
    fake.executeReplies.set('bad', { status: 400, body: { message: 'run_timeout cannot exceed the configured limit of 3000' } });
    await rejectsWith(client.execute(request('bad', 'x')), 'EXECUTOR_REJECTED', /cannot exceed the configured limit of 3000/);
    fake.executeReplies.set('media', { status: 415, body: { message: 'requests must be of type application/json' } });
    await rejectsWith(client.execute(request('media', 'x')), 'EXECUTOR_REJECTED', /must be of type application\/json/);
    fake.executeReplies.set('crash', { status: 500, body: '' });
    await rejectsWith(client.execute(request('crash', 'x')), 'EXECUTOR_REJECTED', /HTTP 500/);
    fake.executeReplies.set('garbage', { status: 200, body: { hello: 'world' } });
    await rejectsWith(client.execute(request('garbage', 'x')), 'EXECUTOR_REJECTED', /does not understand/);
  });

  it('503 on execute → EXECUTOR_UNAVAILABLE after exactly one attempt (POST is never retried)', async () => {
    fake.executeReplies.set('busy', { status: 503, body: { message: 'queue is full' } });
    const before = fake.requests.filter((r) => r.path === '/api/v2/execute').length;
    await rejectsWith(client.execute(request('busy', 'x')), 'EXECUTOR_UNAVAILABLE', /busy or unavailable \(HTTP 503: queue is full\)/);
    assert.equal(fake.requests.filter((r) => r.path === '/api/v2/execute').length - before, 1);
  });

  it('a slow answer → EXECUTOR_TIMEOUT, sent once', async () => {
    fake.executeReplies.set('slow', { status: 200, body: { language: 'slow', version: '1', run: stage() }, delayMs: 2_000 });
    const before = fake.requests.length;
    await rejectsWith(client.execute(request('slow', 'x')), 'EXECUTOR_TIMEOUT', /did not answer within/);
    assert.equal(fake.requests.length - before, 1);
  });

  it('GET runtimes is retried through 503s and succeeds', async () => {
    fake.runtimesReplies.splice(
      0,
      fake.runtimesReplies.length,
      { status: 503, body: { message: 'starting' } },
      { status: 503, body: { message: 'starting' } },
      {
        status: 200,
        body: [
          { language: 'python', version: '3.10.0', aliases: ['py'] },
          { language: 'c', version: '10.2.0', runtime: 'gcc' },
        ],
      },
    );
    const before = fake.requests.filter((r) => r.path === '/api/v2/runtimes').length;
    const runtimes = await client.runtimes();
    assert.equal(fake.requests.filter((r) => r.path === '/api/v2/runtimes').length - before, 3);
    assert.deepEqual(runtimes, [
      { language: 'python', version: '3.10.0', aliases: ['py'] },
      { language: 'c', version: '10.2.0', aliases: [], runtime: 'gcc' },
    ]);
  });

  it('an unreachable executor → EXECUTOR_UNAVAILABLE in words', async () => {
    const nowhere = new PistonClient({ baseUrl: 'http://127.0.0.1:9', executeTimeoutMs: 2_000, getRetries: 1 });
    await rejectsWith(nowhere.execute(request('python', 'print(1)')), 'EXECUTOR_UNAVAILABLE', /not reachable \(ECONNREFUSED\)/);
    await rejectsWith(nowhere.runtimes(), 'EXECUTOR_UNAVAILABLE', /not reachable/);
  });
});

describe('piston client: test-case batches, with and without the batch endpoint', () => {
  let executor: ExecutorHandle;
  let fake: FakePiston;
  before(async () => {
    executor = await startExecutor({ env: { ...process.env, EXECUTOR_RUNTIMES: 'python,c' }, host: '127.0.0.1', port: 0, logger: quiet });
    await executor.ready;
    fake = await startFakePiston();
  });
  after(async () => {
    await executor?.close();
    await fake?.close();
  });
  const sum = {
    language: 'c',
    version: '*',
    files: [{ name: 'main.c', content: '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}' }],
  };

  it("uses the embedded executor's batch endpoint: one compile, a result per case", async () => {
    const client = new PistonClient({ baseUrl: executor.url, executeTimeoutMs: 30_000 });
    const result = await client.batch({ ...sum, cases: [{ stdin: '1 2' }, { stdin: '40 2' }] });
    assert.equal(result.compile?.code, 0);
    assert.deepEqual(
      result.cases.map((c) => c.stdout),
      ['3\n', '42\n'],
    );
  });

  it('falls back to one execute per case against a Piston without it, and remembers', async () => {
    // The fake answers each execute with the sum of its stdin, as the program would.
    fake.onExecute = (body) => {
      const [a = 0, b = 0] = (body as { stdin: string }).stdin.split(' ').map(Number);
      return { status: 200, body: { language: 'c', version: '10.2.0', compile: stage(), run: stage({ stdout: `${a + b}\n` }) } };
    };
    const client = new PistonClient({ baseUrl: fake.url, executeTimeoutMs: 2_000 });
    const first = await client.batch({ ...sum, cases: [{ stdin: '1 2' }, { stdin: '40 2' }] });
    assert.deepEqual(
      first.cases.map((c) => c.stdout),
      ['3\n', '42\n'],
    );
    assert.equal(first.version, '10.2.0');
    const second = await client.batch({ ...sum, cases: [{ stdin: '3 4' }] });
    assert.deepEqual(
      second.cases.map((c) => c.stdout),
      ['7\n'],
    );
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      paths,
      ['POST /api/v2/pairpad/batch', 'POST /api/v2/execute', 'POST /api/v2/execute', 'POST /api/v2/execute'],
      'the batch endpoint is asked once',
    );
    assert.deepEqual(
      fake.requests.slice(1).map((r) => (r.body as { stdin: string }).stdin),
      ['1 2', '40 2', '3 4'],
    );
  });

  it('reports a compile error once in the fallback, without running the other cases', async () => {
    const failed = stage({ stderr: 'error: expected', code: 1, status: 'RE', message: 'Exited with error status 1' });
    const fresh = await startFakePiston();
    try {
      fresh.executeReplies.set('c', { status: 200, body: { language: 'c', version: '10.2.0', compile: failed, run: failed } });
      const client = new PistonClient({ baseUrl: fresh.url, executeTimeoutMs: 2_000 });
      const result = await client.batch({ ...sum, cases: [{ stdin: '1 2' }, { stdin: '3 4' }] });
      assert.equal(result.compile?.status, 'RE');
      assert.deepEqual(result.cases, []);
      assert.equal(fresh.requests.filter((r) => r.path === '/api/v2/execute').length, 1);
    } finally {
      await fresh.close();
    }
  });
});
