// PairPad against a self-hosted Piston (issue #13): one pass/fail line per case.
//
//   PISTON_URL=http://127.0.0.1:2000 node --import tsx bench/piston-compat.mjs
//
// Starts the real backend (backend/src/main.ts) with PISTON_URL on its own loopback port and
// drives it the way the page does: a session over REST, an interviewer over Socket.IO
// (run:start, console:input / console:eof / console:signal, question:edit, tests:run). Needs a
// Piston with python and c (gcc) installed. The stop cases only mean something when Piston's
// run limit (PISTON_RUN_TIMEOUT, and PISTON_RUN_CPU_TIME for a busy loop) is well above the
// few seconds they take; the script reads that limit from Piston and prints it.
// Writes nothing (not bench/RESULTS.md); exits 1 when a case fails.
import { createServer } from 'node:net';
import { SocketYjsProvider } from '@pairpad/client';
import { createBenchSession, sleep, spawnBackendFromSource, waitUntil } from './bench-utils.mjs';

const PISTON_URL = (process.env.PISTON_URL ?? '').replace(/\/$/, '');
if (!PISTON_URL) {
  console.error('Set PISTON_URL to the Piston to check, e.g. PISTON_URL=http://127.0.0.1:2000');
  process.exit(2);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Piston's configured run limit, from its own refusal of a larger one (null: it took it, or no answer). */
async function pistonRunLimit() {
  try {
    const response = await fetch(`${PISTON_URL}/api/v2/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', version: '*', files: [{ content: '' }], run_timeout: 1e9 }),
    });
    const body = await response.json();
    const match = /configured limit of (\d+)/.exec(body?.message ?? '');
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const backend = spawnBackendFromSource(port, {
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  PISTON_URL,
  EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000',
  SESSIONS_PER_MINUTE_PER_IP: '1000',
});
process.on('exit', () => backend.exitCode === null && backend.kill('SIGTERM'));
await waitUntil(async () => (await fetch(`${url}/health`)).ok, 'backend up', 60_000, 100);

const runtimes = await (await fetch(`${url}/api/runtimes`)).json();
const runLimit = await pistonRunLimit();
console.log(
  `Piston at ${PISTON_URL}: ${Array.isArray(runtimes) ? runtimes.map((r) => `${r.language} ${r.version}`).join(', ') : JSON.stringify(runtimes)}`,
);
console.log(`Piston's run limit: ${runLimit === null ? 'unknown' : `${runLimit} ms`}`);

const session = await createBenchSession(url, { language: 'python', name: 'Ivy' });
const ivy = new SocketYjsProvider({
  url,
  sessionId: session.id,
  name: 'Ivy',
  token: session.interviewerToken,
  socketOptions: { transports: ['websocket'], forceNew: true },
});
await waitUntil(() => ivy.synced && ivy.status === 'connected', 'socket synced');

const runs = new Map();
const consoles = new Map();
const testRuns = new Map();
ivy.socket.on('run:update', ({ run }) => runs.set(run.jobId, run));
ivy.socket.on('console:entries', ({ jobId, entries }) => consoles.set(jobId, [...(consoles.get(jobId) ?? []), ...entries]));
ivy.socket.on('tests:update', ({ run }) => testRuns.set(run.runId, run));

const consoleText = (jobId) =>
  (consoles.get(jobId) ?? [])
    .filter((entry) => entry.kind === 'stdout' || entry.kind === 'stderr')
    .map((entry) => entry.text)
    .join('');
const finished = (jobId, timeoutMs) =>
  waitUntil(
    () => ['completed', 'failed'].includes(runs.get(jobId)?.state) && runs.get(jobId),
    `run ${jobId} to finish`,
    timeoutMs,
    20,
  ).then(() => runs.get(jobId));

async function request(event, payload) {
  const ack = await ivy.request(event, payload);
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} ${ack.error.message}`);
  return ack;
}
const start = async (payload) => (await request('run:start', payload)).run;
const describe = (run) =>
  `${run.state}, "${run.result?.statusText ?? run.error?.message}", stdout ${JSON.stringify(run.result?.run?.stdout ?? '')}`;

const results = [];
async function check(name, body) {
  const t0 = Date.now();
  try {
    const detail = await body();
    results.push({ name, ok: true });
    console.log(`PASS  ${name} (${Date.now() - t0} ms) ${detail ?? ''}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name} (${Date.now() - t0} ms) ${error instanceof Error ? error.message : String(error)}`);
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const SUM_PY = 'print(sum(int(x) for x in input().split()))\n';
const COUNT_PY = 'import sys\nprint(len(sys.stdin.read().split()))\n';
const SUM_C =
  '#include <stdio.h>\nint main(void) {\n  int n, sum = 0;\n  while (scanf("%d", &n) == 1) sum += n;\n  printf("sum=%d\\n", sum);\n  return 0;\n}\n';
const ECHO_C =
  '#include <stdio.h>\nint main(void) {\n  int n, sum = 0;\n  while (scanf("%d", &n) == 1) { sum += n; printf("got %d\\n", n); fflush(stdout); }\n  printf("sum=%d\\n", sum);\n  return 0;\n}\n';
const GREET_PY = 'name = input("name? ")\nprint("hello", name)\n';
const SPIN_PY = 'print("spinning", flush=True)\nwhile True:\n    pass\n';

await check('(a) execute: python with stdin from the Input box', async () => {
  const run = await finished((await start({ language: 'python', code: SUM_PY, stdin: '2 3\n' })).jobId, 30_000);
  expect(run.result?.outcome === 'success' && run.result.run?.stdout === '5\n', describe(run));
  return `→ ${describe(run)}`;
});
await check('(a) execute: python reading stdin to EOF (Input box, no trailing newline)', async () => {
  const run = await finished((await start({ language: 'python', code: COUNT_PY, stdin: '1 2 3' })).jobId, 30_000);
  expect(run.result?.outcome === 'success' && run.result.run?.stdout === '3\n', describe(run));
  return `→ ${describe(run)}`;
});
await check('(a) execute: c compiled, reading numbers to EOF from the Input box', async () => {
  const run = await finished((await start({ language: 'c', code: SUM_C, stdin: '1 2 3\n' })).jobId, 30_000);
  expect(run.result?.outcome === 'success' && run.result.run?.stdout === 'sum=6\n', describe(run));
  return `→ ${describe(run)}`;
});
await check('(a) execute: compile error reported as such', async () => {
  const run = await finished((await start({ language: 'c', code: 'int main( {', stdin: 'x' })).jobId, 30_000);
  expect(run.result?.outcome === 'compile-error', describe(run));
  return `→ ${describe(run)}`;
});

await check('(b) console: python input() answered through console:input', async () => {
  const queued = await start({ language: 'python', code: GREET_PY, stdin: '' });
  expect(queued.interactive === true, 'the run did not get an interactive console (is /api/v2/connect reachable?)');
  await waitUntil(() => consoleText(queued.jobId).includes('name? '), 'the prompt in the console', 30_000, 20);
  await request('console:input', { jobId: queued.jobId, text: 'Ada\n' });
  const run = await finished(queued.jobId, 30_000);
  expect(run.result?.outcome === 'success' && run.result.run?.stdout === 'name? hello Ada\n', describe(run));
  return `→ ${describe(run)}`;
});

await check('(c) console: c reading numbers until console:eof', async () => {
  const queued = await start({ language: 'c', code: ECHO_C, stdin: '' });
  expect(queued.interactive === true, 'the run did not get an interactive console');
  await waitUntil(() => runs.get(queued.jobId)?.state === 'running', 'the run to start', 30_000, 20);
  await request('console:input', { jobId: queued.jobId, text: '1 2\n' });
  await waitUntil(() => consoleText(queued.jobId).includes('got 2'), 'the first numbers echoed', 30_000, 20);
  await request('console:input', { jobId: queued.jobId, text: '3\n' });
  await waitUntil(() => consoleText(queued.jobId).includes('got 3'), 'the third number echoed', 30_000, 20);
  const eofAt = Date.now();
  await request('console:eof', { jobId: queued.jobId });
  const run = await finished(queued.jobId, 120_000);
  expect(
    run.result?.outcome === 'success' && run.result.run?.stdout.endsWith('sum=6\n'),
    `${describe(run)}, ${Date.now() - eofAt} ms after the eof`,
  );
  return `→ ${describe(run)}`;
});

for (const signal of ['SIGINT', 'SIGKILL']) {
  await check(`(d) console: an endless loop stopped by console:signal ${signal}`, async () => {
    const queued = await start({ language: 'python', code: SPIN_PY, stdin: '' });
    expect(queued.interactive === true, 'the run did not get an interactive console');
    await waitUntil(() => consoleText(queued.jobId).includes('spinning'), 'the loop to start', 30_000, 20);
    const signalAt = Date.now();
    await request('console:signal', { jobId: queued.jobId, signal });
    const run = await finished(queued.jobId, 120_000);
    const tookMs = Date.now() - signalAt;
    // A stop is a stop when the run ends well before Piston's own limit would have ended it.
    const byTimeLimit = run.result?.outcome === 'time-limit' || (runLimit !== null && tookMs > runLimit / 2);
    expect(
      run.state === 'completed' && run.result?.outcome === 'signal' && !byTimeLimit,
      `${describe(run)}, ended ${tookMs} ms after the signal`,
    );
    return `→ ${describe(run)}, ended ${tookMs} ms after the signal`;
  });
}

await check('(e) tests:run: two cases through Piston', async () => {
  await request('question:edit', {
    tests: [
      { name: 'small', stdin: '2 3\n', expected: '5' },
      { name: 'negative', stdin: '10 -4\n', expected: '6' },
      { name: 'wrong on purpose', stdin: '1 1\n', expected: '3' },
    ],
  });
  const code = ivy.doc.getText('code');
  ivy.doc.transact(() => {
    code.delete(0, code.length);
    code.insert(0, SUM_PY);
  });
  await sleep(200);
  const { run: queued } = await request('tests:run', {});
  await waitUntil(() => ['completed', 'failed'].includes(testRuns.get(queued.runId)?.state), 'the test run to finish', 60_000, 20);
  const run = testRuns.get(queued.runId);
  const verdicts = run.cases.map((testCase) => `${testCase.name}: ${testCase.verdict}`).join(', ');
  expect(
    run.state === 'completed' && run.passed === 2 && run.total === 3 && run.cases[2].verdict === 'failed',
    `${run.state}, "${run.statusText}", ${verdicts}${run.error ? `, ${run.error.message}` : ''}`,
  );
  return `→ "${run.statusText}" (${verdicts})`;
});

ivy.destroy();
const failed = results.filter((result) => !result.ok);
console.log(`${results.length - failed.length} / ${results.length} passed`);
process.exit(failed.length ? 1 : 0);
