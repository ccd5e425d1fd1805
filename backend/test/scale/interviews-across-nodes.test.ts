import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import type { SocketYjsProvider } from '@pairpad/client';
import { decodeRoomState, type DatabaseHandle, type InterviewRecord, type InterviewRepository } from '../../src/store';
import { codeOf, connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import type { BackendNode } from './cluster-harness';
import { startPostgresPair, type PostgresPair } from './postgres-pair';

function storedCode(record: InterviewRecord | null): string {
  if (!record?.roomState) return '';
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decodeRoomState(record.roomState).doc);
  return doc.getText('code').toString();
}

describe('two backend processes on one PostgreSQL and one Redis', () => {
  let pair: PostgresPair;
  let postgres: PostgresPair['postgres'];
  let database: DatabaseHandle;
  let interviews: InterviewRepository;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  const open: SocketYjsProvider[] = [];
  const client = (node: BackendNode, options: Parameters<typeof connectClient>[1]): SocketYjsProvider => {
    const provider = connectClient(node, options);
    open.push(provider);
    return provider;
  };

  before(async () => {
    pair = await startPostgresPair();
    ({ nodeA, nodeB, database, interviews, postgres } = pair);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await pair?.stop();
  });

  it('an interview ended on B is listed from the shared database once, with what was typed on both nodes', async () => {
    const session = await createSession(nodeA, { name: 'Ivy', language: 'python', title: 'Across nodes', candidateName: 'Cai' });
    const candidate = client(nodeA, { sessionId: session.id, name: 'Cai' });
    const interviewer = client(nodeB, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    await Promise.all([waitSynced(candidate), waitSynced(interviewer)]);
    const code = candidate.doc.getText('code');
    code.delete(0, code.length);
    code.insert(0, '# typed on A\n');
    await waitFor(() => codeOf(interviewer).includes('typed on A'), { what: 'A → B' });
    interviewer.doc.getText('code').insert(0, '# typed on B\n');
    await waitFor(() => codeOf(candidate).includes('typed on B'), { what: 'B → A' });
    const final = codeOf(candidate);
    assert.ok((await interviewer.request('room:end', {})).ok);

    const listed = await waitFor(
      async () => {
        const page = await interviews.list({ scope: 'team', status: 'ended', q: 'across nodes' });
        return page.items.length === 1 && page.items[0]!.id === session.id ? page.items[0] : null;
      },
      { what: 'the ended interview in the team list' },
    );
    assert.equal(listed?.candidateName, 'Cai');
    const record = await waitFor(
      async () => {
        const current = await interviews.get(session.id);
        return storedCode(current) === final ? current : null;
      },
      { what: "both nodes' edits in the stored state" },
    );
    assert.equal(record?.finalCode?.python, final);
    assert.deepEqual(record?.participants.map((person) => person.name).sort(), ['Cai', 'Ivy']);
    const rows = await database.db.selectFrom('interviews').select('id').where('id', '=', session.id).execute();
    assert.equal(rows.length, 1, 'one row, whichever node wrote');
  });

  it('PostgreSQL down: the room keeps working on both nodes, saving is delayed, and nothing is lost once it is back', async () => {
    const session = await createSession(nodeA, { name: 'Ivy', language: 'python' });
    const candidate = client(nodeA, { sessionId: session.id, name: 'Cai' });
    const interviewer = client(nodeB, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const saving: string[] = [];
    candidate.socket.on('room:saving', (status) => saving.push(status.status));
    await Promise.all([waitSynced(candidate), waitSynced(interviewer)]);
    await waitFor(async () => (await interviews.get(session.id))?.status === 'live', { what: 'live in the database' });

    await postgres.crash(async () => {
      candidate.doc.getText('code').insert(0, '# typed while PostgreSQL was down\n');
      await waitFor(() => saving.includes('delayed'), { timeoutMs: 20_000, what: 'room:saving delayed on A' });
      await waitFor(() => codeOf(interviewer).includes('while PostgreSQL was down'), { what: 'the edit reaching B anyway' });
      const health = (await (await fetch(`${nodeA.url}/health`)).json()) as { status: string; checks: Record<string, { ok: boolean }> };
      assert.equal(health.status, 'degraded');
      assert.equal(health.checks.archive?.ok, false);
    });
    await waitFor(() => saving.at(-1) === 'saved', { timeoutMs: 40_000, what: 'room:saving saved once PostgreSQL is back' });
    await waitFor(async () => storedCode(await interviews.get(session.id)).includes('while PostgreSQL was down'), {
      what: 'the delayed edit in the database',
    });
  });
});
