// CPU per edit inside the room (no transport): ROOMS rooms × 2 participants, each keystroke a real
// Yjs update through Room.handleMessage, as the socket handler calls it; the recorder's chunk
// timers and the archive-free extensions as in a single node. A/B against another checkout's
// rooms (`BENCH_BASE_ROOT`), interleaved rounds, CPU time of this process per 1,000 edits.
//
//   BENCH_BASE_ROOT=<checkout> node --import tsx bench/room-edit-cpu.mjs [rooms=100] [edits per room=600] [rounds=4]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { repoRoot } from './bench-utils.mjs';

const ROOMS = Number(process.argv[2] ?? 100);
const EDITS = Number(process.argv[3] ?? 600);
const ROUNDS = Number(process.argv[4] ?? 4);
const roots = { this: repoRoot, ...(process.env.BENCH_BASE_ROOT ? { base: process.env.BENCH_BASE_ROOT } : {}) };

async function load(root) {
  const rooms = await import(pathToFileURL(join(root, 'backend/src/rooms/index.ts')).href);
  const sessions = await import(pathToFileURL(join(root, 'backend/src/sessions/index.ts')).href);
  return { RoomManager: rooms.RoomManager, MemorySessionStore: sessions.MemorySessionStore };
}

function message(update) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

async function round({ RoomManager, MemorySessionStore }) {
  const store = new MemorySessionStore({ ttlSeconds: 3600 });
  const manager = new RoomManager({ store, maxParticipantsPerRoom: 20, maxDocumentBytes: 10 * 2 ** 20 });
  const typists = [];
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
      interviewerTokenHash: 'x',
      interviewerName: null,
      ended: false,
    };
    await store.create(session);
    const room = await manager.open(session);
    for (const [name, role] of [
      ['Cai', 'candidate'],
      ['Ivy', 'interviewer'],
    ]) {
      const connection = { id: `${r}${name}`, name, role, send() {}, notify() {}, close() {} };
      manager.join(session, connection);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
      let last = null;
      doc.on('update', (update) => (last = update));
      typists.push({ room, connection, doc, take: () => last });
    }
  }
  // Keystrokes prepared beforehand (the clients' own Yjs work is not the server's).
  const messages = typists.map(({ doc, take }) => {
    const list = [];
    const text = doc.getText('code');
    for (let i = 0; i < EDITS / 2; i++) {
      text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      list.push(message(take()));
    }
    return list;
  });
  const start = process.cpuUsage();
  let edits = 0;
  // 10 keystrokes of every typist per turn of the event loop, so the recorder's timers run between.
  for (let offset = 0; offset < EDITS / 2; offset += 10) {
    typists.forEach(({ room, connection }, index) => {
      for (const msg of messages[index].slice(offset, offset + 10)) {
        room.handleMessage(connection, msg);
        edits++;
      }
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(start);
  manager.dispose();
  await store.close();
  return ((used.user + used.system) / 1000 / edits) * 1000;
}

const systems = Object.fromEntries(await Promise.all(Object.entries(roots).map(async ([name, root]) => [name, await load(root)])));
const results = Object.fromEntries(Object.keys(systems).map((name) => [name, []]));
await round(systems.this); // warm-up
if (systems.base) await round(systems.base);
for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(systems)) results[name].push(await round(systems[name]));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [name, values] of Object.entries(results))
  console.log(
    `${name}: CPU ms per 1,000 edits in the room, by round: ${values.map((v) => v.toFixed(1)).join(' / ')}; median ${median(values).toFixed(1)}`,
  );
if (results.base) console.log(`this ÷ base: ${(median(results.this) / median(results.base)).toFixed(2)}×`);
