import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { EditReplay, NotesChannel, type SocketYjsProvider } from '@pairpad/client';
import type { InterviewReport, SavingStatus, Timeline } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { decodeRoomState, type InterviewRecord } from '../../src/store';
import { codeOf, connectClient, createSession, memberAgent, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

const dirs: string[] = [];
const providers: SocketYjsProvider[] = [];
after(() => {
  for (const provider of providers) provider.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-archive-'));
  dirs.push(dir);
  return dir;
}

function client(backend: { url: string }, options: Parameters<typeof connectClient>[1]): SocketYjsProvider {
  const provider = connectClient(backend, options);
  providers.push(provider);
  return provider;
}

/** What the stored room state says the code is. */
function storedCode(record: InterviewRecord | null): string {
  if (!record?.roomState) return '';
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decodeRoomState(record.roomState).doc);
  return doc.getText('code').toString();
}

function replaceCode(provider: SocketYjsProvider, code: string): void {
  const text = provider.doc.getText('code');
  provider.doc.transact(() => {
    text.delete(0, text.length);
    text.insert(0, code);
  });
}

async function getJson<T>(backend: { url: string }, path: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${backend.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as T };
}

/** The parts of a report that must be the same whether the live room or the database answers. */
function lasting(report: InterviewReport): Partial<InterviewReport> {
  const {
    sessionId,
    title,
    language,
    code,
    createdAt,
    startedAt,
    endedAt,
    durationMs,
    participants,
    runs,
    consoles,
    notes,
    question,
    testRuns,
  } = report;
  return {
    sessionId,
    title,
    language,
    code,
    createdAt,
    startedAt,
    endedAt,
    durationMs,
    participants,
    runs,
    consoles,
    notes,
    question,
    testRuns,
  };
}

describe('interviews kept in the database (real backend, SQLite)', () => {
  it('is written as it goes, and the report and timeline are complete from the database once the room expired', async () => {
    const backend = await startTestBackend({ DATA_DIR: dataDir(), CHECKPOINT_INTERVAL_MS: '100', SESSION_TTL_SECONDS: '2' });
    try {
      const session = await createSession(backend, {
        name: 'Ivy',
        language: 'python',
        title: 'Kept interview',
        candidateName: 'Cai',
        candidateEmail: 'Cai@Example.com',
      });
      const created = (await waitFor(() => backend.interviews.get(session.id), { what: 'the session record in the database' }))!;
      assert.equal(created.status, 'upcoming');
      assert.equal(created.candidateEmail, 'cai@example.com');
      assert.equal(created.title, 'Kept interview');

      const interviewer = client(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
      const saving: SavingStatus[] = [];
      interviewer.socket.on('room:saving', (status) => saving.push(status));
      const candidate = client(backend, { sessionId: session.id, name: 'Cai' });
      await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
      await waitFor(() => saving.length > 0, { what: 'room:saving at join' });
      assert.deepEqual(saving[0], { status: 'saved' });
      await waitFor(async () => (await backend.interviews.get(session.id))?.status === 'live', { what: 'status live' });

      replaceCode(candidate, 'print("kept after expiry")\n');
      const notes = new NotesChannel(interviewer);
      notes.text.insert(0, 'Strong on edge cases.');
      const chat = await candidate.request('chat:send', { text: 'Done, I think.' });
      assert.ok(chat.ok);
      const run = await candidate.request('run:start', {});
      assert.ok(run.ok, JSON.stringify(run));
      await waitFor(async () => storedCode(await backend.interviews.get(session.id)).includes('kept after expiry'), {
        what: 'the code in the database at a checkpoint',
      });

      const ended = await interviewer.request('room:end', {});
      assert.ok(ended.ok);
      const record = await waitFor(
        async () => {
          const current = await backend.interviews.get(session.id);
          return current?.status === 'ended' && current.notesState ? current : null;
        },
        { what: 'the end in the database' },
      );
      assert.ok(record);
      assert.equal(record.finalCode?.python, 'print("kept after expiry")\n');
      assert.equal(record.candidateName, 'Cai');
      assert.deepEqual(record.participants.map((person) => person.name).sort(), ['Cai', 'Ivy']);

      notes.destroy();
      interviewer.destroy();
      candidate.destroy();
      // What the live room answers once everyone left (before the session expires).
      await waitFor(() => backend.rooms.get(session.id)?.size === 0, { what: 'everyone gone' });
      const live = await getJson<InterviewReport>(backend, `/api/sessions/${session.id}/report`, session.interviewerToken);
      assert.equal(live.status, 200);
      assert.deepEqual(
        live.body.runs.map((entry) => entry.state),
        ['failed'],
        'the run (no executor here) is in the report',
      );
      const liveTimeline = await getJson<Timeline>(backend, `/api/sessions/${session.id}/timeline`, session.interviewerToken);
      // The session's TTL (2 s) runs out: its room unloads, the session record is gone.
      await waitFor(async () => !backend.rooms.get(session.id) && !(await backend.sessions.store.get(session.id)), {
        timeoutMs: 15_000,
        what: 'the session to expire',
      });
      assert.equal((await getJson(backend, `/api/sessions/${session.id}`)).status, 404, 'the live session is gone');

      const kept = await getJson<InterviewReport>(backend, `/api/sessions/${session.id}/report`, session.interviewerToken);
      assert.equal(kept.status, 200);
      assert.deepEqual(lasting(kept.body), lasting(live.body));
      assert.equal(kept.body.code, 'print("kept after expiry")\n');
      assert.equal(kept.body.notes, 'Strong on edge cases.');
      const timeline = await getJson<Timeline>(backend, `/api/sessions/${session.id}/timeline`, session.interviewerToken);
      assert.equal(timeline.status, 200);
      assert.deepEqual(timeline.body.events, liveTimeline.body.events);
      // Every edit, with its time and author, came back from the database.
      assert.deepEqual(timeline.body.edits, liveTimeline.body.edits);
      const replay = new EditReplay(timeline.body.edits, timeline.body.startedAt);
      assert.equal(replay.frame(replay.edits.length - 1).text, 'print("kept after expiry")\n');
      assert.deepEqual(timeline.body.edits.authors, [{ name: 'Cai', role: 'candidate' }]);
      replay.destroy();
      assert.ok(timeline.body.events.some((event) => event.kind === 'end'));

      // Still the team's only: no sign-in and no token, a wrong token; a member needs no token.
      const anonymous = await getJson<{ error: { code: string } }>(backend, `/api/sessions/${session.id}/report`);
      assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'SIGN_IN_REQUIRED']);
      assert.equal((await (await memberAgent(backend)).fetch(`/api/sessions/${session.id}/report`)).status, 200);
      const wrong = await getJson<{ error: { code: string } }>(backend, `/api/sessions/${session.id}/timeline`, 'x'.repeat(43));
      assert.deepEqual([wrong.status, wrong.body.error.code], [401, 'UNAUTHORIZED']);
      // A revoked guest link opens it no more; an unknown id is still not found.
      await backend.interviews.setGuestLinkRevoked(session.id, true);
      assert.equal(
        (await getJson(backend, `/api/sessions/${session.id}/report`, session.interviewerToken)).status,
        403,
        'GUEST_LINK_REVOKED',
      );
      assert.equal(
        (await getJson(backend, `/api/sessions/00000000-0000-4000-8000-000000000000/report`, session.interviewerToken)).status,
        404,
      );
    } finally {
      await backend.close();
    }
  });

  it("an interview nobody ended is ended in the database when its session expires, at its last participant's leave", async () => {
    const backend = await startTestBackend({ DATA_DIR: dataDir(), CHECKPOINT_INTERVAL_MS: '60000', SESSION_TTL_SECONDS: '2' });
    try {
      const session = await createSession(backend, { name: 'Ivy', language: 'python' });
      const candidate = client(backend, { sessionId: session.id, name: 'Cai' });
      await waitSynced(candidate);
      replaceCode(candidate, 'print("never ended")\n');
      await waitFor(() => backend.rooms.get(session.id)?.code.includes('never ended'), { what: 'the edit on the server' });
      candidate.destroy();
      await waitFor(() => backend.rooms.get(session.id)?.size === 0, { what: 'the candidate gone' });
      const leftAt = Date.now();
      const record = await waitFor(
        async () => {
          const current = await backend.interviews.get(session.id);
          return current?.status === 'ended' ? current : null;
        },
        { timeoutMs: 15_000, what: 'ended in the database after the TTL' },
      );
      assert.ok(record?.endedAt && Math.abs(record.endedAt - leftAt) < 1_000, `ended at the leave (${record?.endedAt} vs ${leftAt})`);
      assert.equal(storedCode(record), 'print("never ended")\n');
      assert.equal((await backend.interviews.list({ scope: 'team', status: 'live' })).items.length, 0, 'not "live now" any more');
    } finally {
      await backend.close();
    }
  });

  it('a backend restarted on the same DATA_DIR serves the report of an interview the first one held', async () => {
    const dir = dataDir();
    const first = await startTestBackend({ DATA_DIR: dir, CHECKPOINT_INTERVAL_MS: '60000' });
    const session = await createSession(first, { name: 'Ivy', language: 'python' });
    const candidate = client(first, { sessionId: session.id, name: 'Cai' });
    await waitSynced(candidate);
    replaceCode(candidate, 'print("written at shutdown")\n');
    await waitFor(() => first.rooms.get(session.id)?.code.includes('written at shutdown'), { what: 'the edit on the server' });
    candidate.destroy();
    // The checkpoint interval is a minute: only the graceful shutdown writes this edit.
    await first.close();
    const second = await startTestBackend({ DATA_DIR: dir });
    try {
      const report = await getJson<InterviewReport>(second, `/api/sessions/${session.id}/report`, session.interviewerToken);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.equal(report.body.code, 'print("written at shutdown")\n');
      assert.deepEqual(
        report.body.participants.map((person) => person.name),
        ['Cai'],
      );
    } finally {
      await second.close();
    }
  });

  it('a full disk: the room keeps working, the page hears "delayed", and everything is written once there is room', async () => {
    const backend: BackendHandle = await startTestBackend({ DATA_DIR: dataDir(), CHECKPOINT_INTERVAL_MS: '50' });
    const db = backend.database.db;
    try {
      const session = await createSession(backend, { name: 'Ivy', language: 'python' });
      const interviewer = client(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
      const candidate = client(backend, { sessionId: session.id, name: 'Cai' });
      const saving: string[] = [];
      interviewer.socket.on('room:saving', (status) => saving.push(status.status));
      await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
      await waitFor(async () => (await backend.interviews.get(session.id))?.status === 'live', { what: 'status live' });

      // SQLite's page cap stands in for a full disk: the same SQLITE_FULL on every write.
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(db);
      const big = `# ${'x'.repeat(60_000)}\nprint("typed while the disk was full")\n`;
      replaceCode(candidate, big);
      await waitFor(() => saving.includes('delayed'), { what: 'room:saving delayed' });
      const health = await getJson<{ ok: boolean; details: { status: string; pending: number } }>(backend, '/health/archive');
      assert.deepEqual([health.status, health.body.details.status], [503, 'delayed']);
      assert.equal(
        (await getJson<{ status: string }>(backend, '/health')).body.status,
        'degraded',
        'degraded, never unavailable: restarting would not help',
      );
      // The room itself keeps working.
      assert.ok((await candidate.request('chat:send', { text: 'still here' })).ok);
      await waitFor(() => codeOf(interviewer) === big, { what: 'the edit reaching the interviewer' });

      await sql`pragma max_page_count = 1073741823`.execute(db);
      await waitFor(() => saving.at(-1) === 'saved', { timeoutMs: 20_000, what: 'room:saving saved after the retry' });
      assert.equal(storedCode(await backend.interviews.get(session.id)), big);
      assert.equal((await getJson<{ details: { status: string } }>(backend, '/health/archive')).body.details.status, 'saved');
    } finally {
      await backend.close();
    }
  });
});
