import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EditReplay, type SocketYjsProvider } from '@pairpad/client';
import type { Timeline } from '@pairpad/protocol';
import type { InterviewRepository } from '../../src/store';
import { archivedViews } from '../../src/store/archived-interview';
import { codeOf, connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import type { BackendNode } from './cluster-harness';
import { startPostgresPair, type PostgresPair } from './postgres-pair';

function lastFrame(timeline: Timeline): string {
  const replay = new EditReplay(timeline.edits, timeline.startedAt);
  try {
    return replay.frame(replay.edits.length - 1).text;
  } finally {
    replay.destroy();
  }
}

/**
 * An idle room's interview rests as bytes on every node (rooms/interview-state.ts). Its first
 * write comes through the other node than the one that opened it: the relay, the archive and the
 * playback must have everything, the resting nodes' joins included.
 */
describe('a resting interview written first through node B, on one PostgreSQL and one Redis', () => {
  let pair: PostgresPair;
  let interviews: InterviewRepository;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    pair = await startPostgresPair();
    ({ nodeA, nodeB, interviews } = pair);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await pair?.stop();
  });

  it('stays idle, then its first edit and paste on B reach the archive and replay on both nodes', async () => {
    const session = await createSession(nodeA, { name: 'Ivy', language: 'python', title: 'Resting' });
    const candidate = connectClient(nodeA, { sessionId: session.id, name: 'Cai' });
    open.push(candidate);
    await waitSynced(candidate);
    const interviewer = connectClient(nodeB, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(interviewer);
    await waitSynced(interviewer);
    // Idle: both joins are saved (the first join makes the interview live), nobody writes.
    await waitFor(async () => (await interviews.get(session.id))?.status === 'live', { what: 'the live row' });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const code = interviewer.doc.getText('code');
    code.delete(0, code.length);
    code.insert(0, 'def solve(n):\n');
    const pasted = `    return ${'n + '.repeat(60)}n\n`;
    code.insert(code.length, pasted);
    await waitFor(() => codeOf(candidate) === code.toString(), { what: 'B → A' });
    assert.ok((await candidate.request('chat:send', { text: 'done' })).ok);
    assert.ok((await interviewer.request('room:end', {})).ok);
    const final = code.toString();

    const headers = { authorization: `Bearer ${session.interviewerToken}` };
    for (const node of [nodeA, nodeB]) {
      const timeline = (await (await fetch(`${node.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
      assert.equal(lastFrame(timeline), final, `the playback served by ${node.name}`);
      const kinds = timeline.events.map((event) => `${event.kind}${'name' in event ? ` ${event.name}` : ''}`);
      for (const expected of ['join Cai', 'join Ivy', 'paste Ivy', 'end Ivy'])
        assert.ok(kinds.includes(expected), `${expected} in ${kinds}`);
    }
    // The archive: what both nodes wrote, merged, replays to the same code.
    await waitFor(
      async () => {
        const stored = await interviews.get(session.id);
        return stored?.status === 'ended' && stored.roomState !== null && lastFrame(archivedViews(stored).timeline) === final;
      },
      { what: 'the archived playback', timeoutMs: 10_000 },
    );
    const stored = (await interviews.get(session.id))!;
    const { timeline, report } = archivedViews(stored);
    assert.deepEqual(report.participants.map((person) => person.name).sort(), ['Cai', 'Ivy']);
    assert.ok(timeline.events.some((event) => event.kind === 'paste' && event.name === 'Ivy'));
    assert.deepEqual(
      (timeline.chat ?? []).map((message) => message.text),
      ['done'],
    );
  });
});
