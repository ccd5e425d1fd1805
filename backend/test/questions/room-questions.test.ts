import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import type { Ack, InterviewReport, RoomQuestionView, Timeline, TestRunRecord, TestRunUpdate, TestRunsHistory } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import {
  codeOf,
  connectClient,
  createSession,
  memberAgent,
  startBackendWithExecutor,
  startTestBackend,
  waitSynced,
} from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { setCode } from '../runs/run-helpers';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';
import { ask, authHeaders, capturedClient, heardText, type Heard } from '../interview/interview-helpers';

/**
 * The room's question and test runs over real Socket.IO clients, a real backend and the embedded
 * executor (real sandbox). Hidden cases carry markers that must never appear in any frame a
 * candidate's socket receives (text or binary), nor in the candidate's decoded documents.
 */
const HIDDEN_INPUT = 'zq-hidden-input-41c7';
const HIDDEN_EXPECTED = 'ZQ-HIDDEN-INPUT-41C7';
/** A hidden case's name can give the edge case away: the candidate is told "hidden case 3" instead. */
const HIDDEN_NAME = 'zq-secret-name-7d2e';
const QUESTION = `---
title: Shout
difficulty: easy
tags: [strings, io]
starters:
  python: |
    def shout(line: str) -> str:
        return line  # make it upper case


    print(shout(input()))
  c: |
    #include <stdio.h>
    int main(void) { return 0; }
tests:
  - name: hello
    stdin: "hello\\n"
    expected: "HELLO\\n"
  - name: two words
    stdin: "big cat\\n"
    expected: "BIG CAT\\n"
  - name: ${HIDDEN_NAME}
    stdin: "${HIDDEN_INPUT}\\n"
    expected: "${HIDDEN_EXPECTED}\\n"
    hidden: true
---
Read one line and print it in **upper case**.
`;

const SOLUTION = 'print(input().upper())\n';

function questionsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-room-questions-'));
  writeFileSync(path.join(dir, 'shout.md'), QUESTION);
  writeFileSync(path.join(dir, 'README.md'), 'not a question');
  return dir;
}

interface QuestionLog {
  states: RoomQuestionView[];
  updates: TestRunRecord[];
  history: TestRunRecord[][];
  latest(): RoomQuestionView | undefined;
  run(runId: string): TestRunRecord | undefined;
}

function listen(provider: SocketYjsProvider): QuestionLog {
  const log: QuestionLog = {
    states: [],
    updates: [],
    history: [],
    latest: () => log.states.at(-1),
    run: (runId) => log.updates.filter((run) => run.runId === runId).at(-1),
  };
  provider.socket.on('question:state', (state: RoomQuestionView) => log.states.push(state));
  provider.socket.on('tests:update', (update: TestRunUpdate) => log.updates.push(update.run));
  provider.socket.on('tests:history', (history: TestRunsHistory) => log.history.push(history.runs));
  return log;
}

async function finished(log: QuestionLog, runId: string): Promise<TestRunRecord> {
  return (await waitFor(
    () => {
      const run = log.run(runId);
      return run && (run.state === 'completed' || run.state === 'failed') ? run : undefined;
    },
    { timeoutMs: 60_000, what: `test run ${runId} to finish` },
  )) as TestRunRecord;
}

async function runTests(provider: SocketYjsProvider): Promise<TestRunRecord> {
  const ack = await ask<{ run: TestRunRecord }>(provider, 'tests:run', {});
  if (!ack.ok) throw Object.assign(new Error(ack.error.message), { code: ack.error.code });
  return ack.run;
}

function assertNoHiddenData(heard: Heard, provider: SocketYjsProvider, label: string): void {
  assert.ok(heard.raw.length > 5, `${label}: the capture saw traffic`);
  for (const marker of [HIDDEN_INPUT, HIDDEN_EXPECTED, HIDDEN_NAME]) {
    assert.equal(heardText(heard, marker), false, `${label}: "${marker}" in a frame`);
  }
  // The documents the candidate decoded from its binary Yjs frames.
  const decoded = JSON.stringify(provider.doc.toJSON());
  for (const marker of [HIDDEN_INPUT, HIDDEN_EXPECTED, HIDDEN_NAME]) {
    assert.ok(!decoded.includes(marker), `${label}: "${marker}" in the decoded document`);
  }
}

