import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { InterviewState, SessionPublicView } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask, authHeaders, capturedClient, codeOfAck } from './interview-helpers';

async function postExecute(
  backend: BackendHandle,
  sessionId: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | null }> {
  const response = await fetch(`${backend.url}/api/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ sessionId, code: 'print(1)' }),
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code ?? null };
}

describe('lock, run-disable and end are the interviewer’s, and the server enforces them', () => {
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    backend = await startTestBackend({ EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
  });

  async function room() {
    const session = await createSession(backend);
    const interviewer = capturedClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(interviewer.provider, candidate.provider);
    await Promise.all([waitSynced(interviewer.provider), waitSynced(candidate.provider)]);
    return { session, interviewer, candidate };
  }

  it('a candidate’s lock, run-disable and end are refused FORBIDDEN and change nothing', async () => {
    const { session, candidate } = await room();
    const before = backend.rooms.get(session.id)!.interview.state;
    assert.equal(await codeOfAck(ask(candidate.provider, 'room:lock', { locked: true })), 'FORBIDDEN');
    assert.equal(await codeOfAck(ask(candidate.provider, 'room:disable-run', { disabled: true })), 'FORBIDDEN');
    assert.equal(await codeOfAck(ask(candidate.provider, 'room:end', {})), 'FORBIDDEN');
    assert.deepEqual(backend.rooms.get(session.id)!.interview.state, before);
    const view = (await (await fetch(`${backend.url}/api/sessions/${session.id}`)).json()) as SessionPublicView;
    assert.equal(view.ended, false);
    // Malformed payloads from the interviewer are named too, and change nothing either.
    const interviewer = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(interviewer);
    await waitSynced(interviewer);
    assert.equal(await codeOfAck(ask(interviewer, 'room:lock', { locked: 'yes' })), 'VALIDATION_FAILED');
    assert.equal(await codeOfAck(ask(interviewer, 'room:end', { now: true })), 'VALIDATION_FAILED');
    assert.deepEqual(backend.rooms.get(session.id)!.interview.state, before);
  });

  it('lock: a candidate’s edits are refused EDITING_LOCKED and the document is unchanged; unlock lets them edit again', async () => {
    const { session, interviewer, candidate } = await room();
    const ack = await ask<{ state: InterviewState }>(interviewer.provider, 'room:lock', { locked: true });
    assert.ok(ack.ok && ack.state.locked);
    await waitFor(() => candidate.heard.states.at(-1)?.locked === true, { what: 'candidate told of the lock' });
    const serverRoom = backend.rooms.get(session.id)!;
    const before = serverRoom.code;

    candidate.provider.doc.getText('code').insert(0, 'HACK ');
    await waitFor(() => candidate.heard.errors.some((error) => error.code === 'EDITING_LOCKED'), { what: 'EDITING_LOCKED' });
    assert.equal(serverRoom.code, before, 'server document unchanged');
    assert.equal(codeOf(interviewer.provider), before, 'the interviewer never saw the edit');
    assert.equal(await codeOfAck(ask(candidate.provider, 'room:set-language', { language: 'go' })), 'EDITING_LOCKED');

    // The interviewer still edits, and the candidate still receives edits and presence.
    interviewer.provider.doc.getText('code').insert(0, '# interviewer\n');
    await waitFor(() => codeOf(candidate.provider).includes('# interviewer'), { what: 'interviewer edit reaches the candidate' });

    // A candidate joining a locked room syncs without being refused (its SyncStep2 adds nothing).
    const late = capturedClient(backend, { sessionId: session.id, name: 'Cody' });
    open.push(late.provider);
    await waitSynced(late.provider);
    assert.deepEqual(late.heard.errors, []);
    assert.equal(late.heard.states[0]?.locked, true, 'state sent at join');

    await ask(interviewer.provider, 'room:lock', { locked: false });
    await waitFor(() => late.heard.states.at(-1)?.locked === false, { what: 'unlock announced' });
    late.provider.doc.getText('code').insert(0, 'ok ');
    await waitFor(() => serverRoom.code.startsWith('ok '), { what: 'edit after unlock applies' });
  });

  it('run-disabled: candidates’ runs are refused FORBIDDEN on the socket and over REST; the interviewer still runs', async () => {
    const { session, interviewer, candidate } = await room();
    await ask(interviewer.provider, 'room:disable-run', { disabled: true });
    await waitFor(() => candidate.heard.states.at(-1)?.runDisabled === true, { what: 'run-disable announced' });
    assert.equal(await codeOfAck(ask(candidate.provider, 'run:start', {})), 'FORBIDDEN');
    assert.deepEqual(await postExecute(backend, session.id), { status: 403, code: 'FORBIDDEN' });
    assert.deepEqual(await postExecute(backend, session.id, { authorization: 'Bearer not-a-token' }), {
      status: 401,
      code: 'UNAUTHORIZED',
    });
    // The interviewer may (the dead test executor fails the run later; being queued is what counts).
    assert.equal(await codeOfAck(ask(interviewer.provider, 'run:start', {})), 'OK');
    assert.equal((await postExecute(backend, session.id, authHeaders(session.interviewerToken))).status, 202);
    await ask(interviewer.provider, 'room:disable-run', { disabled: false });
    assert.equal(await codeOfAck(ask(candidate.provider, 'run:start', {})), 'OK');
  });

  it('end: read-only for everyone, no runs, persisted, announced to all and to later joiners', async () => {
    const { session, interviewer, candidate } = await room();
    const ack = await ask<{ state: InterviewState }>(interviewer.provider, 'room:end', {});
    assert.ok(ack.ok && ack.state.ended && ack.state.endedAt !== null);
    await waitFor(() => candidate.heard.states.at(-1)?.ended === true, { what: 'candidate told of the end' });
    const serverRoom = backend.rooms.get(session.id)!;
    const before = serverRoom.code;

    interviewer.provider.doc.getText('code').insert(0, 'late edit ');
    candidate.provider.doc.getText('code').insert(0, 'late edit ');
    await waitFor(() => interviewer.heard.errors.some((error) => error.code === 'SESSION_ENDED'), { what: 'interviewer edit refused' });
    await waitFor(() => candidate.heard.errors.some((error) => error.code === 'SESSION_ENDED'), { what: 'candidate edit refused' });
    assert.equal(serverRoom.code, before);

    assert.equal(await codeOfAck(ask(interviewer.provider, 'run:start', {})), 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(candidate.provider, 'run:start', {})), 'SESSION_ENDED');
    assert.equal((await postExecute(backend, session.id, authHeaders(session.interviewerToken))).code, 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(candidate.provider, 'chat:send', { text: 'hello?' })), 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(interviewer.provider, 'room:lock', { locked: true })), 'SESSION_ENDED');
    assert.equal(await codeOfAck(ask(interviewer.provider, 'room:set-language', { language: 'go' })), 'SESSION_ENDED');

    await waitFor(async () => ((await (await fetch(`${backend.url}/api/sessions/${session.id}`)).json()) as SessionPublicView).ended, {
      what: 'ended persisted in the session store',
    });
    const late = capturedClient(backend, { sessionId: session.id, name: 'Lee' });
    open.push(late.provider);
    await waitSynced(late.provider);
    assert.equal(late.heard.states[0]?.ended, true);
    assert.equal(codeOf(late.provider), before, 'a late joiner can still read the final code');
  });
});
