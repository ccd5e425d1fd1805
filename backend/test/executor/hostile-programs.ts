import assert from 'node:assert/strict';
import { single, type StageBody } from './helpers';

/**
 * Hostile programs, shared by the suites that run them against a sandbox (as root with
 * cgroups, and as an ordinary user with rlimits only). `PORT` is replaced by the executor's
 * own port before a program is sent.
 */

export const py = (code: string, extra: Record<string, unknown> = {}) => single('python', code, extra);

export const hostile = {
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

export type HostileName = keyof typeof hostile;

/** A hostile program with the executor's port filled in. */
export function hostileBody(name: HostileName, port: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(hostile[name]).replaceAll('PORT', port)) as Record<string, unknown>;
}

/** The checks both hostile suites make of a program's run. */
export const contained = {
  /** No connection and no DNS answer, to any of the five targets. */
  network(run: StageBody): void {
    assert.doesNotMatch(run.stdout, /CONNECTED|RESOLVED/);
    assert.equal(run.stdout.match(/blocked/g)?.length, 5, run.output);
  },
  /** The environment dump ran, and the server's secret is in none of it. */
  environment(run: StageBody, secret: string): void {
    assert.ok(run.stdout.includes('HOME=/box'), 'the dump ran');
    assert.ok(!run.output.includes(secret), 'secret leaked');
  },
};
