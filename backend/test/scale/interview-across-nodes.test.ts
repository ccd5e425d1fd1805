import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EditReplay, NotesChannel, type SocketYjsProvider } from '@pairpad/client';
import { ROOM_DOC, type CreateSessionResponse, type InterviewReport, type Timeline } from '@pairpad/protocol';
import { codeOf, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';
import { listenForRuns, startRun, waitFinished, waitForValue } from '../runs/run-helpers';
import { ask, authHeaders, capturedClient, codeOfAck, heardText, type Heard } from '../interview/interview-helpers';
import { startNode, type BackendNode } from './cluster-harness';

const SECRET = 'SECRET-NOTES-4e1d: strong on graphs';

/**
 * Interviewer on node A, candidate on node B, one real redis-server with AOF: every interview
 * action on one node is enforced and seen on the other, and the recording is the same from
 * either, after a SIGKILL of a node, and after Redis itself restarts.
 */
describe('one interview across two backend processes', () => {
  let redis: TestRedisServer;
  let piston: FakePiston;
  let env: Record<string, string>;
  const nodes: BackendNode[] = [];
  const open: Array<{ destroy(): void }> = [];
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  let session: CreateSessionResponse;
  let ivy: { provider: SocketYjsProvider; heard: Heard };
  let cara: { provider: SocketYjsProvider; heard: Heard };
  /** A second candidate connection, on A, to prove notes reach no candidate on either node. */
  let carl: { provider: SocketYjsProvider; heard: Heard };

  const start = async (name: string): Promise<BackendNode> => {
    const node = await startNode(name, env);
    nodes.push(node);
    return node;
  };
  const client = (node: BackendNode, name: string, token?: string) => {
    const captured = capturedClient(node, { sessionId: session.id, name, ...(token ? { token } : {}) });
    open.push(captured.provider);
    return captured;
  };
  const fetchJson = async <T>(node: BackendNode, path: string): Promise<T> => {
    const response = await fetch(`${node.url}/api/sessions/${session.id}/${path}`, { headers: authHeaders(session.interviewerToken) });
    assert.equal(response.status, 200, `${path} on ${node.name}: ${response.status}`);
    return (await response.json()) as T;
  };
  /** Report and timeline as one comparable value (`now` is the answering server's clock). */
  const recording = async (node: BackendNode): Promise<string> => {
    const [report, timeline] = await Promise.all([fetchJson<InterviewReport>(node, 'report'), fetchJson<Timeline>(node, 'timeline')]);
    const { now: _now, ...rest } = timeline;
    return JSON.stringify({ report, timeline: rest });
  };
  const sameRecording = (left: BackendNode, right: BackendNode, what: string) =>
    waitForValue(
      async () => {
        const [a, b] = await Promise.all([recording(left), recording(right)]);
        return a === b ? a : undefined;
      },
      { timeoutMs: 15_000, what },
    );

  before(async () => {
    redis = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    piston = await startFakePiston();
    piston.executeReplies.set('python', {
      status: 200,
      delayMs: 100,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'ran on B\n', output: 'ran on B\n' }) },
    });
    env = { REDIS_URL: redis.url, PISTON_URL: piston.url };
    [nodeA, nodeB] = await Promise.all([start('A'), start('B')]);
    session = await createSession(nodeA, { name: 'Ivy', language: 'python' });
    ivy = client(nodeA, 'Ivy', session.interviewerToken);
    cara = client(nodeB, 'Cara');
    carl = client(nodeA, 'Carl');
    await Promise.all([ivy, cara, carl].map(({ provider }) => waitSynced(provider)));
  });
  after(async () => {
    for (const entry of open) entry.destroy();
    await Promise.all(nodes.map((node) => node.kill()));
    await Promise.all([piston?.close(), redis?.stop()]);
  });

  it('a lock set on A refuses the candidate’s edit on B, B’s client is told, and the document is unchanged on both', async () => {
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:lock', { locked: true })), 'OK');
    await waitFor(() => cara.heard.states.at(-1)?.locked === true, { what: 'Cara (on B) told of the lock' });
    const before = codeOf(ivy.provider);
    cara.provider.doc.getText(ROOM_DOC.code).insert(0, 'FORGED-WHILE-LOCKED');
    await waitFor(() => cara.heard.errors.some((error) => error.code === 'EDITING_LOCKED'), { what: 'EDITING_LOCKED on B' });
    // Fresh witnesses on each node read what that node's document holds.
    const witnesses = [client(nodeA, 'WitnessA'), client(nodeB, 'WitnessB')];
    await Promise.all(witnesses.map(({ provider }) => waitSynced(provider)));
    for (const { provider } of witnesses) assert.equal(codeOf(provider), before);
    assert.equal(codeOf(ivy.provider), before);
    for (const { provider } of witnesses) provider.destroy();
    // A language change is an edit too.
    assert.equal(await codeOfAck(ask(cara.provider, 'room:set-language', { language: 'go' })), 'EDITING_LOCKED');
    assert.equal(await codeOfAck(ask(cara.provider, 'room:lock', { locked: false })), 'FORBIDDEN');
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:lock', { locked: false })), 'OK');
    await waitFor(() => cara.heard.states.at(-1)?.locked === false, { what: 'Cara told of the unlock' });
    // Cara's refused copy is stale; she starts again from the room's document.
    cara.provider.destroy();
    cara = client(nodeB, 'Cara');
    await waitSynced(cara.provider);
    cara.provider.doc.getText(ROOM_DOC.code).insert(0, '# Cara was here\n');
    await waitFor(() => codeOf(ivy.provider).startsWith('# Cara was here\n'), { what: 'an edit from B reaches A once unlocked' });
  });

  it('run-disable set on A refuses the candidate’s run on B; a run started on B appears in A’s timeline', async () => {
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:disable-run', { disabled: true })), 'OK');
    await waitFor(() => cara.heard.states.at(-1)?.runDisabled === true, { what: 'Cara told Run is off' });
    assert.equal(await codeOfAck(ask(cara.provider, 'run:start', {})), 'FORBIDDEN');
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:disable-run', { disabled: false })), 'OK');
    await waitFor(() => cara.heard.states.at(-1)?.runDisabled === false, { what: 'Cara told Run is on' });

    const seenOnA = listenForRuns(ivy.provider);
    const run = await startRun(cara.provider, { code: 'print("ran on B")\n' });
    const finished = await waitFinished(seenOnA, run.jobId, 15_000);
    assert.equal(finished.result?.run?.stdout, 'ran on B\n', 'the interviewer on A saw the result live');
    const timeline = await waitForValue(
      async () => {
        const current = await fetchJson<Timeline>(nodeA, 'timeline');
        return current.events.some((event) => event.kind === 'run' && event.run.jobId === run.jobId && event.run.state === 'completed')
          ? current
          : undefined;
      },
      { what: "B's run, completed, on A's timeline" },
    );
    assert.ok(
      timeline.events.some((event) => event.kind === 'lock' && event.locked),
      'the lock is on the timeline too',
    );
    const report = await fetchJson<InterviewReport>(nodeA, 'report');
    assert.deepEqual(
      report.runs.map((entry) => entry.jobId),
      [run.jobId],
    );
  });

  it('chat crosses nodes both ways', async () => {
    assert.equal(await codeOfAck(ask(cara.provider, 'chat:send', { text: 'Hello from B' })), 'OK');
    await waitFor(() => ivy.heard.chat.some((message) => message.text === 'Hello from B' && message.role === 'candidate'), {
      what: 'chat from B on A',
    });
    assert.equal(await codeOfAck(ask(ivy.provider, 'chat:send', { text: 'Hello from A' })), 'OK');
    await waitFor(() => cara.heard.chat.some((message) => message.text === 'Hello from A' && message.role === 'interviewer'), {
      what: 'chat from A on B',
    });
    const late = client(nodeB, 'Late');
    await waitSynced(late.provider);
    await waitFor(
      () =>
        late.heard.chatHistory
          .at(-1)
          ?.map((message) => message.text)
          .join('|') === 'Hello from B|Hello from A',
      { what: 'history on B' },
    );
    late.provider.destroy();
  });

  it('notes cross nodes between interviewers and never reach a candidate connection on either node', async () => {
    const ian = client(nodeB, 'Ian', session.interviewerToken);
    await waitSynced(ian.provider);
    const ivyNotes = new NotesChannel(ivy.provider);
    const ianNotes = new NotesChannel(ian.provider);
    open.push(ivyNotes, ianNotes);
    ivyNotes.text.insert(0, SECRET);
    await waitFor(() => ianNotes.text.toString() === SECRET, { what: 'notes from A on B' });
    ianNotes.text.insert(ianNotes.text.length, ' (agreed)');
    await waitFor(() => ivyNotes.text.toString() === `${SECRET} (agreed)`, { what: 'notes from B on A' });
    // A candidate asking for the notes on B is refused and learns nothing.
    cara.provider.socket.emit('notes', new Uint8Array([0, 1, 0]));
    await waitFor(() => cara.heard.errors.some((error) => error.code === 'FORBIDDEN'), { what: 'FORBIDDEN for notes on B' });
    for (const { heard } of [cara, carl]) assert.equal(heardText(heard, 'SECRET-NOTES'), false, 'a candidate frame carried the notes');
  });

  it('the end set on A is enforced on B, and report and playback are identical from either node', async () => {
    assert.equal(await codeOfAck(ask(cara.provider, 'room:end', {})), 'FORBIDDEN');
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:end', {})), 'OK');
    await waitFor(() => cara.heard.states.at(-1)?.ended === true, { what: 'Cara told the interview ended' });
    const before = codeOf(ivy.provider);
    cara.provider.doc.getText(ROOM_DOC.code).insert(0, 'AFTER-THE-END');
    await waitFor(() => cara.heard.errors.some((error) => error.code === 'SESSION_ENDED'), { what: 'SESSION_ENDED for an edit on B' });
    assert.equal(await codeOfAck(ask(cara.provider, 'chat:send', { text: 'too late' })), 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(cara.provider, 'run:start', {})), 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(ivy.provider, 'room:lock', { locked: true })), 'SESSION_ENDED');

    const recorded = JSON.parse(await sameRecording(nodeA, nodeB, 'the same report and timeline on A and B')) as {
      report: InterviewReport;
      timeline: Timeline;
    };
    assert.equal(recorded.report.code, before, 'the refused edit is not in the report');
    assert.equal(recorded.report.notes, `${SECRET} (agreed)`);
    assert.ok(recorded.report.endedAt !== null);
    const names = recorded.report.participants.map((participant) => `${participant.name}:${participant.role}`).sort();
    for (const expected of ['Ivy:interviewer', 'Cara:candidate', 'Carl:candidate', 'Ian:interviewer'])
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    const kinds = new Set(recorded.timeline.events.map((event) => event.kind));
    for (const kind of ['join', 'lock', 'run-disabled', 'run', 'end'] as const) assert.ok(kinds.has(kind), `${kind} on the timeline`);
    // Every edit is recorded once, by the node it came through; both nodes replay the same code.
    const replay = new EditReplay(recorded.timeline.edits, recorded.timeline.startedAt);
    assert.equal(replay.frame(replay.edits.length - 1).text, before, 'the edits replay to the final code');
    replay.destroy();
  });

  it('after a SIGKILL of A and a restart, and after a Redis restart with AOF, all of it is still there', async () => {
    // Nobody joins or leaves from here on, so the recording must stay exactly as it is.
    for (const entry of open) entry.destroy();
    open.length = 0;
    const settled = await waitForValue(
      async () => {
        const first = await recording(nodeB);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return first === (await recording(nodeB)) ? first : undefined;
      },
      { what: 'the recording settled on B' },
    );

    await nodeA.kill();
    const restartedA = await start('A2');
    assert.equal(await recording(restartedA), settled, 'a restarted node serves the same recording');

    // Both nodes die; Redis restarts from its append-only file; a fresh node loads the room.
    await Promise.all([restartedA.kill(), nodeB.kill()]);
    await redis.restart();
    const fresh = await start('C');
    assert.equal(await recording(fresh), settled, 'the recording survived a Redis restart');
    const witness = client(fresh, 'Witness');
    await waitSynced(witness.provider);
    await waitFor(() => witness.heard.states.at(-1)?.ended === true, { what: 'the room is still ended' });
    await waitFor(() => witness.heard.chatHistory.at(-1)?.length === 2, { what: 'the chat is still there' });
    assert.equal(heardText(witness.heard, 'SECRET-NOTES'), false);
  });
});
