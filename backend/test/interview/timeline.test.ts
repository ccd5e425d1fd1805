import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import { EditReplay, NotesChannel } from '@pairpad/client';
import type { InterviewReport, Timeline } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { waitFor } from '../helpers/wait-for';
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

  it('records every edit with its author, runs with results, joins and leaves, pastes, focus loss and the end; replays the code at any moment', async () => {
    const session = await createSession(backend);
    const interviewer = capturedClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(interviewer.provider, candidate.provider);
    await Promise.all([waitSynced(interviewer.provider), waitSynced(candidate.provider)]);
    const runs = listenForRuns(interviewer.provider);

    setCode(candidate.provider, 'print("A")\n');
    await waitFor(() => backend.rooms.get(session.id)!.code === 'print("A")\n', { what: 'first version on the server' });
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
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    const finalText = replay.frame(replay.edits.length - 1).text;
    assert.equal(finalText, backend.rooms.get(session.id)!.code, 'every edit replayed is the final code');
    assert.deepEqual(timeline.edits.authors, [{ name: 'Cara', role: 'candidate' }], "the edits are the candidate's");
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
    // The code a run ran is the code at the run's time.
    assert.equal(replay.frameAt(runEvent.at).text, 'print("A")\n');
    const paste = timeline.events.find((event) => event.kind === 'paste');
    assert.ok(paste?.kind === 'paste' && paste.name === 'Cara' && paste.chars === pasted.length);
    // At the paste's own time the pasted code is there, by its author; just before, it is not.
    const atPaste = replay.frameAt(paste.at);
    assert.equal(atPaste.text, pasted + 'print("A")\n');
    assert.deepEqual(atPaste.last?.author, { name: 'Cara', role: 'candidate' });
    assert.equal(replay.frameAt(paste.at - 1).text, 'print("A")\n');
    replay.destroy();
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
