import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobStatus, RoomQuestionView, TestRunRecord, TestRunUpdate } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { codeOf, createSession, startBackendWithExecutor, startTestBackend, trackedClients, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask } from '../interview/interview-helpers';
import { startFakePiston, stage, type FakePiston } from './fake-piston';
import { listenForRuns, setCode, startRun, startRunAck, waitFinished, waitForValue } from './run-helpers';

/**
 * Runs of several files (files[], the entry first) and SQL questions whose schema and seed data
 * every run starts from, through the real backend: the embedded executor (real sandbox) for what
 * the programs print, a fake Piston at the edge for exactly which files[] the backend sends.
 */

const SQL_QUESTION = `---
title: Big spenders
difficulty: easy
starters:
  sqlite3: |
    SELECT name FROM customers;
database:
  schema: |
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total INTEGER NOT NULL);
  seed: |
    INSERT INTO customers (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cid');
    INSERT INTO orders (customer_id, total) VALUES (1, 30), (2, 100), (2, 50), (3, 200);
tests:
  - name: customers who spent over 100, any order
    args: ["-list"]
    expected: "cid|200\\nbob|150\\n"
    compare: unordered
  - name: the same, as a table, biggest first
    expected: |
      ┌──────┬───────┐
      │ name │ spent │
      ├──────┼───────┤
      │ cid  │ 200   │
      │ bob  │ 150   │
      └──────┴───────┘
---
List the customers who spent more than 100, with what they spent.
`;

const SOLUTION =
  'SELECT c.name, sum(o.total) AS spent FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING spent > 100 ORDER BY spent DESC;\n';

function questionsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-sql-questions-'));
  writeFileSync(path.join(dir, 'big-spenders.md'), SQL_QUESTION);
  return dir;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('workspace runs and SQL questions: real backend, embedded executor', () => {
  let backend: BackendHandle;
  let dir: string;
  let sqlite = false;
  const clients = trackedClients(() => backend);
  const client = clients.connect;

  before(async () => {
    dir = questionsDir();
    backend = await startBackendWithExecutor('python,sqlite3', { QUESTIONS_DIR: dir, PISTON_RUN_TIMEOUT: '3000' });
    const runtimes = (await (await fetch(`${backend.url}/api/runtimes`)).json()) as { language: string }[];
    sqlite = runtimes.some((runtime) => runtime.language === 'sqlite3');
  });
  after(async () => {
    clients.destroyAll();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run:start with files runs the workspace, entry first, modules in folders', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    const queued = await startRun(alice, {
      files: [
        { name: 'app.py', content: 'from lib.text import shout\nprint(shout("two files"))\n' },
        { name: 'lib/__init__.py', content: '' },
        { name: 'lib/text.py', content: 'def shout(s):\n    return s.upper() + "!"\n' },
      ],
    });
    const done = await waitFinished(runs, queued.jobId);
    assert.equal(done.state, 'completed', JSON.stringify(done.error));
    assert.equal(done.result?.run?.stdout, 'TWO FILES!\n');
  });

  it('POST /api/execute takes files too', async () => {
    const session = await createSession(backend);
    const accepted = await postJson(`${backend.url}/api/execute`, {
      sessionId: session.id,
      files: [
        { name: 'main.py', content: 'import helper\nprint(helper.N * 2)\n' },
        { name: 'helper.py', content: 'N = 21\n' },
      ],
    });
    assert.equal(accepted.status, 202);
    const finished = await waitForValue(async () => {
      const body = (await (await fetch(`${backend.url}/api/execute/status/${String(accepted.body.jobId)}`)).json()) as JobStatus;
      return body.state === 'completed' || body.state === 'failed' ? body : undefined;
    });
    assert.equal(finished.result?.run?.stdout, '42\n');
  });

  it('refuses bad file names with VALIDATION_FAILED and queues nothing', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    const bad = [
      [{ name: '../escape.py', content: '' }],
      [{ name: '/etc/passwd', content: '' }],
      [{ name: 'a//b.py', content: '' }],
      [
        { name: 'main.py', content: '' },
        { name: 'main.py', content: '' },
      ],
      [
        { name: 'lib', content: '' },
        { name: 'lib/x.py', content: '' },
      ],
      [],
      Array.from({ length: 129 }, (_, i) => ({ name: `f${i}.py`, content: '' })),
    ];
    for (const files of bad) {
      const ack = await startRunAck(alice, { files });
      assert.equal(ack.ok, false, JSON.stringify(files).slice(0, 80));
      assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED');
    }
    const rest = await postJson(`${backend.url}/api/execute`, { sessionId: session.id, files: [{ name: 'x/../../y.py', content: '' }] });
    assert.equal(rest.status, 400);
    assert.match(JSON.stringify(rest.body), /must be a relative path inside the workspace/);
    assert.equal(runs.updates.length, 0);
    const stats = backend.execution.stats().workerPool;
    assert.equal(stats.queuedTasks + stats.activeWorkers, 0, 'nothing was queued');
  });

  it('a SQL question: the room gets its database in the question, each run starts from the seeded database', async (t) => {
    if (!sqlite) return t.skip('sqlite3 is not installed on this machine');
    const session = await createSession(backend, { name: 'Ivy', language: 'sqlite3', questionId: 'big-spenders' });
    const candidate = client({ sessionId: session.id, name: 'Cara' });
    const runs = listenForRuns(candidate);
    const states: RoomQuestionView[] = [];
    candidate.socket.on('question:state', (state: RoomQuestionView) => states.push(state));
    await waitSynced(candidate);
    assert.equal(codeOf(candidate), 'SELECT name FROM customers;\n', 'the SQL starter is the code');
    const view = (await waitFor(() => states.at(-1), { what: 'question state' }))!;
    assert.match(view.database?.schema ?? '', /CREATE TABLE customers/, 'the candidate sees the schema');
    assert.match(view.database?.seed ?? '', /INSERT INTO orders/);

    // The query writes, then reads: a second run sees the seed again, not the first run's row.
    setCode(candidate, "INSERT INTO customers (name) VALUES ('dee');\nSELECT count(*) AS n FROM customers;\n");
    await waitFor(() => backend.rooms.get(session.id)?.code.startsWith('INSERT'), { what: 'code on the server' });
    for (let i = 0; i < 2; i++) {
      const run = await waitFinished(runs, (await startRun(candidate)).jobId);
      assert.equal(run.state, 'completed', JSON.stringify(run.error));
      assert.equal(run.result?.run?.stdout, '┌───┐\n│ n │\n├───┤\n│ 4 │\n└───┘\n', `run ${i + 1}`);
    }
  });

  it('a SQL question: test cases compare result sets, ordered or not', async (t) => {
    if (!sqlite) return t.skip('sqlite3 is not installed on this machine');
    const session = await createSession(backend, { name: 'Ivy', language: 'sqlite3', questionId: 'big-spenders' });
    const candidate = client({ sessionId: session.id, name: 'Cara' });
    const updates: TestRunRecord[] = [];
    candidate.socket.on('tests:update', (update: TestRunUpdate) => updates.push(update.run));
    await waitSynced(candidate);
    const runTests = async (): Promise<TestRunRecord> => {
      const ack = await ask<{ run: TestRunRecord }>(candidate, 'tests:run', {});
      if (!ack.ok) throw new Error(ack.error.message);
      return (await waitFor(
        () => {
          const run = updates.filter((entry) => entry.runId === ack.run.runId).at(-1);
          return run && (run.state === 'completed' || run.state === 'failed') ? run : undefined;
        },
        { timeoutMs: 30_000, what: 'test run' },
      )) as TestRunRecord;
    };

    setCode(candidate, SOLUTION);
    await waitFor(() => backend.rooms.get(session.id)?.code === SOLUTION, { what: 'solution on the server' });
    const passed = await runTests();
    assert.equal(passed.state, 'completed', JSON.stringify(passed.error));
    assert.deepEqual(
      passed.cases.map((result) => [result.verdict, result.statusText]),
      [
        ['passed', 'Passed'],
        ['passed', 'Passed'],
      ],
    );

    // Same rows, other order: the unordered case still passes, the ordered one does not.
    const ascending = SOLUTION.replace('DESC', 'ASC');
    setCode(candidate, ascending);
    await waitFor(() => backend.rooms.get(session.id)?.code === ascending, { what: 'reordered query on the server' });
    const reordered = await runTests();
    assert.deepEqual(
      reordered.cases.map((result) => result.verdict),
      ['passed', 'failed'],
    );
  });
});

