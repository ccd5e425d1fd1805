import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { eventually, jobProcessesOfUid, single, startTestExecutor, testSandboxUid, type StageBody, type TestExecutor } from './helpers';
import { contained, hostileBody, py, type HostileName } from './hostile-programs';
import { PistonConnectClient } from './piston-connect-client';

/**
 * WebSocket /api/v2/connect against the real executor and sandbox, driven by a client that
 * knows only Piston's description of the protocol.
 */

const SECRET = `pairpad-connect-secret-${process.pid}-${Date.now()}`;
const SANDBOX_UID = testSandboxUid();
const TOKEN = 'connect-test-token-0123456789';
/**
 * How long a killed program may take to be gone: polled, so a quick kill passes at once; the
 * budget is for a loaded machine (5 s ran out at load 27 with the suites side by side), and stays
 * below the idle limit (60 s) and the 120 s those programs would otherwise sleep, so that only the
 * kill under test can end them in time.
 */
const GONE_WITHIN_MS = 20_000;

describe('executor: interactive runs over /api/v2/connect', () => {
  let ex: TestExecutor;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const connect = () => PistonConnectClient.connect(ex.url, auth);

  before(async () => {
    ex = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'python,c,bash',
      EXECUTOR_TOKEN: TOKEN,
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      // Above the hostile programs' 8 s wall clock (on a busy machine a CPU-bound program with no
      // output must meet its own limit first, not the idle one) and above GONE_WITHIN_MS (a program
      // the tests expect killed for another reason must not be ended by the idle limit instead).
      EXECUTOR_CONNECT_IDLE_TIMEOUT: '60000',
      PAIRPAD_TEST_SECRET: SECRET,
    });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('runs an interactive Python program: prompt, stdin, answer, exit, 4999', async () => {
    const client = await connect();
    client.init(
      py('name = input("Your name? ")\nprint(f"Hello, {name}!")\nage = input("Age? ")\nprint(f"{name} is {int(age) + 1} next year")'),
    );
    await client.waitForOutput('Your name? ');
    client.stdin('Ada\n');
    await client.waitForOutput('Age? ');
    assert.match(client.output(), /Hello, Ada!\n/, 'the answer came before the second prompt');
    client.stdin('36\n');
    const closed = await client.closed;
    assert.deepEqual(closed, { code: 4999, reason: 'Job Completed' });
    assert.equal(client.output('stdout'), 'Your name? Hello, Ada!\nAge? Ada is 37 next year\n');
    const [runtime, stage] = client.messages;
    assert.equal(runtime?.type, 'runtime');
    assert.ok(runtime?.type === 'runtime' && runtime.language === 'python' && /^\d+\.\d+\.\d+/.test(runtime.version));
    assert.deepEqual(stage, { type: 'stage', stage: 'run' });
    const exit = client.exit('run');
    assert.equal(exit?.code, 0);
    assert.equal(exit?.signal, null);
    assert.equal(exit?.status, null);
    assert.equal(typeof exit?.wall_time, 'number');
    assert.equal(client.messages.at(-1)?.type, 'exit');
  });

  it('compiles and runs a C program that reads a loop of numbers', async () => {
    const client = await connect();
    client.init(
      single(
        'c',
        `#include <stdio.h>
int main(void) {
  int n, sum = 0;
  printf("number: ");
  while (scanf("%d", &n) == 1 && n != 0) {
    sum += n;
    printf("sum %d\\nnumber: ", sum);
  }
  printf("total %d\\n", sum);
  return 3;
}`,
      ),
    );
    await client.waitForOutput('number: ');
    const stages = client.messages.filter((m) => m.type === 'stage').map((m) => (m.type === 'stage' ? m.stage : ''));
    assert.deepEqual(stages, ['compile', 'run']);
    assert.equal(client.exit('compile')?.code, 0);
    let expected = 0;
    for (const n of [5, 10, -3, 40]) {
      expected += n;
      client.stdin(`${n}\n`);
      // Each answer arrives while the program is still waiting for the next number.
      await client.waitForOutput(`sum ${expected}\nnumber: `);
    }
    client.stdin('0\n');
    assert.equal((await client.closed).code, 4999);
    assert.match(client.output('stdout'), /total 52\n$/);
    assert.equal(client.exit('run')?.code, 3);
    assert.equal(client.exit('run')?.status, 'RE');
  });

  it('delivers SIGINT to the program (Python raises KeyboardInterrupt and dies of it)', async () => {
    const client = await connect();
    client.init(py('import time\nprint("ready", flush=True)\nwhile True:\n    time.sleep(0.05)'));
    await client.waitForOutput('ready\n');
    client.signal('SIGINT');
    assert.equal((await client.closed).code, 4999);
    assert.match(client.output('stderr'), /KeyboardInterrupt/);
    assert.equal(client.exit('run')?.signal, 'SIGINT');
    assert.equal(client.exit('run')?.status, 'SG');
  });

  it('a program that traps SIGINT keeps running; SIGKILL then ends it', async () => {
    const client = await connect();
    client.init(single('bash', 'trap "echo caught INT" INT\necho ready\nwhile true; do sleep 0.1; done'));
    await client.waitForOutput('ready\n');
    client.signal('SIGINT');
    await client.waitForOutput('caught INT\n');
    client.signal('SIGKILL');
    assert.equal((await client.closed).code, 4999);
    assert.equal(client.exit('run')?.signal, 'SIGKILL');
  });

  it('closes stdin on {type:"eof"}: a cat-style program then ends', async () => {
    const client = await connect();
    client.init(single('bash', 'cat; echo "[eof]"'));
    await client.until(() => client.messages.some((m) => m.type === 'stage' && m.stage === 'run'), 'run stage');
    client.stdin('one\n');
    await client.waitForOutput('one\n');
    client.stdin('two\n');
    await client.waitForOutput('two\n');
    client.send({ type: 'eof' });
    assert.equal((await client.closed).code, 4999);
    assert.equal(client.output(), 'one\ntwo\n[eof]\n');
  });

  it("writes the init's stdin first, and input sent before the run started", async () => {
    const client = await connect();
    client.init(single('bash', 'read a; read b; echo "$a+$b"', { stdin: 'first\n' }));
    client.stdin('second\n');
    assert.equal((await client.closed).code, 4999);
    assert.equal(client.output(), 'first+second\n');
  });

  describe("Piston's errors and close codes", () => {
    it('4001 Initialization Timeout without init', async () => {
      const client = await connect();
      assert.deepEqual(await client.closed, { code: 4001, reason: 'Initialization Timeout' });
    });

    it('4003 Not yet initialized for data or signal before init', async () => {
      const a = await connect();
      a.stdin('x');
      assert.deepEqual(await a.closed, { code: 4003, reason: 'Not yet initialized' });
      const b = await connect();
      b.signal('SIGINT');
      assert.deepEqual(await b.closed, { code: 4003, reason: 'Not yet initialized' });
    });

    it('4000 Already Initialized, 4004 Can only write to stdin, 4005 Invalid signal', async () => {
      const program = py('import time\ntime.sleep(5)');
      const a = await connect();
      a.init(program);
      a.init(program);
      assert.deepEqual(await a.closed, { code: 4000, reason: 'Already Initialized' });
      const b = await connect();
      b.init(program);
      b.send({ type: 'data', stream: 'stdout', data: 'x' });
      assert.deepEqual(await b.closed, { code: 4004, reason: 'Can only write to stdin' });
      const c = await connect();
      c.init(program);
      c.signal('SIGNOPE');
      assert.deepEqual(await c.closed, { code: 4005, reason: 'Invalid signal' });
    });

    it('sends a request error as {type:"error"} with execute\'s message, then 4002 Notified Error', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ language: 'cobol', version: '*', files: [{ content: '' }] }, 'cobol-* runtime is unknown'],
        [{ version: '*', files: [] }, 'language is required as a string'],
        [{ language: 'python', version: '*', files: [{}] }, 'files[0].content is required as a string'],
        [{ ...py('1'), run_cpu_time: 'fast' }, 'If specified, run_cpu_time must be a number'],
        [{ ...py('1'), run_memory_limit: 10 ** 12 }, 'run_memory_limit cannot exceed the configured limit of 268435456'],
      ];
      for (const [request, message] of cases) {
        const client = await connect();
        client.init(request);
        assert.deepEqual(await client.closed, { code: 4002, reason: 'Notified Error' });
        assert.deepEqual(client.messages, [{ type: 'error', message }]);
      }
    });

    it('answers malformed JSON with an error and 4002, and ignores unknown message types', async () => {
      const bad = await connect();
      bad.sendRaw('{not json');
      assert.equal((await bad.closed).code, 4002);
      assert.equal(bad.messages[0]?.type, 'error');
      const odd = await connect();
      odd.send({ type: 'hello' });
      odd.init(py('print(1)'));
      assert.equal((await odd.closed).code, 4999);
      assert.equal(odd.output(), '1\n');
    });

    it('refuses an upgrade without the executor token (401), and other paths (404)', async () => {
      await assert.rejects(PistonConnectClient.connect(ex.url), /upgrade refused: 401/);
      await assert.rejects(
        PistonConnectClient.connect(ex.url, { authorization: 'Bearer wrong-token-wrong-token' }),
        /upgrade refused: 401/,
      );
      // The bare token, as the public Piston's clients sent it, is accepted like on HTTP.
      const bare = await PistonConnectClient.connect(ex.url, { authorization: TOKEN });
      bare.init(py('print("ok")'));
      assert.equal((await bare.closed).code, 4999);
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${ex.url.replace(/^http/, 'ws')}/api/v2/elsewhere`, { headers: auth });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('upgraded on an unknown path')));
        ws.once('error', () => undefined);
      });
      assert.equal(status, 404);
    });
  });

  describe('limits and hostile programs, as in the execute suite', () => {
    const names: HostileName[] = [
      'forkBomb',
      'memoryBomb',
      'infiniteLoop',
      'sleeper',
      'setsidEscape',
      'stdoutFlood',
      'stderrFlood',
      'network',
      'environment',
      'hostFiles',
      'writeOutside',
      'signalParent',
    ];
    const results = new Map<HostileName, StageBody>();

    before(async () => {
      const port = new URL(ex.url).port;
      await Promise.all(
        names.map(async (name) => {
          const client = await connect();
          client.init(hostileBody(name, port));
          const closed = await client.closed;
          assert.equal(closed.code, 4999, `${name}: ${JSON.stringify(client.messages.filter((m) => m.type !== 'data'))}`);
          const exit = client.exit('run');
          assert.ok(exit, `${name} exited`);
          results.set(name, {
            stdout: client.output('stdout'),
            stderr: client.output('stderr'),
            output: client.output(),
            code: exit.code,
            signal: exit.signal,
            message: (exit.message as string | null) ?? null,
            status: (exit.status as string | null) ?? null,
            cpu_time: (exit.cpu_time as number | null) ?? null,
            wall_time: (exit.wall_time as number | null) ?? null,
            memory: (exit.memory as number | null) ?? null,
          });
        }),
      );
    });
    const run = (name: HostileName) => {
      const result = results.get(name);
      assert.ok(result, `${name} ran`);
      return result;
    };

    it('contains a fork bomb, a memory bomb, an infinite loop and a sleeper', () => {
      assert.equal(run('forkBomb').status, 'TO');
      assert.equal(run('memoryBomb').status, 'SG');
      assert.match(run('memoryBomb').message ?? '', /Memory limit exceeded/);
      assert.equal(run('infiniteLoop').status, 'TO');
      assert.equal(run('infiniteLoop').message, 'Time limit exceeded');
      assert.equal(run('sleeper').status, 'TO');
      assert.equal(run('sleeper').message, 'Time limit exceeded (wall clock)');
    });

    it('caps streamed output as execute does (OL, EL) and sends no more than the cap', () => {
      assert.equal(run('stdoutFlood').status, 'OL');
      assert.equal(run('stdoutFlood').stdout.length, 65536);
      assert.equal(run('stderrFlood').status, 'EL');
      assert.equal(run('stderrFlood').stderr.length, 65536);
    });

    it('has no network, no server environment, no host files, no writes outside the box', () => {
      contained.network(run('network'));
      contained.environment(run('environment'), SECRET);
      assert.doesNotMatch(run('hostFiles').stdout, /READ/);
      assert.doesNotMatch(run('writeOutside').stdout, /WROTE/);
      assert.match(run('writeOutside').stdout, /box writable/);
      const r = run('signalParent');
      assert.ok(r.status === 'SG' || r.stdout.includes('still here'), r.output);
    });

    it('leaves no sandbox process behind (setsid escape included)', async () => {
      assert.equal(run('setsidEscape').stdout, 'parent leaving\n');
      let left: string[] = [];
      await eventually(
        async () => (left = await jobProcessesOfUid(SANDBOX_UID)).length === 0,
        GONE_WITHIN_MS,
        'no sandbox processes',
      ).catch((error: Error) => assert.fail(`${error.message}; left: ${left.join(', ')}`));
    });
  });

  describe('bad input', () => {
    it('ends the session when stdin piles up unread (error, 4002) and kills the program', async () => {
      const client = await connect();
      client.init(py('import time\nprint("not reading", flush=True)\ntime.sleep(120)'));
      await client.waitForOutput('not reading');
      const chunk = 'y'.repeat(256 * 1024);
      for (let i = 0; i < 8; i++) client.stdin(chunk);
      assert.deepEqual(await client.closed, { code: 4002, reason: 'Notified Error' });
      const error = client.messages.find((m) => m.type === 'error');
      assert.match(error?.type === 'error' ? error.message : '', /stdin is not being read/);
      await eventually(async () => (await jobProcessesOfUid(SANDBOX_UID)).length === 0, GONE_WITHIN_MS, 'the program killed');
    });

    it('rejects non-string stdin with an error', async () => {
      const client = await connect();
      client.init(py('input()'));
      client.send({ type: 'data', stream: 'stdin', data: 42 });
      assert.equal((await client.closed).code, 4002);
      assert.deepEqual(client.messages.at(-1), { type: 'error', message: 'data must be a string' });
    });

    it('kills the job of a client that goes away mid-run', async () => {
      const client = await connect();
      client.init(py('import time\nprint("started", flush=True)\ntime.sleep(120)'));
      await client.waitForOutput('started');
      client.close();
      await client.closed;
      await eventually(async () => (await jobProcessesOfUid(SANDBOX_UID)).length === 0, GONE_WITHIN_MS, 'the abandoned job killed');
      await eventually(() => ex.handle.health().status === 'ok', 1000, 'healthy');
    });
  });
});

// After the suite above has closed its executor: two executors in one process would share its
// cgroup folder (named by pid).
describe('executor: the idle limit of an interactive run', () => {
  // An executor of its own with a 2 s idle limit, so that the test waits 2 s instead of 60.
  let idle: TestExecutor;
  before(async () => {
    idle = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'python',
      EXECUTOR_TOKEN: TOKEN,
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      EXECUTOR_CONNECT_IDLE_TIMEOUT: '2000',
    });
    await idle.handle.ready;
  });
  after(async () => {
    await idle?.close();
  });

  it('ends a run that waits for input longer than the idle limit (TO)', async () => {
    const client = await PistonConnectClient.connect(idle.url, { authorization: `Bearer ${TOKEN}` });
    client.init(py('print("waiting", flush=True)\ninput()'));
    assert.equal((await client.closed).code, 4999);
    const exit = client.exit('run');
    assert.equal(exit?.status, 'TO');
    assert.equal(exit?.signal, 'SIGKILL');
    assert.match(String(exit?.message), /Idle limit exceeded: no input or output for 2 s/);
  });
});
