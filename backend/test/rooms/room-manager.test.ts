import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { INTERVIEW_DOC, ROOM_DOC } from '@pairpad/protocol';
import { RoomManager, type Room, type RoomConnection, type RoomExtension } from '../../src/rooms';
import { MemorySessionStore, type SessionRecord } from '../../src/sessions';

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    generation: randomUUID(),
    title: null,
    language: 'python',
    initialLanguage: 'python',
    createdAt: now,
    lastActivityAt: now,
    interviewerTokenHash: 'x',
    interviewerName: null,
    ended: false,
    ...overrides,
  };
}

function connection(name: string, role: RoomConnection['role']): RoomConnection {
  return { id: name, name, role, send: () => undefined, notify: () => undefined, close: () => undefined };
}

describe('room manager and room extensions', () => {
  it('opens a room once: concurrent opens share one load, and joins wait for nothing more', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: RoomExtension = {
      name: 'slow-load',
      async onLoad() {
        loads++;
        await gate;
      },
    };
    const rooms = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20, extensions: [slow] });
    const session = record();
    await store.create(session);
    const opening = [rooms.open(session), rooms.open(session), rooms.open(session)];
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(loads, 1, 'one load for three concurrent opens');
    release();
    const [first, ...others] = await Promise.all(opening);
    for (const room of others) assert.equal(room, first);
    assert.equal(rooms.roomCount, 1);
    await rooms.open(session);
    assert.equal(loads, 1, 'an open room is not loaded again');
    rooms.dispose();
    await store.close();
  });

  it('runs typed hooks: connect, disconnect, local updates per document, language, end, close with purge', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const calls: string[] = [];
    const spy: RoomExtension = {
      name: 'spy',
      onConnect: (_room, who) => calls.push(`connect ${who.name}`),
      onDisconnect: (_room, who) => calls.push(`disconnect ${who.name}`),
      onLocalUpdate: (_room, document) => calls.push(`update ${document}`),
      onLanguageChange: (_room, language) => calls.push(`language ${language}`),
      onEnd: () => calls.push('end'),
      onClose: (_room, { purge }) => calls.push(`close purge=${purge}`),
    };
    const rooms = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20, extensions: [spy] });
    const session = record();
    await store.create(session);
    const room: Room = await rooms.open(session);
    calls.length = 0;
    const ivy = connection('Ivy', 'interviewer');
    rooms.join(session, ivy);
    room.setLanguage('go');
    room.interview.end(ivy);
    rooms.leave(session.id, ivy);
    await store.delete(session.id);
    const kinds = calls.filter((call, index) => calls.indexOf(call) === index);
    assert.deepEqual(kinds, ['update interview', 'connect Ivy', 'language go', 'update doc', 'end', 'disconnect Ivy', 'close purge=true']);
    assert.equal((await store.get(session.id))?.ended, undefined, 'the session went');
    rooms.dispose();
    await store.close();
  });

  it('persists the end in the session store, and a room rebuilt from an ended record stays ended', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const rooms = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20 });
    const session = record();
    await store.create(session);
    const room = await rooms.open(session);
    room.interview.end(connection('Ivy', 'interviewer'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await store.get(session.id))?.ended, true);
    rooms.dispose();
    const again = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20 });
    const rebuilt = await again.open((await store.get(session.id))!);
    assert.equal(rebuilt.interview.current.ended, true);
    again.dispose();
    await store.close();
  });

  it('a client cannot forge the interview state through the shared document', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const rooms = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20 });
    const session = record();
    await store.create(session);
    const room = await rooms.open(session);
    const cara = connection('Cara', 'candidate');
    rooms.join(session, cara);
    room.interview.setLocked(connection('Ivy', 'interviewer'), true);
    // A candidate's copy that claims the lock is off and the interview has a forged chat line.
    const forged = new Y.Doc();
    forged.getMap(INTERVIEW_DOC.controls).set('locked', false);
    forged.getArray(INTERVIEW_DOC.chat).push([{ id: 'x', at: 0, name: 'Ivy', role: 'interviewer', text: 'forged' }]);
    forged.getText(ROOM_DOC.code).insert(0, 'sneaky');
    const update = Y.encodeStateAsUpdate(forged);
    const message = new Uint8Array([0, 2, ...encodeVarUint8Array(update)]);
    assert.throws(() => room.handleMessage(cara, message), /locked editing/);
    assert.equal(room.interview.current.locked, true);
    assert.deepEqual(room.interview.chat.list(), []);
    assert.ok(!room.code.includes('sneaky'));
    rooms.dispose();
    await store.close();
  });
});

/** lib0's varUint8Array framing (length as varUint, then the bytes). */
function encodeVarUint8Array(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let length = bytes.length;
  while (length > 0x7f) {
    out.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  out.push(length);
  return [...out, ...bytes];
}
