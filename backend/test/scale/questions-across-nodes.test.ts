import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SocketYjsProvider } from '@pairpad/client';
import type { Ack, RoomQuestionView, Timeline, TestRunRecord, TestRunUpdate } from '@pairpad/protocol';
import { codeOf, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';
import { ask, authHeaders, capturedClient, heardText, type Heard } from '../interview/interview-helpers';
import { startNode, type BackendNode } from './cluster-harness';

const HIDDEN_INPUT = 'xn-hidden-input-93bd';
const HIDDEN_EXPECTED = 'XN-HIDDEN-EXPECTED-93BD';
const QUESTION = `---
title: Echo across nodes
difficulty: easy
starters:
  python: "print(input())  # starter on every node\\n"
tests:
  - name: visible
    stdin: "hi\\n"
    expected: "hi\\n"
  - name: secret
    stdin: "${HIDDEN_INPUT}\\n"
    expected: "${HIDDEN_EXPECTED}\\n"
    hidden: true
---
Echo the line.
`;

/**
 * The room's question and test runs are replicated state: a question loaded through node A
 * reaches a candidate on node B as the candidate's view, a test run started on B reaches the
 * interviewer on A in full, and no frame the candidate receives carries a hidden case.
 */
describe('questions and test runs across two backend processes', () => {
  let redis: TestRedisServer;
  let piston: FakePiston;
  let dir: string;
  const nodes: BackendNode[] = [];
  const open: SocketYjsProvider[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-questions-nodes-'));
    writeFileSync(path.join(dir, 'echo.md'), QUESTION);
    redis = await startRedisServer();
    piston = await startFakePiston();
    // A plain Piston: no batch endpoint, so each node falls back to one execute per case.
    piston.executeReplies.set('python', {
      status: 200,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'hi\n', output: 'hi\n' }) },
    });
    const env = { REDIS_URL: redis.url, PISTON_URL: piston.url, QUESTIONS_DIR: dir };
    nodes.push(...(await Promise.all([startNode('A', env), startNode('B', env)])));
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await Promise.all(nodes.map((node) => node.kill()));
    await Promise.all([piston?.close(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a question loaded on A reaches a candidate on B without hidden data; B’s test run reaches A in full', async () => {
    const [nodeA, nodeB] = nodes as [BackendNode, BackendNode];
    const session = await createSession(nodeA, { name: 'Ivy', language: 'python', questionId: 'echo' });
    const ivy = capturedClient(nodeA, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cara: { provider: SocketYjsProvider; heard: Heard } = capturedClient(nodeB, { sessionId: session.id, name: 'Cara' });
    open.push(ivy.provider, cara.provider);
    const questionsOf = (provider: SocketYjsProvider) => {
      const states: RoomQuestionView[] = [];
      const runs: TestRunRecord[] = [];
      provider.socket.on('question:state', (state: RoomQuestionView) => states.push(state));
      provider.socket.on('tests:update', (update: TestRunUpdate) => runs.push(update.run));
      return { states, runs };
    };
    const ivyLog = questionsOf(ivy.provider);
    const caraLog = questionsOf(cara.provider);
    await Promise.all([waitSynced(ivy.provider), waitSynced(cara.provider)]);

    assert.match(codeOf(cara.provider), /starter on every node/, 'the starter reached node B');
    const seen = (await waitFor(() => caraLog.states.at(-1)?.tests.length === 2 && caraLog.states.at(-1), {
      what: 'question on B',
    })) as RoomQuestionView;
    assert.deepEqual(seen.tests[1], { name: 'hidden case 2', hidden: true, compare: 'trim' });

    // An edit on A: the candidate on B hears it; a hidden case stays its place, never its name.
    const full = (await waitFor(() => ivyLog.states.at(-1), { what: 'question on A' })) as RoomQuestionView;
    const edited = full.tests.map((test) => ({ ...test, name: test.hidden ? 'secret, edited' : 'shown, edited' }));
    const ack: Ack<object> = await ask(ivy.provider, 'question:edit', { tests: edited });
    assert.ok(ack.ok, JSON.stringify(ack));
    await waitFor(() => caraLog.states.at(-1)?.tests[0]?.name === 'shown, edited', { what: 'edit reaches B' });
    assert.equal(caraLog.states.at(-1)?.tests[1]?.name, 'hidden case 2');

    // The candidate runs the tests on B; the interviewer on A sees the hidden case's detail.
    const started = await ask<{ run: TestRunRecord }>(cara.provider, 'tests:run', {});
    assert.ok(started.ok, JSON.stringify(started));
    const runId = started.run.runId;
    const onA = (await waitFor(() => ivyLog.runs.find((run) => run.runId === runId && run.state === 'completed'), {
      timeoutMs: 20_000,
      what: 'result on A',
    })) as TestRunRecord;
    const onB = (await waitFor(() => caraLog.runs.find((run) => run.runId === runId && run.state === 'completed'), {
      what: 'result on B',
    })) as TestRunRecord;
    assert.equal(onA.statusText, '1 / 2 passed');
    assert.equal(onA.cases[1]?.expected, `${HIDDEN_EXPECTED}\n`, 'the interviewer sees the hidden expected output');
    assert.deepEqual(onB.cases[1], { name: 'hidden case 2', hidden: true, verdict: 'failed' });
    assert.equal(onA.cases[1]?.name, 'secret, edited');

    // Recorded once, and the same from either node.
    const timelineOf = async (node: BackendNode) =>
      (await (
        await fetch(`${node.url}/api/sessions/${session.id}/timeline`, { headers: authHeaders(session.interviewerToken) })
      ).json()) as Timeline;
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([timelineOf(nodeA), timelineOf(nodeB)]);
        const summaries = (timeline: Timeline) => timeline.events.flatMap((event) => (event.kind === 'tests' ? [event.summary] : []));
        return (
          JSON.stringify(summaries(a)) === JSON.stringify(['1 / 2 passed']) && JSON.stringify(summaries(b)) === JSON.stringify(summaries(a))
        );
      },
      { what: 'one summary on both timelines' },
    );

    for (const marker of [HIDDEN_INPUT, HIDDEN_EXPECTED]) assert.equal(heardText(cara.heard, marker), false, `"${marker}" in a frame on B`);
    const decoded = JSON.stringify(cara.provider.doc.toJSON());
    assert.ok(!decoded.includes(HIDDEN_INPUT) && !decoded.includes(HIDDEN_EXPECTED));
  });
});