describe('questions in the room: hidden cases, permissions, bad input, test runs', () => {
  let backend: BackendHandle;
  let dir: string;
  const open: SocketYjsProvider[] = [];
  const track = <T extends { provider: SocketYjsProvider } | SocketYjsProvider>(value: T): T => {
    open.push('provider' in value ? value.provider : value);
    return value;
  };

  before(async () => {
    dir = questionsDir();
    backend = await startBackendWithExecutor('python,c', {
      QUESTIONS_DIR: dir,
      PISTON_RUN_TIMEOUT: '3000',
      TEST_CASES_PER_ROOM: '4',
      TEST_CASE_INPUT_BYTES: '64',
      TEST_CASE_EXPECTED_BYTES: '64',
    });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a session created from a question starts with its starter, description and cases; a candidate never receives hidden data, even after a test run', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'shout' });
    assert.equal(session.title, 'Shout', 'the question titles the session');
    const interviewer = track(connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken }));
    const candidate = track(capturedClient(backend, { sessionId: session.id, name: 'Cara' }));
    const interviewerLog = listen(interviewer);
    const candidateLog = listen(candidate.provider);
    await Promise.all([waitSynced(interviewer), waitSynced(candidate.provider)]);

    assert.match(codeOf(candidate.provider), /def shout\(line: str\)/, 'the starter is the code');
    const seen = (await waitFor(() => candidateLog.latest(), { what: 'question state at join' }))!;
    assert.equal(seen.questionId, 'shout');
    assert.match(seen.description, /upper case/);
    assert.deepEqual(
      seen.tests.map((test) => test.name),
      ['hello', 'two words', 'hidden case 3'],
    );
    assert.deepEqual(seen.tests[2], { name: 'hidden case 3', hidden: true, compare: 'trim' }, 'a hidden case is its place only');
    assert.equal(seen.tests[0]?.stdin, 'hello\n', 'visible cases carry their input');
    const full = (await waitFor(() => interviewerLog.latest(), { what: 'interviewer question state' }))!;
    assert.equal(full.tests[2]?.stdin, `${HIDDEN_INPUT}\n`, 'the interviewer gets the hidden input');
    assert.equal(full.tests[2]?.name, HIDDEN_NAME, 'and its name');
    assert.equal(full.tests[2]?.expected, `${HIDDEN_EXPECTED}\n`);

    setCode(candidate.provider, SOLUTION);
    await waitFor(() => backend.rooms.get(session.id)?.code === SOLUTION, { what: 'solution on the server' });
    const queued = await runTests(candidate.provider);
    assert.equal(queued.state, 'queued');
    assert.equal(queued.total, 3);
    const mine = await finished(candidateLog, queued.runId);
    const theirs = await finished(interviewerLog, queued.runId);
    assert.equal(mine.state, 'completed', JSON.stringify(mine.error));
    assert.equal(mine.statusText, '3 / 3 passed');
    assert.deepEqual(
      mine.cases.map((result) => result.verdict),
      ['passed', 'passed', 'passed'],
    );
    assert.deepEqual(
      theirs.cases.map((result) => result.verdict),
      mine.cases.map((result) => result.verdict),
      'both see the same pass/fail',
    );
    assert.deepEqual(
      mine.cases[2],
      { name: 'hidden case 3', hidden: true, verdict: 'passed' },
      'the candidate sees a hidden case pass, nothing more',
    );
    assert.equal(theirs.cases[2]?.name, HIDDEN_NAME, 'the interviewer sees the hidden case by name');
    assert.equal(theirs.cases[2]?.actual, `${HIDDEN_EXPECTED}\n`, 'the interviewer sees the hidden actual output');
    assert.equal(typeof theirs.cases[0]?.timeMs, 'number');
    assert.equal(mine.cases[0]?.actual, 'HELLO\n', 'a visible case carries its actual output for everyone');

    // A late candidate gets the history: still without hidden data.
    const late = track(capturedClient(backend, { sessionId: session.id, name: 'Cody' }));
    const lateLog = listen(late.provider);
    await waitSynced(late.provider);
    await waitFor(() => lateLog.history.at(-1)?.length === 1, { what: 'test run history at join' });
    assert.deepEqual(lateLog.history.at(-1)?.[0]?.cases[2], { name: 'hidden case 3', hidden: true, verdict: 'passed' });

    // The interviewer edits the hidden case live: candidates hear the change, not its content.
    const edited = full.tests.map((test) => ({ ...test }));
    edited[2] = { ...edited[2]!, name: `${HIDDEN_NAME} 2`, stdin: `${HIDDEN_INPUT}!\n`, expected: `${HIDDEN_EXPECTED}!\n` };
    const ack = await ask<{ question: RoomQuestionView }>(interviewer, 'question:edit', { tests: edited });
    assert.ok(ack.ok, JSON.stringify(ack));
    const statesBefore = candidateLog.states.length;
    await waitFor(() => candidateLog.states.length > statesBefore, { what: 'candidate hears the edit' });
    assert.equal(candidateLog.latest()?.tests[2]?.name, 'hidden case 3');

    assertNoHiddenData(candidate.heard, candidate.provider, 'candidate');
    assertNoHiddenData(late.heard, late.provider, 'late candidate');
  });

  it('runs in words: a wrong answer, a crash, a time limit, and a compile error; the summary is in the timeline and the report', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'shout' });
    const interviewer = track(connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken }));
    const log = listen(interviewer);
    await waitSynced(interviewer);
    const tests = [
      { name: 'hello', stdin: 'hello\n', expected: 'HELLO\n' },
      { name: 'crash', stdin: 'crash\n', expected: 'CRASH\n' },
      { name: 'slow', stdin: 'slow\n', expected: 'SLOW\n', timeLimitMs: 500 },
      { name: 'numbers', stdin: '1.0000001\n', expected: '1\n', compare: 'float', tolerance: 0.001 },
    ];
    assert.ok((await ask(interviewer, 'question:edit', { tests })).ok);
    setCode(
      interviewer,
      'import time\nline = input()\nif line == "crash":\n    raise SystemExit(3)\nif line == "slow":\n    time.sleep(30)\nprint(line if line[0].isdigit() else line.lower())\n',
    );
    await waitFor(() => backend.rooms.get(session.id)?.code.includes('SystemExit'), { what: 'code on the server' });
    const run = await finished(log, (await runTests(interviewer)).runId);
    assert.equal(run.statusText, '1 / 4 passed');
    const [hello, crash, slow, numbers] = run.cases;
    assert.equal(hello?.verdict, 'failed');
    assert.match(hello?.statusText ?? '', /^Wrong answer: line 1 differs/);
    assert.equal(hello?.actual, 'hello\n');
    assert.equal(crash?.verdict, 'error');
    assert.equal(crash?.statusText, 'Runtime error (exit code 3)');
    assert.equal(slow?.verdict, 'error');
    assert.equal(slow?.statusText, 'Time limit exceeded');
    assert.equal(numbers?.verdict, 'passed', 'floats within the tolerance pass');

    // C that does not compile: one compile error for the run, every case "not run".
    assert.ok((await ask(interviewer, 'room:set-language', { language: 'c' })).ok);
    setCode(interviewer, 'int main(void) { return oops; }\n');
    await waitFor(() => backend.rooms.get(session.id)?.currentLanguage === 'c' && backend.rooms.get(session.id)?.code.includes('oops'), {
      what: 'C code on the server',
    });
    const compile = await finished(log, (await runTests(interviewer)).runId);
    assert.equal(compile.state, 'completed');
    assert.match(compile.statusText, /^Compile error/);
    assert.match(compile.compileOutput ?? '', /oops/);
    assert.ok(compile.cases.every((result) => result.verdict === 'error' && result.statusText === 'Not run: the code did not compile'));

    // A language the executor does not have: the run fails with the executor's reason, named.
    assert.ok((await ask(interviewer, 'room:set-language', { language: 'ruby' })).ok);
    await waitFor(() => backend.rooms.get(session.id)?.currentLanguage === 'ruby', { what: 'ruby on the server' });
    const unknown = await finished(log, (await runTests(interviewer)).runId);
    assert.equal(unknown.state, 'failed');
    assert.equal(unknown.error?.code, 'RUNTIME_UNKNOWN');
    assert.equal(unknown.statusText, 'Could not run the tests');

    const timeline = (await (
      await fetch(`${backend.url}/api/sessions/${session.id}/timeline`, { headers: authHeaders(session.interviewerToken) })
    ).json()) as Timeline;
    const summaries = timeline.events.flatMap((event) => (event.kind === 'tests' ? [event.summary] : []));
    assert.deepEqual(summaries.slice(0, 2), ['1 / 4 passed', compile.statusText]);
    assert.match(summaries[2] ?? '', /^Could not run the tests: The executor has no such runtime/);
    assert.ok(
      timeline.events.some((event) => event.kind === 'question' && event.title === 'Shout'),
      'the load is on the timeline',
    );
    const report = (await (
      await fetch(`${backend.url}/api/sessions/${session.id}/report`, { headers: authHeaders(session.interviewerToken) })
    ).json()) as InterviewReport;
    assert.deepEqual(
      report.testRuns?.map((entry) => entry.statusText),
      ['1 / 4 passed', compile.statusText, 'Could not run the tests'],
    );
    assert.equal(report.question?.title, 'Shout');
  });

  it('refuses candidates (FORBIDDEN), an ended room (SESSION_ENDED) and bad input with named errors, changing nothing', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'shout' });
    const interviewer = track(connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken }));
    const candidate = track(connectClient(backend, { sessionId: session.id, name: 'Cara' }));
    await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
    const room = backend.rooms.get(session.id)!;
    const before = JSON.stringify(room.interview.questions.stored);
    const code = async (event: 'question:load' | 'question:edit' | 'tests:run', provider: SocketYjsProvider, payload: unknown) => {
      const ack: Ack<object> = await ask(provider, event, payload);
      return ack.ok ? 'OK' : ack.error.code;
    };
    const valid = { name: 'x', stdin: '', expected: 'y' };

    assert.equal(await code('question:load', candidate, { questionId: 'shout' }), 'FORBIDDEN');
    assert.equal(await code('question:edit', candidate, { description: 'hacked' }), 'FORBIDDEN');
    assert.equal(await code('question:load', interviewer, { questionId: 'no-such-question' }), 'QUESTION_NOT_FOUND');
    assert.equal(await code('question:load', interviewer, { questionId: '../etc/passwd' }), 'VALIDATION_FAILED');
    assert.equal(await code('question:edit', interviewer, {}), 'VALIDATION_FAILED');
    assert.equal(await code('question:edit', interviewer, { tests: [{ name: 'no expected output' }] }), 'VALIDATION_FAILED');
    assert.equal(await code('question:edit', interviewer, { tests: [{ ...valid, compare: 'fuzzy' }] }), 'VALIDATION_FAILED');
    assert.equal(
      await code('question:edit', interviewer, { starters: { cobol: 'DISPLAY "HI".' } }),
      'VALIDATION_FAILED',
      'an unknown language',
    );
    assert.equal(
      await code('question:edit', interviewer, { tests: [{ ...valid, stdin: 'x'.repeat(65) }] }),
      'PAYLOAD_TOO_LARGE',
      'input over TEST_CASE_INPUT_BYTES',
    );
    assert.equal(
      await code('question:edit', interviewer, { tests: [{ ...valid, expected: 'y'.repeat(65) }] }),
      'PAYLOAD_TOO_LARGE',
      'expected over TEST_CASE_EXPECTED_BYTES',
    );
    assert.equal(
      await code('question:edit', interviewer, { tests: Array.from({ length: 5 }, () => valid) }),
      'PAYLOAD_TOO_LARGE',
      'more than TEST_CASES_PER_ROOM',
    );
    assert.equal(await code('tests:run', candidate, { extra: true }), 'VALIDATION_FAILED');
    assert.equal(JSON.stringify(room.interview.questions.stored), before, 'nothing changed');

    assert.ok((await ask(interviewer, 'room:disable-run', { disabled: true })).ok);
    assert.equal(await code('tests:run', candidate, {}), 'FORBIDDEN', 'Run turned off for candidates covers the tests');
    assert.ok((await ask(interviewer, 'room:disable-run', { disabled: false })).ok);
    assert.ok((await ask(interviewer, 'question:edit', { tests: [] })).ok);
    assert.equal(await code('tests:run', candidate, {}), 'NO_TEST_CASES');
    assert.ok((await ask(interviewer, 'room:end', {})).ok);
    assert.equal(await code('question:edit', interviewer, { description: 'after the end' }), 'SESSION_ENDED');
    assert.equal(await code('tests:run', interviewer, {}), 'SESSION_ENDED');
    assert.notEqual(room.interview.questions.stored.description, 'after the end');
  });

  it('creating a session from an unknown or oversized question is refused and creates nothing', async () => {
    const count = await backend.sessions.store.count();
    const agent = await memberAgent(backend);
    const post = (body: unknown) => agent.fetch('/api/sessions', { method: 'POST', json: body });
    const unknown = await post({ language: 'python', questionId: 'nope' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'QUESTION_NOT_FOUND');
    const malformed = await post({ language: 'python', questionId: 'Not An Id!' });
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    assert.equal(await backend.sessions.store.count(), count, 'no session was created');
  });
});

