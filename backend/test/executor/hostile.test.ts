import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { eventually, single, startTestExecutor, type ExecuteBody, type TestExecutor } from './helpers';

/**
 * Hostile programs against the real sandbox. They all run at once (the queue paces them)
 * while /health is polled; each must be contained with the right status, and afterwards no
 * process of the sandbox uid may be left on the host.
 */

const SECRET = `pairpad-secret-${process.pid}-${Date.now()}`;
const SANDBOX_UID = 65534;

const py = (code: string, extra: Record<string, unknown> = {}) => single('python', code, extra);

const hostile = {
  forkBomb: py(
    `import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)`,
    { run_timeout: 2000 },
  ),
  memoryBomb: py('chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))'),
  // The wall clock is generous so that, on a loaded machine, the CPU limit is what stops it.
  infiniteLoop: py('while True:\n    pass', { run_cpu_time: 1000, run_timeout: 8000 }),
  sleeper: py('import time\ntime.sleep(30)', { run_timeout: 1000 }),
  setsidEscape: py(`import os, subprocess
pid = os.fork()
if pid == 0:
    os.setsid()
    subprocess.Popen(["sleep", "987"], start_new_session=True)
    os._exit(0)
os.waitpid(pid, 0)
print("parent leaving")`),
  stdoutFlood: py('import sys\nwhile True:\n    sys.stdout.write("x" * 65536)'),
  stderrFlood: single('bash', 'yes err 1>&2'),
  network: py(`import socket
results = []
for host, port in [("127.0.0.1", PORT), ("::1", PORT), ("1.1.1.1", 80), ("10.0.0.1", 22)]:
    try:
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        s.settimeout(1)
        s.connect((host, port))
        results.append(f"CONNECTED {host}:{port}")
    except OSError as e:
        results.append(f"blocked {host}:{port} {e.errno}")
try:
    socket.getaddrinfo("example.com", 80)
    results.append("DNS RESOLVED")
except OSError:
    results.append("dns blocked")
print("\\n".join(results))`),
  environment: single(
    'bash',
    'env; cat /proc/self/environ /proc/1/environ 2>/dev/null | tr "\\0" "\\n"; for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null; grep -r . /proc/*/cmdline 2>/dev/null | head -50',
  ),
  hostFiles: single(
    'bash',
    `for f in /work/main/package.json ${process.cwd()}/package.json /root/.bashrc /etc/shadow /etc/hostname /home; do
  if cat "$f" >/dev/null 2>&1 || ls "$f" >/dev/null 2>&1; then echo "READ $f"; else echo "denied $f"; fi
done
ls /root /work 2>&1 | head -5`,
  ),
  writeOutside: single(
    'bash',
    `for f in /x /usr/x /etc/x /dev/shm/x /dev/x /proc/x /var/x /work/x; do
  if (echo hi > "$f") 2>/dev/null; then echo "WROTE $f"; else echo "denied $f"; fi
done
echo ok > /box/inside && echo ok > /tmp/inside && echo "box writable"`,
  ),
  fillDisk: py(`import os
n = 0
try:
    while True:
        with open(f"fill{n}", "wb") as f:
            f.write(b"x" * 4_000_000)
        n += 1
except OSError as e:
    print("stopped", e.strerror, n)`),
  manyFiles: py(`files = []
try:
    for i in range(100000):
        files.append(open("/dev/null"))
except OSError as e:
    print("stopped", e.strerror, len(files))`),
  signalParent: py(`import os, signal
for pid in [os.getppid(), 1, -1]:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as e:
        print("kill", pid, e.errno)
print("still here")`),
};
type Name = keyof typeof hostile;

async function sandboxProcesses(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await fs.readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    if (uid === String(SANDBOX_UID)) found.push(`${entry} ${(/^Name:\s+(.*)$/m.exec(status)?.[1] ?? '').trim()}`);
  }
  return found;
}

