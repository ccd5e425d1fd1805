import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import { NotesChannel } from '@pairpad/client';
import { textAtCheckpoint, type InterviewReport, type Timeline } from '@pairpad/protocol';
import { TimelineRecorder } from '../../src/rooms/timeline-recorder';
import { InterviewStateDoc } from '../../src/rooms/interview-state';
import type { BackendHandle } from '../../src/server';
import { seededRandom, waitFor } from '../helpers/wait-for';
import { codeOf, createSession, memberAgent, startTestBackend, waitSynced } from '../helpers/test-backend';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';
import { listenForRuns, setCode, startRun, waitFinished } from '../runs/run-helpers';
import { ask, authHeaders, capturedClient } from './interview-helpers';

async function getJson<T>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T & { error?: { code: string } } }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T & { error?: { code: string } } };
}

describe('timeline and report over a real session', () => {
  let backend: BackendHandle;
  let piston: FakePiston;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    piston = await startFakePiston();
    piston.executeReplies.set('python', {
      status: 200,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'A\n', output: 'A\n' }) },
    });
    backend = await startTestBackend({ PISTON_URL: piston.url, EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
    await piston.close();
  });

  it('records checkpoints while typing, runs with results, joins and leaves, pastes, focus loss and the end', async () => {
    const session = await createSession(backend);
    const interviewer = capturedClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(interviewer.provider, candidate.provider);
    await Promise.all([waitSynced(interviewer.provider), waitSynced(candidate.provider)]);
    const runs = listenForRuns(interviewer.provider);

    setCode(candidate.provider, 'print("A")\n');
    await waitFor(() => backend.rooms.get(session.id)!.code === 'print("A")\n', { what: 'first version on the server' });
    // The recorder checkpoints on its own a couple of seconds into a change.
    await waitFor(
      async () => {
        const { body } = await getJson<Timeline>(
          `${backend.url}/api/sessions/${session.id}/timeline`,
          authHeaders(session.interviewerToken),
        );
        return body.checkpoints.some((_, index) => textAtCheckpoint(body.checkpoints, index) === 'print("A")\n');
      },
      { timeoutMs: 6_000, what: 'a checkpoint of the first version' },
    );
    const run = await startRun(candidate.provider);
    await waitFinished(runs, run.jobId);

    const pasted = `# pasted\n${'x = 1\n'.repeat(60)}`;
    candidate.provider.doc.getText('code').insert(0, pasted);
    await waitFor(() => codeOf(interviewer.provider).startsWith('# pasted'), { what: 'paste relayed' });
    await ask(candidate.provider, 'activity:focus', { focused: false });
    await ask(candidate.provider, 'activity:focus', { focused: true });
    // Interviewers' focus is not the candidate's: not recorded.
    await ask(interviewer.provider, 'activity:focus', { focused: false });
    const notes = new NotesChannel(interviewer.provider);
    notes.text.insert(0, 'Solid fundamentals.');
    await waitFor(() => backend.rooms.get(session.id)!.interview.notes.text.length > 0, { what: 'notes stored' });
    candidate.provider.destroy();
    await waitFor(() => backend.rooms.get(session.id)!.size === 1, { what: 'candidate left' });
    await ask(interviewer.provider, 'room:end', {});

    const { status, body: timeline } = await getJson<Timeline>(
      `${backend.url}/api/sessions/${session.id}/timeline`,
      authHeaders(session.interviewerToken),
    );
    assert.equal(status, 200);
    const finalText = textAtCheckpoint(timeline.checkpoints, timeline.checkpoints.length - 1);
    assert.equal(finalText, backend.rooms.get(session.id)!.code, 'the last checkpoint is the final code');
    assert.ok(timeline.checkpoints.length >= 3, `${timeline.checkpoints.length} checkpoints`);
    assert.ok(timeline.endedAt !== null);
    const kinds = timeline.events.map((event) => event.kind);
    assert.deepEqual(
      kinds.filter((kind) => kind === 'join' || kind === 'leave'),
      ['join', 'join', 'leave'],
    );
    const runEvent = timeline.events.find((event) => event.kind === 'run');
    assert.ok(
      runEvent?.kind === 'run' && runEvent.run.state === 'completed' && runEvent.run.result?.run?.stdout === 'A\n',
      'run with its result',
    );
    // The code a run ran is a checkpoint at (or just before) the run.
    const atRun = timeline.checkpoints.filter((checkpoint) => checkpoint.at <= runEvent.at).length - 1;
    assert.equal(textAtCheckpoint(timeline.checkpoints, atRun), 'print("A")\n');
    const paste = timeline.events.find((event) => event.kind === 'paste');
    assert.ok(paste?.kind === 'paste' && paste.name === 'Cara' && paste.chars === pasted.length);
    assert.deepEqual(
      timeline.events.flatMap((event) => (event.kind === 'focus' ? [[event.name, event.focused]] : [])),
      [
        ['Cara', false],
        ['Cara', true],
      ],
    );
    assert.equal(kinds.at(-1), 'end');

    const { body: report } = await getJson<InterviewReport>(
      `${backend.url}/api/sessions/${session.id}/report`,
      authHeaders(session.interviewerToken),
    );
    assert.equal(report.code, finalText);
    assert.equal(report.language, 'python');
    assert.equal(report.notes, 'Solid fundamentals.');
    assert.deepEqual(
      report.runs.map((entry) => entry.jobId),
      [run.jobId],
    );
    assert.deepEqual(
      report.participants.map((entry) => [entry.name, entry.role]),
      [
        ['Ivy', 'interviewer'],
        ['Cara', 'candidate'],
      ],
    );
    assert.ok(report.durationMs > 0 && report.endedAt !== null);
    notes.destroy();
  });

  it('timeline and report need a member or the interviewer token: none is SIGN_IN_REQUIRED, malformed or wrong UNAUTHORIZED', async () => {
    const session = await createSession(backend);
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(candidate.provider);
    await waitSynced(candidate.provider);
    const other = await createSession(backend);
    for (const path of ['timeline', 'report']) {
      const url = `${backend.url}/api/sessions/${session.id}/${path}`;
      for (const headers of [
        {},
        { authorization: 'Bearer nope' },
        { authorization: session.interviewerToken },
        authHeaders(other.interviewerToken),
      ]) {
        const { status, body } = await getJson(url, headers);
        assert.equal(status, 401, `${path} with ${JSON.stringify(headers)}`);
        assert.equal(body.error?.code, Object.keys(headers).length === 0 ? 'SIGN_IN_REQUIRED' : 'UNAUTHORIZED');
      }
      assert.equal((await getJson(url, authHeaders(session.interviewerToken))).status, 200);
      assert.equal(
        (await (await memberAgent(backend)).fetch(`/api/sessions/${session.id}/${path}`)).status,
        200,
        'a signed-in member needs no token',
      );
    }
    assert.equal((await getJson(`${backend.url}/api/sessions/not-a-session/report`, authHeaders(session.interviewerToken))).status, 400);
  });
});