describe('workspace runs: the files[] the backend sends (fake Piston)', () => {
  let piston: FakePiston;
  let backend: BackendHandle;
  let dir: string;
  const clients = trackedClients(() => backend);

  before(async () => {
    dir = questionsDir();
    piston = await startFakePiston();
    piston.runtimesReplies.push({
      status: 200,
      body: [
        { language: 'python', version: '3.11.2', aliases: [] },
        { language: 'sqlite3', version: '3.40.1', aliases: ['sql'] },
      ],
    });
    piston.onExecute = (body) => ({
      status: 200,
      body: { language: (body as { language: string }).language, version: '1.0.0', run: stage({ stdout: 'ok\n' }) },
    });
    backend = await startTestBackend({
      QUESTIONS_DIR: dir,
      PISTON_URL: piston.url,
      EXECUTION_CONSOLE: 'false',
      EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000',
    });
  });
  after(async () => {
    clients.destroyAll();
    await backend?.close();
    await piston?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const executed = () =>
    piston.requests.filter((request) => request.path === '/api/v2/execute').map((request) => (request.body as { files: unknown }).files);

  it('a single-file room sends its code as the language’s one file, as always', async () => {
    const session = await createSession(backend);
    const alice = clients.connect({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    setCode(alice, 'print("one")\n');
    await waitFor(() => backend.rooms.get(session.id)?.code === 'print("one")\n', { what: 'code on the server' });
    await waitFinished(runs, (await startRun(alice)).jobId);
    assert.deepEqual(executed().at(-1), [{ name: 'main.py', content: 'print("one")\n' }]);
  });

  it('a SQL room with a question sends the query first, then the schema and the seed', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'sqlite3', questionId: 'big-spenders' });
    const alice = clients.connect({ sessionId: session.id, name: 'Alice' });
    const runs = listenForRuns(alice);
    await waitSynced(alice);
    await waitFinished(runs, (await startRun(alice)).jobId);
    const files = executed().at(-1) as { name: string; content: string }[];
    assert.deepEqual(
      files.map((file) => file.name),
      ['main.sql', 'question/schema.sql', 'question/seed.sql'],
    );
    assert.equal(files[0]?.content, 'SELECT name FROM customers;\n');
    assert.match(files[1]?.content ?? '', /^CREATE TABLE customers/);
    // A run in another language from the same room does not get the SQL files.
    await waitFinished(runs, (await startRun(alice, { language: 'python', code: 'print(1)' })).jobId);
    assert.deepEqual(executed().at(-1), [{ name: 'main.py', content: 'print(1)' }]);
  });
});