describe('executor: hostile programs', () => {
  let ex: TestExecutor;
  const results = new Map<Name, ExecuteBody>();
  let worstHealthMs = 0;
  let healthChecks = 0;

  before(async () => {
    ex = await startTestExecutor({ PAIRPAD_TEST_SECRET: SECRET, EXECUTOR_RUNTIMES: 'python,bash', EXECUTOR_RUN_TIMEOUT: '8000' });
    await ex.handle.ready;
    const port = new URL(ex.url).port;
    let running = true;
    const all = Promise.all(
      (Object.keys(hostile) as Name[]).map(async (name) => {
        const body = JSON.parse(JSON.stringify(hostile[name]).replaceAll('PORT', port)) as Record<string, unknown>;
        results.set(name, await ex.execute(body));
      }),
    ).finally(() => {
      running = false;
    });
    const health = (async () => {
      while (running) {
        const started = performance.now();
        const res = await fetch(`${ex.url}/health`);
        await res.json();
        worstHealthMs = Math.max(worstHealthMs, performance.now() - started);
        healthChecks++;
        assert.equal(res.status, 200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await Promise.all([all, health]);
  });
  after(async () => {
    await ex?.close();
  });

  const run = (name: Name) => {
    const result = results.get(name);
    assert.ok(result, `${name} answered`);
    return result.run;
  };

  it('keeps /health answering in under 200 ms throughout', () => {
    assert.ok(healthChecks >= 10, `health polled ${healthChecks} times`);
    assert.ok(worstHealthMs < 200, `worst health latency ${worstHealthMs.toFixed(1)} ms`);
  });

  it('contains a fork bomb (pids limit, then the wall clock)', () => {
    const r = run('forkBomb');
    assert.equal(r.status, 'TO', r.message ?? '');
    assert.ok((r.wall_time ?? 0) < 4000);
  });

  it('kills a memory bomb and says it was the memory limit', () => {
    const r = run('memoryBomb');
    assert.equal(r.status, 'SG');
    assert.match(r.message ?? '', /Memory limit exceeded \(256 MiB\)/);
    assert.ok((r.memory ?? 0) <= 256 * 1024 * 1024 + 4096, `peak memory ${r.memory}`);
  });

  it('stops an infinite loop at its CPU limit', () => {
    const r = run('infiniteLoop');
    assert.equal(r.status, 'TO');
    assert.equal(r.message, 'Time limit exceeded');
    assert.equal(r.signal, 'SIGKILL');
    assert.ok((r.cpu_time ?? 0) >= 1000 && (r.cpu_time ?? 0) < 1600, `cpu ${r.cpu_time}`);
  });

  it('stops a sleeper at the wall clock', () => {
    const r = run('sleeper');
    assert.equal(r.status, 'TO');
    assert.equal(r.message, 'Time limit exceeded (wall clock)');
    assert.ok((r.wall_time ?? 0) >= 1000 && (r.wall_time ?? 0) < 2500, `wall ${r.wall_time}`);
  });

  it('kills a setsid child that tries to outlive the job, and leaves no sandbox process behind', async () => {
    const r = run('setsidEscape');
    assert.equal(r.stdout, 'parent leaving\n');
    let left: string[] = [];
    await eventually(async () => (left = await sandboxProcesses()).length === 0, 5000, `no uid ${SANDBOX_UID} processes`).catch(
      (error: Error) => assert.fail(`${error.message}; left: ${left.join(', ')}`),
    );
  });

  it('caps a stdout flood (OL) and a stderr flood (EL)', () => {
    const out = run('stdoutFlood');
    assert.equal(out.status, 'OL');
    assert.equal(out.signal, 'SIGKILL');
    assert.equal(out.stdout.length, 65536);
    const err = run('stderrFlood');
    assert.equal(err.status, 'EL');
    assert.equal(err.stderr.length, 65536);
  });

  it('has no network, not even the server\'s own loopback port', () => {
    const r = run('network');
    assert.doesNotMatch(r.stdout, /CONNECTED|RESOLVED/);
    assert.equal(r.stdout.match(/blocked/g)?.length, 5, r.output);
  });

  it('never shows the server\'s environment', () => {
    const r = run('environment');
    assert.ok(r.stdout.includes('HOME=/box'), 'the dump ran');
    assert.ok(!r.output.includes(SECRET), 'secret leaked');
  });

  it('cannot read host files outside the system directories', () => {
    const r = run('hostFiles');
    assert.doesNotMatch(r.stdout, /READ/, r.stdout);
    assert.equal(r.stdout.match(/denied/g)?.length, 6);
  });

  it('cannot write outside the box', () => {
    const r = run('writeOutside');
    assert.doesNotMatch(r.stdout, /WROTE/, r.stdout);
    assert.match(r.stdout, /box writable/);
  });

  it('fills only its own size-limited box', () => {
    const r = run('fillDisk');
    assert.match(r.stdout, /stopped No space left on device (\d+)/, r.output);
    const n = Number(/(\d+)\n$/.exec(r.stdout)?.[1]);
    assert.ok(n < 17, `at most 64 MiB written (${n} files of 4 MB)`);
  });

  it('cannot open thousands of files', () => {
    const r = run('manyFiles');
    assert.match(r.stdout, /stopped Too many open files (\d+)/);
    assert.ok(Number(/(\d+)\n$/.exec(r.stdout)?.[1]) < 2048);
  });

  it('cannot signal the server', async () => {
    results.get('signalParent');
    const health = await ex.get('/health');
    assert.equal(health.status, 200);
    const r = run('signalParent');
    assert.ok(r.status === 'SG' || r.stdout.includes('still here'), r.output);
  });

  it('still runs normal code afterwards and cleans its job directories', async () => {
    const r = (await ex.execute(py('print("alive")'))).run;
    assert.equal(r.stdout, 'alive\n');
    const health = ex.handle.health();
    assert.equal(health.status, 'ok');
    if (health.status === 'ok') assert.equal(health.queue.running, 0);
  });
});