describe('timeline recorder', () => {
  it('stays compact over an hour of typing and rebuilds the text at every checkpoint', () => {
    let now = 0;
    let text = '';
    const recorder = new TimelineRecorder(new InterviewStateDoc(), () => text, { now: () => now });
    recorder.start();
    const random = seededRandom(6);
    const expected: string[] = [''];
    // One keystroke every 200 ms for an hour at a cursor that sometimes jumps, in a program that
    // grows to ~5 KB, checkpointed every 2 s.
    let cursor = 0;
    for (let step = 1; step <= 18_000; step++) {
      now += 200;
      if (random() < 0.02) cursor = Math.floor(random() * (text.length + 1));
      if ((text.length > 5_000 || random() < 0.15) && cursor > 0) {
        text = text.slice(0, cursor - 1) + text.slice(cursor);
        cursor--;
      } else {
        text = text.slice(0, cursor) + String.fromCharCode(97 + Math.floor(random() * 26)) + text.slice(cursor);
        cursor++;
      }
      if (step % 10 === 0) {
        recorder.checkpoint();
        // An unchanged text makes no checkpoint.
        if (text !== expected.at(-1)) expected.push(text);
      }
    }
    const checkpoints = recorder.checkpoints();
    assert.equal(checkpoints.length, expected.length);
    for (let index = 0; index < checkpoints.length; index += 37) assert.equal(textAtCheckpoint(checkpoints, index), expected[index]);
    assert.equal(textAtCheckpoint(checkpoints, checkpoints.length - 1), text);
    const bytes = Buffer.byteLength(JSON.stringify(checkpoints));
    const fullSnapshots = expected.reduce((sum, entry) => sum + entry.length, 0);
    // Measured: ~0.48 MB of checkpoints (1362, keyframes every 50) against ~5 MB as full snapshots.
    console.log(`timeline: ${checkpoints.length} checkpoints, ${bytes} bytes as JSON; ${fullSnapshots} bytes as full snapshots`);
    assert.ok(bytes < fullSnapshots / 10, `${bytes} bytes of checkpoints vs ${fullSnapshots} as full snapshots`);
    recorder.dispose();
  });

  it('drops the oldest checkpoints past its limit and still rebuilds the rest', () => {
    let text = 'start';
    const recorder = new TimelineRecorder(new InterviewStateDoc(), () => text, { maxCheckpoints: 10, keyframeEvery: 4, now: () => 0 });
    recorder.start();
    const versions = ['start'];
    for (let i = 0; i < 25; i++) {
      text = `${text}-${i}`;
      recorder.checkpoint();
      versions.push(text);
    }
    const checkpoints = recorder.checkpoints();
    assert.equal(checkpoints.length, 10);
    assert.ok('text' in checkpoints[0]!);
    const kept = versions.slice(-10);
    for (let index = 0; index < 10; index++) assert.equal(textAtCheckpoint(checkpoints, index), kept[index]);
    recorder.dispose();
  });
});
