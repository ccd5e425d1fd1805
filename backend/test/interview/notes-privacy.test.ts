import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { NotesChannel, type SocketYjsProvider } from '@pairpad/client';
import { NOTES_EVENT } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { capturedClient, heardText } from './interview-helpers';

const SECRET = 'SECRET-NOTES: weak on recursion, 7f3c9a';

describe('private notes never reach a candidate', () => {
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
  });

  it('two interviewers share the notes live; every frame the candidate receives is free of them', async () => {
    const session = await createSession(backend);
    const { provider: candidate, heard } = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    const first = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const second = connectClient(backend, { sessionId: session.id, name: 'Ian', token: session.interviewerToken });
    open.push(candidate, first, second);
    await Promise.all([waitSynced(candidate), waitSynced(first), waitSynced(second)]);
    const firstNotes = new NotesChannel(first);
    const secondNotes = new NotesChannel(second);

    firstNotes.text.insert(0, SECRET);
    await waitFor(() => secondNotes.text.toString() === SECRET, { what: 'notes reach the other interviewer' });
    // The candidate keeps working meanwhile: typing and chatting produce traffic to them.
    candidate.doc.getText('code').insert(0, '# candidate typing\n');
    await waitFor(() => first.doc.getText('code').toString().startsWith('# candidate typing'), { what: 'candidate edit relayed' });
    secondNotes.text.insert(secondNotes.text.length, ' (second interviewer agrees)');
    await waitFor(() => firstNotes.text.toString().endsWith('agrees)'), { what: 'second interviewer edit relayed' });
    assert.equal(backend.rooms.get(session.id)?.interview.notes.text, `${SECRET} (second interviewer agrees)`);

    // A late interviewer gets the notes at join; a late candidate gets nothing of them.
    const late = connectClient(backend, { sessionId: session.id, name: 'Lou', token: session.interviewerToken });
    const { provider: lateCandidate, heard: lateHeard } = capturedClient(backend, { sessionId: session.id, name: 'Cody' });
    open.push(late, lateCandidate);
    const lateNotes = new NotesChannel(late);
    await waitFor(() => lateNotes.text.toString().startsWith(SECRET), { what: 'late interviewer receives notes' });
    await waitSynced(lateCandidate);

    assert.ok(heard.raw.length > 5, 'the capture saw traffic');
    for (const capture of [heard, lateHeard]) {
      assert.equal(heardText(capture, 'SECRET-NOTES'), false, 'notes text in a candidate frame');
      assert.equal(heardText(capture, 'agrees'), false, 'notes edit in a candidate frame');
      assert.equal(
        capture.raw.some((frame) => typeof frame === 'string' && frame.includes(`"${NOTES_EVENT}"`)),
        false,
        'a notes event reached a candidate',
      );
    }
    firstNotes.destroy();
    secondNotes.destroy();
    lateNotes.destroy();
  });

  it('a candidate writing or asking for notes is refused FORBIDDEN and learns nothing', async () => {
    const session = await createSession(backend);
    const interviewer = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const { provider: candidate, heard } = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(interviewer, candidate);
    await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
    const notes = new NotesChannel(interviewer);
    notes.text.insert(0, SECRET);
    await waitFor(() => backend.rooms.get(session.id)?.interview.notes.text === SECRET, { what: 'notes stored' });

    // SyncStep1 would be answered with the whole notes document: must not be.
    const ask = encoding.createEncoder();
    syncProtocol.writeSyncStep1(ask, new Y.Doc());
    candidate.socket.emit(NOTES_EVENT, encoding.toUint8Array(ask));
    // An update overwriting the notes must not apply.
    const forged = new Y.Doc();
    forged.getText('notes').insert(0, 'forged by candidate');
    const write = encoding.createEncoder();
    syncProtocol.writeUpdate(write, Y.encodeStateAsUpdate(forged));
    candidate.socket.emit(NOTES_EVENT, encoding.toUint8Array(write));

    await waitFor(() => heard.errors.filter((error) => error.code === 'FORBIDDEN').length === 2, { what: 'two FORBIDDEN errors' });
    assert.equal(backend.rooms.get(session.id)?.interview.notes.text, SECRET, 'notes unchanged');
    assert.equal(heardText(heard, 'SECRET-NOTES'), false);
    notes.destroy();
  });

  it('the public session view and the candidate-visible REST routes carry no notes', async () => {
    const session = await createSession(backend);
    const interviewer = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(interviewer);
    await waitSynced(interviewer);
    const notes = new NotesChannel(interviewer);
    notes.text.insert(0, SECRET);
    await waitFor(() => backend.rooms.get(session.id)?.interview.notes.text === SECRET, { what: 'notes stored' });
    for (const path of [`/api/sessions/${session.id}`, `/api/sessions/${session.id}/report`, `/api/sessions/${session.id}/timeline`]) {
      const text = await (await fetch(`${backend.url}${path}`)).text();
      assert.ok(!text.includes('SECRET-NOTES'), `${path} leaked notes without a token`);
    }
    notes.destroy();
  });
});
