import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { BackendHandle } from '../../src/server';
import { countOf, typeConcurrently } from '../helpers/typing';
import { codeOf, createSession, startTestBackend, waitSynced, trackedClients } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

describe('realtime collaboration with real Socket.IO clients and the real provider', () => {
  let backend: BackendHandle;
  const client = trackedClients(() => backend).connect;

  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    await backend.close();
  });

  for (const clientCount of [2, 5]) {
    it(`${clientCount} clients typing at the same time converge to one text with every keystroke`, async () => {
      const session = await createSession(backend, { language: 'javascript' });
      const clients = Array.from({ length: clientCount }, (_, i) => client({ sessionId: session.id, name: `User ${i}` }));
      await Promise.all(clients.map((c) => waitSynced(c)));
      const starter = codeOf(clients[0]!);
      assert.ok(starter.includes('Hello, PairPad!'), 'room opens with the starter code');
      await typeConcurrently(clients, 60, clientCount);
      await waitFor(
        () => clients.every((c) => codeOf(c) === codeOf(clients[0]!)) && codeOf(clients[0]!).length === starter.length + clientCount * 60,
        {
          what: 'convergence',
        },
      );
      const text = codeOf(clients[0]!);
      for (let i = 0; i < clientCount; i++)
        assert.equal(countOf(text, String.fromCharCode(65 + i)), 60 + countOf(starter, String.fromCharCode(65 + i)));
      assert.equal(backend.rooms.get(session.id)?.code, text, 'the server document matches');
    });
  }

  it('an offline client keeps editing and its edits merge on reconnect', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    bob.disconnect();
    assert.equal(bob.status, 'offline');
    bob.doc.getText('code').insert(0, '# typed offline by Bob\n');
    alice.doc.getText('code').insert(alice.doc.getText('code').length, '# typed online by Alice\n');
    await waitFor(() => backend.rooms.get(session.id)?.code.includes('Alice'), { what: 'alice edit on server' });
    assert.ok(!codeOf(alice).includes('Bob'), 'offline edits have not leaked yet');
    bob.connect();
    await waitSynced(bob);
    await waitFor(
      () => codeOf(alice) === codeOf(bob) && codeOf(alice).includes('offline by Bob') && codeOf(bob).includes('online by Alice'),
      {
        what: 'merge after reconnect',
      },
    );
  });

  it('survives a dropped transport: the provider reconnects by itself and merges', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    const statuses: string[] = [];
    bob.on('status', (status) => statuses.push(status));
    // Kill Bob's underlying connection as a network failure would.
    bob.socket.io.engine.close();
    bob.doc.getText('code').insert(0, 'X');
    await waitFor(() => statuses.includes('reconnecting') && bob.status === 'connected' && bob.synced, { what: 'auto reconnect' });
    await waitFor(() => codeOf(alice) === codeOf(bob) && codeOf(alice).startsWith('X'), { what: 'merge' });
  });

  it('a language change reaches everyone through the shared document and the session', async () => {
    const session = await createSession(backend, { language: 'python' });
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    await Promise.all([waitSynced(alice), waitSynced(bob)]);
    assert.equal(bob.doc.getMap('meta').get('language'), 'python');
    const ack = await alice.setLanguage('rust');
    assert.deepEqual(ack, { ok: true });
    await waitFor(() => bob.doc.getMap('meta').get('language') === 'rust', { what: 'language on bob' });
    await waitFor(
      async () => ((await (await fetch(`${backend.url}/api/sessions/${session.id}`)).json()) as { language: string }).language === 'rust',
      {
        what: 'language persisted',
      },
    );
  });

  it('roles come from the token; presence and participant counts follow awareness', async () => {
    const session = await createSession(backend);
    const interviewer = client({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = client({ sessionId: session.id, name: 'Cam' });
    await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
    assert.equal(interviewer.role, 'interviewer');
    assert.equal(candidate.role, 'candidate');
    // The candidate claims to be an interviewer; the server overwrites the role.
    candidate.awareness.setLocalStateField('user', {
      name: 'Cam',
      color: '#112233',
      colorLight: '#11223333',
      role: 'interviewer',
      status: 'active',
    });
    interviewer.awareness.setLocalStateField('user', {
      name: 'Ivy',
      color: '#445566',
      colorLight: '#44556633',
      role: 'interviewer',
      status: 'active',
    });
    const remoteUsers = (provider: SocketYjsProvider): Array<{ name: string; role: string }> =>
      [...provider.awareness.getStates().entries()]
        .filter(([id]) => id !== provider.doc.clientID)
        .map(([, state]) => state.user as { name: string; role: string });
    await waitFor(() => remoteUsers(interviewer).some((user) => user.name === 'Cam'), { what: 'candidate presence' });
    assert.equal(remoteUsers(interviewer).find((user) => user.name === 'Cam')?.role, 'candidate');
    await waitFor(() => remoteUsers(candidate).some((user) => user.name === 'Ivy' && user.role === 'interviewer'), {
      what: 'interviewer presence',
    });
    const view = (await (await fetch(`${backend.url}/api/sessions/${session.id}`)).json()) as { participants: number };
    assert.equal(view.participants, 2);
    candidate.destroy();
    await waitFor(() => remoteUsers(interviewer).length === 0, { what: 'candidate gone from awareness' });
    await waitFor(() => backend.rooms.participants(session.id) === 1, { what: 'participant count 1' });
  });

  it('presence lasts while connected and is back at once after a reconnect, both ways, with nobody renewing it', async () => {
    const session = await createSession(backend);
    const alice = client({ sessionId: session.id, name: 'Alice' });
    const bob = client({ sessionId: session.id, name: 'Bob' });
    let welcomedWithoutRenewal = false;
    bob.on('welcome', (welcome) => (welcomedWithoutRenewal = welcome.presenceUntilDisconnect === true));
    alice.awareness.setLocalStateField('user', {
      name: 'Alice',
      color: '#112233',
      colorLight: '#11223333',
      role: 'candidate',
      status: 'active',
    });
    bob.awareness.setLocalStateField('user', {
      name: 'Bob',
      color: '#445566',
      colorLight: '#44556633',
      role: 'candidate',
      status: 'active',
    });
    const sees = (provider: SocketYjsProvider, name: string): boolean =>
      [...provider.awareness.getStates().entries()].some(
        ([id, state]) => id !== provider.doc.clientID && (state.user as { name?: string } | undefined)?.name === name,
      );
    await waitFor(() => sees(alice, 'Bob') && sees(bob, 'Alice'), { what: 'presence both ways' });
    assert.ok(welcomedWithoutRenewal, 'the server says it keeps presence while connected');
    bob.disconnect();
    await waitFor(() => !sees(alice, 'Bob'), { what: 'Bob gone for Alice' });
    bob.connect();
    // Well under y-protocols' 15 s renewal: the states come back with the reconnect itself (Bob
    // announces his at a new clock; Alice's returns at the clock Bob had forgotten).
    await waitFor(() => sees(alice, 'Bob') && sees(bob, 'Alice'), { what: 'presence back after reconnect', timeoutMs: 5_000 });
  });

  it('a wrong interviewer token is refused with UNAUTHORIZED', async () => {
    const session = await createSession(backend);
    const impostor = client({ sessionId: session.id, name: 'Mallory', token: 'A'.repeat(43) });
    const errors: string[] = [];
    impostor.on('error', (error) => errors.push(error.code));
    await waitFor(() => impostor.status === 'closed', { what: 'refusal' });
    assert.deepEqual(errors, ['UNAUTHORIZED']);
  });
});
