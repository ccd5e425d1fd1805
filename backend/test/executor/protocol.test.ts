import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { single, startTestExecutor, type TestExecutor } from './helpers';

describe('executor: Piston API v2 protocol', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python,javascript,c', PISTON_RUN_TIMEOUT: '3000' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('answers the banner, 404 for unknown paths, and health', async () => {
    const banner = await ex.get('/');
    assert.equal(banner.status, 200);
    assert.match(String((banner.body as { message: string }).message), /Piston v2 compatible/);
    assert.deepEqual(await ex.get('/nope'), { status: 404, body: { message: 'Not Found' } });
    const health = await ex.get('/health');
    assert.equal(health.status, 200);
    const body = health.body as {
      status: string;
      ready: boolean;
      runtimes: number;
      sandbox: { kind: string; cgroup: string };
      queue: { running: number };
    };
    assert.equal(body.status, 'ok');
    assert.equal(body.ready, true);
    assert.equal(body.runtimes, 3);
    assert.equal(body.sandbox.kind, 'bwrap');
    assert.ok(['v1', 'v2', 'rlimit'].includes(body.sandbox.cgroup));
    assert.equal(typeof body.queue.running, 'number');
  });

  it('lists proven runtimes in Piston shape', async () => {
    const { status, body } = await ex.get('/api/v2/runtimes');
    assert.equal(status, 200);
    const list = body as { language: string; version: string; aliases: string[]; runtime?: string }[];
    const python = list.find((rt) => rt.language === 'python');
    assert.ok(python, 'python listed');
    assert.match(python.version, /^\d+\.\d+\.\d+$/);
    assert.ok(python.aliases.includes('py') && python.aliases.includes('python3'));
    assert.equal(python.runtime, undefined);
    assert.equal(list.find((rt) => rt.language === 'javascript')?.runtime, 'node');
    assert.equal(list.find((rt) => rt.language === 'c')?.runtime, 'gcc');
    assert.deepEqual(list.map((rt) => rt.language).sort(), ['c', 'javascript', 'python']);
  });

  it('rejects non-JSON with 415 and the exact message', async () => {
    const res = await ex.post('/api/v2/execute', 'language=python', 'text/plain');
    assert.deepEqual(res, { status: 415, body: { message: 'requests must be of type application/json' } });
  });

  it('answers malformed and oversized JSON with 400, a message and a named code', async () => {
    const bad = await ex.post('/api/v2/execute', '{"language": ');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /not valid JSON/);
    assert.equal(bad.body.code, 'VALIDATION_FAILED');
    assert.equal(bad.body.stack, undefined);
    const big = await ex.post('/api/v2/execute', single('python', 'x'.repeat(3 * 1024 * 1024)));
    assert.equal(big.status, 400);
    assert.match(String(big.body.message), /larger than the limit/);
    assert.equal(big.body.code, 'PAYLOAD_TOO_LARGE');
  });

  const cases: [string, Record<string, unknown>, string, string?][] = [
    ['language missing', { version: '*', files: [{ content: '' }] }, 'language is required as a string'],
    ['version missing', { language: 'python', files: [{ content: '' }] }, 'version is required as a string'],
    ['version empty', { language: 'python', version: '', files: [{ content: '' }] }, 'version is required as a string'],
    ['files missing', { language: 'python', version: '*' }, 'files is required as an array'],
    ['content not a string', { language: 'python', version: '*', files: [{ content: 1 }] }, 'files[0].content is required as a string'],
    [
      'second content missing',
      { language: 'python', version: '*', files: [{ content: '' }, { name: 'b' }] },
      'files[1].content is required as a string',
    ],
    ['unknown language', single('cobol', ''), 'cobol-* runtime is unknown'],
    ['unknown version', { ...single('python', ''), version: '2.x' }, 'python-2.x runtime is unknown'],
    [
      'no utf8 file',
      { language: 'python', version: '*', files: [{ content: 'AA==', encoding: 'base64' }] },
      'files must include at least one utf8 encoded file',
    ],
    ['limit not a number', { ...single('python', ''), run_timeout: '100' }, 'If specified, run_timeout must be a number'],
    ['limit above max', { ...single('python', ''), run_timeout: 3001 }, 'run_timeout cannot exceed the configured limit of 3000'],
    [
      'memory above max',
      { ...single('python', ''), run_memory_limit: 1e12 },
      'run_memory_limit cannot exceed the configured limit of 268435456',
    ],
    [
      'escaping name',
      { language: 'python', version: '*', files: [{ name: '../evil.py', content: '' }] },
      'files[0].name "../evil.py" must be a relative path inside the box (it has a ".." segment)',
      'FILE_PATH_INVALID',
    ],
    [
      'absolute name',
      { language: 'python', version: '*', files: [{ name: '/etc/passwd', content: '' }] },
      'files[0].name "/etc/passwd" must be a relative path inside the box (it has an absolute path)',
      'FILE_PATH_INVALID',
    ],
  ];
  // Piston's refusals answer `{ message }` only; ours that Piston has no word for add a named `code`.
  for (const [what, body, message, code] of cases) {
    it(`400 for ${what}`, async () => {
      assert.deepEqual(await ex.post('/api/v2/execute', body), { status: 400, body: code ? { message, code } : { message } });
    });
  }

  it('matches versions by semver range and aliases', async () => {
    const { body } = await ex.get('/api/v2/runtimes');
    const python = (body as { language: string; version: string }[]).find((rt) => rt.language === 'python');
    assert.ok(python);
    const [major, minor] = python.version.split('.');
    for (const version of ['*', `${major}.x`, `${major}.${minor}`, python.version]) {
      for (const language of ['python', 'py', 'python3']) {
        const res = await ex.execute({ language, version, files: [{ content: 'print(1)' }] });
        assert.equal(res.language, 'python');
        assert.equal(res.version, python.version);
        assert.equal(res.run.stdout, '1\n');
      }
    }
  });

  it('decodes utf8, base64 and hex files, in subfolders, and picks the first utf8 file as main', async () => {
    const res = await ex.execute({
      language: 'python',
      version: '*',
      files: [
        { name: 'data.bin', content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' },
        { name: 'main.py', content: 'import pkg.util as u\nprint(u.X, open("data.bin","rb").read(), open("notes/n.txt").read())' },
        { name: 'pkg/util.py', content: Buffer.from('X = "from-hex"').toString('hex'), encoding: 'hex' },
        { name: 'notes/n.txt', content: 'héllo' },
      ],
    });
    assert.equal(res.run.stdout, "from-hex b'\\x00\\x01\\x02\\xff' héllo\n");
    assert.equal(res.run.status, null);
  });

  it('names an unnamed file file<i>.code, passes stdin and args', async () => {
    const res = await ex.execute(
      single('python', 'import sys\nprint(__file__.split("/")[-1], sys.argv[1:], sys.stdin.read())', {
        stdin: 'in put',
        args: ['a b', 'c'],
      }),
    );
    assert.equal(res.run.stdout, "file0.code ['a b', 'c'] in put\n");
  });

  it('reports every stage field and interleaves output in order', async () => {
    const res = await ex.execute(
      // Two pipes: order is the order of arrival, so the writes are spaced out a little.
      single(
        'python',
        'import sys, time\nprint("out1", flush=True)\ntime.sleep(0.05)\nprint("err1", file=sys.stderr, flush=True)\ntime.sleep(0.05)\nprint("out2", flush=True)',
      ),
    );
    const run = res.run;
    assert.equal(run.stdout, 'out1\nout2\n');
    assert.equal(run.stderr, 'err1\n');
    assert.equal(run.output, 'out1\nerr1\nout2\n');
    assert.deepEqual([run.code, run.signal, run.message, run.status], [0, null, null, null]);
    assert.equal(typeof run.cpu_time, 'number');
    assert.equal(typeof run.wall_time, 'number');
    assert.ok((run.memory ?? 0) > 0, 'memory measured');
    assert.equal(res.compile, undefined);
  });

  it('mirrors a failed compile into run', async () => {
    const res = await ex.execute(single('c', 'int main( { return 0; }'));
    assert.ok(res.compile);
    assert.equal(res.compile.status, 'RE');
    assert.match(res.compile.stderr, /error/);
    assert.deepEqual(res.run, res.compile);
  });

  it('reads 0 and negative limits as the configured maximum', async () => {
    const res = await ex.execute(
      single('python', 'print("ok")', { run_timeout: 0, run_memory_limit: -1, compile_memory_limit: -1, run_cpu_time: -5 }),
    );
    assert.equal(res.run.stdout, 'ok\n');
  });

  it('applies a lower requested limit', async () => {
    const res = await ex.execute(single('python', 'import time\ntime.sleep(5)', { run_timeout: 300 }));
    assert.equal(res.run.status, 'TO');
    assert.ok((res.run.wall_time ?? 0) < 2000, `killed early (${res.run.wall_time} ms)`);
  });

  it('accepts a request shaped like Piston\'s CLI (version "*", base64 file)', async () => {
    const content = Buffer.from('print("cli ok")').toString('base64');
    const res = await ex.execute({
      language: 'py',
      version: '*',
      files: [
        { name: 'main.py', content: 'exec(open("helper.bin").read())' },
        { name: 'helper.bin', content, encoding: 'base64' },
      ],
      args: [],
      stdin: '',
      compile_timeout: 10000,
      run_timeout: 3000,
    });
    assert.equal(res.run.stdout, 'cli ok\n');
  });

  it('accepts a request shaped like npm piston-client (exact language, memory limits of -1)', async () => {
    const runtimes = (await ex.get('/api/v2/runtimes')).body as { language: string; version: string }[];
    // piston-client picks the highest version by string compare among exact language matches.
    const version = runtimes
      .filter((rt) => rt.language === 'javascript')
      .map((rt) => rt.version)
      .sort()
      .pop();
    assert.ok(version);
    const res = await ex.execute({
      language: 'javascript',
      version,
      files: [{ content: 'console.log(process.argv.slice(2).join(","))' }],
      stdin: '',
      args: ['1', '2', '3'],
      compileTimeout: 10000,
      runTimeout: 3000,
      compileMemoryLimit: -1,
      runMemoryLimit: -1,
      compile_memory_limit: -1,
      run_memory_limit: -1,
    });
    assert.equal(res.run.stdout, '1,2,3\n');
  });
});

describe('executor: queue bound', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python', EXECUTOR_MAX_CONCURRENT_JOBS: '1', EXECUTOR_MAX_QUEUE: '1' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('answers 503 with a message past the queue, and runs the rest', async () => {
    const slow = single('python', 'import time\ntime.sleep(0.8)\nprint("done")');
    const results = await Promise.all([0, 1, 2, 3].map(() => ex.post('/api/v2/execute', slow)));
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    assert.equal(ok.length, 2, 'one running + one queued');
    assert.equal(busy.length, 2);
    for (const r of busy) assert.match(String(r.body.message), /busy/);
    for (const r of ok) assert.equal((r.body.run as { stdout: string }).stdout, 'done\n');
  });
});
