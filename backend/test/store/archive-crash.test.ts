import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { EditReplay, type SocketYjsProvider } from '@pairpad/client';
import type { InterviewReport, Timeline } from '@pairpad/protocol';
import { createDatabase, decodeRoomState, InterviewRepository } from '../../src/store';
import { connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { startNode, type BackendNode } from '../scale/cluster-harness';

const dir = mkdtempSync(join(tmpdir(), 'pairpad-crash-'));
const nodes: BackendNode[] = [];
const providers: SocketYjsProvider[] = [];
after(async () => {
  for (const provider of providers) provider.destroy();
  await Promise.all(nodes.map((node) => node.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function node(name: string): Promise<BackendNode> {
  const started = await startNode(name, { DATA_DIR: dir, CHECKPOINT_INTERVAL_MS: '200' });
  nodes.push(started);
  return started;
}

describe('a backend killed mid-interview (SIGKILL), real processes on one SQLite file', () => {
  it('loses at most a checkpoint: the next process serves the report and the playback from the database', async () => {
    const first = await node('first');
    const session = await createSession(first, { name: 'Ivy', language: 'python', title: 'Crash' });
    const interviewer = connectClient(first, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = connectClient(first, { sessionId: session.id, name: 'Cai' });
    providers.push(interviewer, candidate);
    await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
    const text = candidate.doc.getText('code');
    text.delete(0, text.length);
    for (const line of ['def solve(n):', '    return n * 2', 'print(solve(21))']) {
      text.insert(text.length, `${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok((await candidate.request('chat:send', { text: 'ready' })).ok);
    const expected = text.toString();

    // Read the file as a third party would: the checkpoint is in it before the kill.
    const reader = await createDatabase({ dataDir: dir });
    try {
      const interviews = new InterviewRepository(reader.db, reader.engine);
      await waitFor(
        async () => {
          const stored = await interviews.get(session.id);
          if (!stored?.roomState) return false;
          const doc = new Y.Doc();
          Y.applyUpdate(doc, decodeRoomState(stored.roomState).doc);
          return doc.getText('code').toString() === expected;
        },
        { timeoutMs: 10_000, what: 'the checkpoint in the database' },
      );
    } finally {
      await reader.close();
    }
    await first.kill();
    interviewer.destroy();
    candidate.destroy();

    // A new process on the same data: the session (kept in memory) died with the first one.
    const second = await node('second');
    assert.equal((await fetch(`${second.url}/api/sessions/${session.id}`)).status, 404);
    const headers = { authorization: `Bearer ${session.interviewerToken}` };
    const report = (await (await fetch(`${second.url}/api/sessions/${session.id}/report`, { headers })).json()) as InterviewReport;
    assert.equal(report.code, expected);
    assert.equal(report.title, 'Crash');
    assert.deepEqual(report.participants.map((person) => person.name).sort(), ['Cai', 'Ivy']);
    const timeline = (await (await fetch(`${second.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
    // Playback replays the recorded edits: the last frame is the code at the crash.
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    assert.equal(replay.frame(replay.edits.length - 1).text, expected);
    replay.destroy();
    assert.ok(timeline.events.some((event) => event.kind === 'join' && event.name === 'Cai'));
  });
});
