// Memory per idle room: ROOMS rooms, each holding a 200-line document typed character by
// character by a client (as a person would), then left idle (no connections). Measures the
// backend's heap + external memory per room after a full GC, in-process with the real Room code.
//
//   node --expose-gc --import tsx bench/room-memory.mjs [rooms=200]
//
// Results go to bench/RESULTS.md under "Room memory (issue #2)".
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { RoomManager } from '../backend/src/rooms/index.ts';
import { MemorySessionStore } from '../backend/src/sessions/index.ts';
import { fmt, machineLine, writeResultsSection } from './bench-utils.mjs';

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc --import tsx bench/room-memory.mjs');
  process.exit(2);
}
const ROOMS = Number(process.argv[2] ?? 200);
const LINES = 200;
const machine = machineLine();

const store = new MemorySessionStore({ ttlSeconds: 86_400 });
const rooms = new RoomManager({ store, maxParticipantsPerRoom: 20, maxDocumentBytes: 10 * 2 ** 20 });

function line(index) {
  return `    result_${index} = compute(values[${index}], offset=${index * 7}) # step ${index}\n`;
}

function measure() {
  for (let i = 0; i < 3; i++) global.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

const before = measure();
let documentBytes = 0;
let characters = 0;
for (let r = 0; r < ROOMS; r++) {
  const now = Date.now();
  const session = {
    id: randomUUID(),
    generation: randomUUID(),
    title: null,
    language: 'python',
    initialLanguage: 'python',
    createdAt: now,
    lastActivityAt: now,
    interviewerTokenHash: '0'.repeat(64),
    interviewerName: null,
    ended: false,
  };
  await store.create(session);
  const connection = { id: `c${r}`, role: 'candidate', name: 'Typist', send() {}, close() {} };
  const room = rooms.join(session, connection);
  // A client document that starts from the room's state and types every character separately.
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
  client.on('update', (update) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, update);
    room.handleMessage(connection, encoding.toUint8Array(encoder));
  });
  const text = client.getText('code');
  text.delete(0, text.length);
  for (let l = 0; l < LINES; l++) {
    for (const char of line(l)) text.insert(text.length, char);
  }
  rooms.leave(session.id, connection);
  client.destroy();
  documentBytes += Y.encodeStateAsUpdate(room.doc).byteLength;
  characters += room.code.length;
}
const after = measure();
const perRoom = (after - before) / ROOMS;
const target = perRoom < 200 * 1024;
console.log({ rooms: rooms.roomCount, perRoomKiB: perRoom / 1024, avgDocBytes: documentBytes / ROOMS, avgChars: characters / ROOMS });

writeResultsSection(
  'Room memory (issue #2)',
  `Command: \`node --expose-gc --import tsx bench/room-memory.mjs ${ROOMS}\` — ${new Date().toISOString().slice(0, 10)}, ${machine}.
${ROOMS} idle rooms (real \`RoomManager\`/\`Room\`, node-cache session store), each holding a ${LINES}-line Python document (${fmt(characters / ROOMS, 0)} characters) typed one character per update by a client, then left with no connection. Memory is heap + external + array buffers after forced GC, before vs after, divided by the number of rooms.

| rooms | chars per doc | encoded doc size | memory per idle room |
|---|---|---|---|
| ${ROOMS} | ${fmt(characters / ROOMS, 0)} | ${fmt(documentBytes / ROOMS / 1024)} KiB | **${fmt(perRoom / 1024)} KiB** |

Target under 200 KB: **${target ? 'met' : 'MISSED'}**.`,
);
rooms.dispose();
await store.close();
