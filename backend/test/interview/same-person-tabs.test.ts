import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { AwarenessUser, InterviewReport, Timeline } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { waitFor } from '../helpers/wait-for';
import { connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { authHeaders } from './interview-helpers';

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: authHeaders(token) });
  assert.equal(response.status, 200, url);
  return (await response.json()) as T;
}

function joinsAndLeaves(timeline: Timeline): string[] {
  return timeline.events.flatMap((event) => (event.kind === 'join' || event.kind === 'leave' ? [`${event.name} ${event.kind}`] : []));
}

describe('one person in several tabs', () => {
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
  });

  it('joins and leaves the timeline once, is one row of the report, and keeps the person id in awareness', async () => {
    const session = await createSession(backend);
    const personId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const tab = () => {
      const provider = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
      provider.awareness.setLocalStateField('user', {
        name: 'Ivy',
        color: '#2563eb',
        colorLight: '#2563eb33',
        role: 'interviewer',
        status: 'active',
        personId,
      });
      open.push(provider);
      return provider;
    };
    const first = tab();
    const second = tab();
    const candidate = connectClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(candidate);
    await Promise.all([waitSynced(first), waitSynced(second), waitSynced(candidate)]);

    // The server relays the person id (its awareness check keeps the field), so pages can group tabs.
    const seen = await waitFor(
      () => {
        const users = [...candidate.awareness.getStates().values()].map((state) => (state as { user?: AwarenessUser }).user);
        const ivy = users.filter((user) => user?.name === 'Ivy');
        return ivy.length === 2 && ivy.every((user) => user?.personId === personId) ? ivy : null;
      },
      { what: "both of Ivy's tabs with her person id at the candidate" },
    );
    assert.equal(seen?.length, 2);

    const url = `${backend.url}/api/sessions/${session.id}`;
    second.destroy();
    await waitFor(() => backend.rooms.participants(session.id) === 2, { what: 'second tab gone' });
    assert.deepEqual(joinsAndLeaves(await getJson<Timeline>(`${url}/timeline`, session.interviewerToken)), ['Ivy join', 'Cara join']);

    first.destroy();
    await waitFor(() => backend.rooms.participants(session.id) === 1, { what: 'first tab gone' });
    assert.deepEqual(joinsAndLeaves(await getJson<Timeline>(`${url}/timeline`, session.interviewerToken)), [
      'Ivy join',
      'Cara join',
      'Ivy leave',
    ]);

    const report = await getJson<InterviewReport>(`${url}/report`, session.interviewerToken);
    assert.deepEqual(
      report.participants.map((participant) => `${participant.name} ${participant.role}`),
      ['Ivy interviewer', 'Cara candidate'],
    );
  });
});