describe('a room over the limits a question needs', () => {
  let backend: BackendHandle;
  let dir: string;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    dir = questionsDir();
    backend = await startTestBackend({ QUESTIONS_DIR: dir, TEST_CASES_PER_ROOM: '2' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loading a question with more cases than TEST_CASES_PER_ROOM is PAYLOAD_TOO_LARGE, in the room and at creation', async () => {
    const count = await backend.sessions.store.count();
    const response = await (await memberAgent(backend)).fetch('/api/sessions', { method: 'POST', json: { questionId: 'shout' } });
    assert.equal(response.status, 413);
    assert.equal(await backend.sessions.store.count(), count);
    const session = await createSession(backend);
    const interviewer = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(interviewer);
    await waitSynced(interviewer);
    const ack = await ask(interviewer, 'question:load', { questionId: 'shout' });
    assert.equal(ack.ok ? 'OK' : ack.error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(backend.rooms.get(session.id)?.interview.questions.stored.questionId, null);
  });
});

describe('test runs against a plain Piston (no batch endpoint)', () => {
  let backend: BackendHandle;
  let piston: FakePiston;
  let dir: string;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    dir = questionsDir();
    piston = await startFakePiston();
    // Slow enough that the room's run is still going when the second request arrives.
    piston.executeReplies.set('python', {
      status: 200,
      delayMs: 1000,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'HELLO\n', output: 'HELLO\n' }) },
    });
    backend = await startTestBackend({ QUESTIONS_DIR: dir, PISTON_URL: piston.url, EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
    await piston.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to one execute per case, refuses a second run while one goes (TEST_RUN_IN_PROGRESS), and judges each case', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'shout' });
    const candidate = connectClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(candidate);
    const log = listen(candidate);
    await waitSynced(candidate);
    const first = await runTests(candidate);
    const second: Ack<object> = await ask(candidate, 'tests:run', {});
    assert.equal(second.ok ? 'OK' : second.error.code, 'TEST_RUN_IN_PROGRESS');
    const run = await finished(log, first.runId);
    assert.equal(run.statusText, '1 / 3 passed');
    assert.deepEqual(
      run.cases.map((result) => result.verdict),
      ['passed', 'failed', 'failed'],
    );
    assert.equal(
      piston.requests.filter((request) => request.path === '/api/v2/pairpad/batch').length,
      1,
      'the batch endpoint was tried once',
    );
    assert.equal(piston.requests.filter((request) => request.path === '/api/v2/execute').length, 3, 'then one execute per case');
    // Once finished, the room may run again.
    const again = await runTests(candidate);
    assert.equal((await finished(log, again.runId)).statusText, '1 / 3 passed');
  });
});
