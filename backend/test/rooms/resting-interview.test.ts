import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { EditReplay } from '@pairpad/client';
import { INTERVIEW_DOC, MESSAGE_SYNC, ROOM_DOC } from '@pairpad/protocol';
import { RoomManager, type Room, type RoomConnection, type RoomExtension, type RoomNotice } from '../../src/rooms';
import { MemorySessionStore, type SessionRecord } from '../../src/sessions';

function record(): SessionRecord {
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
  };
}

interface Participant extends RoomConnection {
  notices: RoomNotice[];
}

function participant(name: string, role: RoomConnection['role']): Participant {
  const notices: RoomNotice[] = [];
  return { id: name, name, role, notices, send: () => undefined, notify: (notice) => notices.push(notice), close: () => undefined };
}

/** What the relay (and so every other node and Redis) received of the interview document, applied to a copy. */
function relayCopy(): { extension: RoomExtension; doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  return {
    doc,
    updates,
    extension: {
      name: 'relay-copy',
      onLocalUpdate(_room, document, update) {
        if (document !== 'interview') return;
        updates.push(update);
        Y.applyUpdate(doc, update);
      },
    },
  };
}

function typed(room: Room, edit: (text: Y.Text) => void): Uint8Array {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
  let update: Uint8Array | null = null;
  client.on('update', (change: Uint8Array) => (update = change));
  edit(client.getText(ROOM_DOC.code));
  client.destroy();
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update!);
  return encoding.toUint8Array(encoder);
}

function eventsOf(doc: Y.Doc): Array<{ kind: string; name?: string }> {
  return doc.getArray<{ kind: string; name?: string }>(INTERVIEW_DOC.events).toArray();
}

describe('an idle room’s interview rests as bytes until someone writes to it', () => {
  it('opening, joins and leaves leave it resting, relayed whole; the first edit makes it and nothing is lost', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const relay = relayCopy();
    const rooms = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20, extensions: [relay.extension] });
    const session = record();
    await store.create(session);
    const room = await rooms.open(session);
    const candidate = participant('Cai', 'candidate');
    const interviewer = participant('Ivy', 'interviewer');
    rooms.join(session, candidate);
    rooms.join(session, interviewer);
    const extra = participant('Ivy', 'interviewer');
    rooms.join(session, extra);
    rooms.leave(session.id, extra);

    assert.equal(room.interview.state.isHeld, false, 'no interview document for an idle room');
    // Each join was told the interview's state as before.
    assert.ok(candidate.notices.some((notice) => notice.type === 'state'));
    assert.ok(interviewer.notices.some((notice) => notice.type === 'notes'));
    // Everything written quietly reached the relay: its copy is the resting state.
    const resting = new Y.Doc();
    Y.applyUpdate(resting, room.interview.state.encode());
    assert.deepEqual(
      eventsOf(resting).map((event) => `${event.kind} ${event.name}`),
      ['join Cai', 'join Ivy'],
    );
    assert.deepEqual(Y.encodeStateVector(relay.doc), Y.encodeStateVector(resting));
    assert.equal(typeof relay.doc.getMap(INTERVIEW_DOC.controls).get('startedAt'), 'number');

    // The first edit: the document is made, the edit recorded, and kept from then on.
    room.handleMessage(
      candidate,
      typed(room, (text) => text.insert(0, '# first\n')),
    );
    const paste = `print(${'1 + '.repeat(80)}1)\n`;
    room.handleMessage(
      candidate,
      typed(room, (text) => text.insert(text.length, paste)),
    );
    room.interview.flushRecording();
    assert.equal(room.interview.state.isHeld, true);
    rooms.join(session, participant('Dee', 'interviewer'));
    assert.equal(room.interview.state.isHeld, true, 'a written interview stays made');

    const timeline = room.interview.timelineView();
    assert.deepEqual(
      timeline.events.map((event) => event.kind),
      ['join', 'join', 'paste', 'join'],
    );
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    assert.equal(replay.frame(replay.edits.length - 1).text, room.code);
    replay.destroy();
    // The relay's copy holds the same recording.
    assert.deepEqual(Y.encodeStateVector(relay.doc), Y.encodeStateVector(room.interview.state.doc));
    rooms.dispose();
    await store.close();
  });

  it('a resting room applies another node’s lock: announced, enforced, and still resting', async () => {
    const store = new MemorySessionStore({ ttlSeconds: 3600 });
    const relayA = relayCopy();
    const roomsA = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20, extensions: [relayA.extension] });
    const roomsB = new RoomManager({ store, maxParticipantsPerRoom: 10, maxDocumentBytes: 1 << 20 });
    const session = record();
    await store.create(session);
    const roomA = await roomsA.open(session);
    const roomB = await roomsB.open(session);
    const interviewer = participant('Ivy', 'interviewer');
    const candidate = participant('Cai', 'candidate');
    roomsA.join(session, interviewer);
    roomsB.join(session, candidate);
    for (const update of relayA.updates) roomB.applyRemoteUpdate(update, 'interview');
    assert.equal(roomB.interview.state.isHeld, false);

    const sent = relayA.updates.length;
    roomA.interview.setLocked(interviewer, true);
    for (const update of relayA.updates.slice(sent)) roomB.applyRemoteUpdate(update, 'interview');
    assert.equal(roomB.interview.state.isHeld, false, 'a relayed update is applied quietly');
    assert.ok(candidate.notices.some((notice) => notice.type === 'state' && notice.state.locked));
    assert.equal(roomB.interview.current.locked, true);
    assert.throws(
      () =>
        roomB.handleMessage(
          candidate,
          typed(roomB, (text) => text.insert(0, 'x')),
        ),
      (error: { code?: string }) => error.code === 'EDITING_LOCKED',
    );
    assert.equal(roomB.code, roomA.code);
    roomsA.dispose();
    roomsB.dispose();
    await store.close();
  });
});
