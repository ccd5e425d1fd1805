import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { MESSAGE_AWARENESS, PRESENCE_TIMEOUT_MS } from '@pairpad/protocol';
import { PRESENCE_VOUCH_INTERVAL_MS, Room } from '../../src/rooms/room';
import type { RoomConnection } from '../../src/rooms/room-connection';
import type { RoomExtension } from '../../src/rooms/room-extension';

/**
 * Presence lasts as long as the connection: nobody renews it, the server keeps its own
 * participants' states fresh, and a node vouches for them to the others, which drop them only
 * when that stops (the node died). Sweeps take an explicit clock, so minutes pass in no time.
 */

interface Participant {
  awareness: awarenessProtocol.Awareness;
  connection: RoomConnection;
}

/** A client's Awareness wired to a room as SocketYjsProvider does: no renewal timer, and a removed state's clock is forgotten. */
function participant(room: Room, name: string): Participant {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  clearInterval(awareness._checkInterval as NodeJS.Timeout);
  const connection: RoomConnection = {
    id: name,
    role: 'candidate',
    name,
    send: (message) => {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) === MESSAGE_AWARENESS)
        awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'server');
    },
    close: () => undefined,
  };
  room.join(connection);
  awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === 'server') {
      for (const clientId of removed) awareness.meta.delete(clientId);
      return;
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
    room.handleMessage(connection, encoding.toUint8Array(encoder));
  });
  awareness.setLocalStateField('user', { name, color: '#112233', colorLight: '#11223333', role: 'candidate', status: 'active' });
  return { awareness, connection };
}

function newRoom(extensions: RoomExtension[] = []): Room {
  return new Room({
    sessionId: 'presence-test',
    generation: 'g1',
    language: 'python',
    initialLanguage: 'python',
    maxDocumentBytes: 1 << 20,
    extensions,
  });
}

const names = (awareness: awarenessProtocol.Awareness): string[] =>
  [...awareness.getStates().values()]
    .map((state) => (state.user as { name?: string } | undefined)?.name ?? '')
    .filter(Boolean)
    .sort();

describe('presence lasts as long as the connection', () => {
  it('a participant who sits still for ten minutes stays present, with no renewal sent', () => {
    const room = newRoom();
    const still = participant(room, 'Still');
    const watcher = participant(room, 'Watcher');
    const start = Date.now();
    for (let minute = 1; minute <= 10; minute++) room.sweepPresence(start + minute * 60_000);
    assert.deepEqual(names(room.awareness), ['Still', 'Watcher']);
    assert.deepEqual(names(watcher.awareness), ['Still', 'Watcher'], 'no removal reached the other participant');
    room.leave(still.connection);
    assert.deepEqual(names(watcher.awareness), ['Watcher'], 'leaving still removes it at once');
    room.destroy();
  });

  it("another node's participant stays while its node vouches, goes when it stops, and comes back when it vouches again", () => {
    const start = Date.now();
    let clock = start;
    // Two nodes relayed directly: presence changes and keep-alives, as the Redis relay carries them.
    const relayTo = (target: () => Room): RoomExtension => ({
      name: 'relay',
      onLocalAwareness: (_room, update) => target().applyRemoteAwareness(update),
      onPresenceKeepalive: (_room, presence) => target().applyRemotePresence(presence, clock),
    });
    const nodeB: { room?: Room } = {};
    const nodeA = newRoom([relayTo(() => nodeB.room!)]);
    let vouching = true;
    nodeB.room = newRoom([{ name: 'relay', onLocalAwareness: (_room, update) => nodeA.applyRemoteAwareness(update) }]);
    participant(nodeA, 'OnA');
    const onB = participant(nodeB.room, 'OnB');
    assert.deepEqual(names(onB.awareness), ['OnA', 'OnB']);

    const advance = (ms: number): void => {
      for (let step = 0; step < ms; step += 5_000) {
        clock += 5_000;
        if (vouching) nodeA.sweepPresence(clock);
        nodeB.room!.sweepPresence(clock);
      }
    };
    advance(5 * 60_000);
    assert.deepEqual(names(onB.awareness), ['OnA', 'OnB'], 'five minutes of vouching keep OnA present on node B');

    vouching = false; // node A dies without a word
    // Its last keep-alive was at most one vouch interval ago, and counts for PRESENCE_TIMEOUT_MS.
    advance(PRESENCE_TIMEOUT_MS - PRESENCE_VOUCH_INTERVAL_MS - 5_000);
    assert.deepEqual(names(onB.awareness), ['OnA', 'OnB'], 'not before the timeout');
    advance(PRESENCE_TIMEOUT_MS);
    assert.deepEqual(names(onB.awareness), ['OnB'], "a dead node's participants time out");

    vouching = true; // node A is reachable again: its next keep-alive brings OnA back
    advance(PRESENCE_VOUCH_INTERVAL_MS + 5_000);
    assert.deepEqual(names(onB.awareness), ['OnA', 'OnB']);
    nodeA.destroy();
    nodeB.room.destroy();
  });

  it('a keep-alive never brings back a state older than the one held', () => {
    const room = newRoom();
    const update = (clock: number, name: string | null): Uint8Array => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint(encoder, 4242);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(name === null ? null : { user: { name } }));
      return encoding.toUint8Array(encoder);
    };
    room.applyRemoteAwareness(update(5, 'Newer'));
    room.applyRemotePresence(update(3, 'Older'));
    assert.deepEqual(names(room.awareness), ['Newer']);
    room.applyRemoteAwareness(update(6, null));
    room.applyRemotePresence(update(5, 'Newer'));
    assert.deepEqual(names(room.awareness), [], 'a keep-alive from before a leave does not undo it');
    room.destroy();
  });
});
