import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ExecutorConfigError, executorSettingsDocs, loadExecutorConfig } from '@pairpad/executor';
import { safeRelativeName } from '@pairpad/executor/file-paths';
import { single, startTestExecutor, type TestExecutor } from './helpers';

describe('executor config', () => {
  it('has documented defaults', () => {
    const config = loadExecutorConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 2000);
    assert.equal(config.sandbox, 'bwrap');
    assert.equal(config.maxConcurrentJobs, os.availableParallelism());
    assert.equal(config.runTimeout, 3000);
    assert.equal(config.compileTimeout, 10000);
    assert.equal(config.runMemoryLimit, 256 * 1024 * 1024);
    assert.equal(config.outputMaxSize, 65536);
    assert.equal(config.maxProcessCount, 64);
  });

  it("accepts Piston's names, ours winning when both are set", () => {
    const config = loadExecutorConfig({
      PISTON_RUN_TIMEOUT: '5000',
      PISTON_OUTPUT_MAX_SIZE: '1024',
      PISTON_MAX_PROCESS_COUNT: '32',
      PISTON_MAX_CONCURRENT_JOBS: '7',
      EXECUTOR_MAX_CONCURRENT_JOBS: '3',
      PISTON_LIMIT_OVERRIDES: '{"java":{"max_process_count":128,"run_timeout":6000}}',
    });
    assert.equal(config.runTimeout, 5000);
    assert.equal(config.outputMaxSize, 1024);
    assert.equal(config.maxProcessCount, 32);
    assert.equal(config.maxConcurrentJobs, 3);
    assert.deepEqual(config.limitOverrides, { java: { max_process_count: 128, run_timeout: 6000 } });
  });

  it('explains bad values', () => {
    assert.throws(
      () => loadExecutorConfig({ EXECUTOR_PORT: 'abc' }),
      (error: Error) => {
        assert.ok(error instanceof ExecutorConfigError);
        assert.match(error.message, /EXECUTOR_PORT must be a whole number/);
        return true;
      },
    );
    assert.throws(() => loadExecutorConfig({ EXECUTOR_SANDBOX: 'docker' }), /EXECUTOR_SANDBOX must be bwrap or none/);
    assert.throws(() => loadExecutorConfig({ PISTON_LIMIT_OVERRIDES: '{nope' }), /PISTON_LIMIT_OVERRIDES\) must be valid JSON/);
    assert.throws(
      () => loadExecutorConfig({ PISTON_RUN_TIMEOUT: '0' }),
      /EXECUTOR_RUN_TIMEOUT \(or PISTON_RUN_TIMEOUT\) must be at least 1/,
    );
  });

  it('documents every setting it reads', () => {
    const names = executorSettingsDocs.map((doc) => doc.name);
    for (const name of [
      'EXECUTOR_HOST',
      'EXECUTOR_PORT',
      'EXECUTOR_SANDBOX',
      'EXECUTOR_MAX_CONCURRENT_JOBS',
      'EXECUTOR_MAX_QUEUE',
      'EXECUTOR_RUN_MEMORY_LIMIT',
      'EXECUTOR_BOX_SIZE',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(new Set(names).size, names.length);
    for (const doc of executorSettingsDocs) assert.ok(doc.default && doc.meaning, doc.name);
  });

  it('keeps file names inside the box', () => {
    assert.equal(safeRelativeName('src/pkg/c.py'), 'src/pkg/c.py');
    // Names are taken as they are, never normalised: a ".." anywhere is refused, not resolved.
    for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'a/b/../c.py', '', '.', './x', 'dir/', 'a//b', '.tmp/x', 'a\nb'])
      assert.equal(safeRelativeName(bad), undefined, bad);
  });
});

describe('executor without a working sandbox', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_BWRAP_PATH: '/nonexistent/bwrap', EXECUTOR_RUNTIMES: 'python' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('says why on health, runtimes and every execute', async () => {
    const health = await ex.get('/health');
    assert.equal(health.status, 503);
    const body = health.body as { status: string; reason: string };
    assert.equal(body.status, 'unavailable');
    assert.match(body.reason, /No working sandbox: .*\/nonexistent\/bwrap/);
    const runtimes = await ex.get('/api/v2/runtimes');
    assert.equal(runtimes.status, 503);
    assert.match(String((runtimes.body as { message: string }).message), /No working sandbox/);
    const execute = await ex.post('/api/v2/execute', single('python', 'print(1)'));
    assert.equal(execute.status, 503);
    assert.match(String(execute.body.message), /No working sandbox/);
    assert.ok(ex.logs.some((log) => log.level === 'error' && /no working sandbox/.test(log.message)));
  });
});

describe('executor with rlimits only (no cgroups)', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_CGROUP: 'rlimit', EXECUTOR_RUNTIMES: 'python' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('still runs code in bwrap and bounds memory and processes', async () => {
    const health = ex.handle.health();
    assert.equal(health.status, 'ok');
    assert.equal(health.sandbox.cgroup, 'rlimit');
    assert.ok(ex.logs.some((log) => log.level === 'warn' && /rlimits/.test(log.message)));
    const hello = await ex.execute(single('python', 'print("hi")'));
    assert.equal(hello.run.stdout, 'hi\n');
    const memory = await ex.execute(single('python', 'x = bytearray(600 * 1024 * 1024)\nprint("allocated")'));
    assert.notEqual(memory.run.stdout, 'allocated\n');
    assert.match(memory.run.stderr, /MemoryError/);
  });
});

describe('executor with EXECUTOR_SANDBOX=none', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_SANDBOX: 'none', EXECUTOR_RUNTIMES: 'python,c' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('warns loudly and runs code', async () => {
    assert.ok(ex.logs.some((log) => log.level === 'warn' && /UNSANDBOXED/.test(log.message)));
    const res = await ex.execute(single('c', '#include <stdio.h>\nint main(void){puts("plain");return 4;}'));
    assert.equal(res.run.stdout, 'plain\n');
    assert.equal(res.run.status, 'RE');
    const health = ex.handle.health();
    assert.equal(health.status, 'ok');
    assert.equal(health.sandbox.kind, 'none');
  });
});
