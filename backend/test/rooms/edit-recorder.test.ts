import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { EditReplay } from '@pairpad/client';
import { ROOM_DOC, type TimelineEditAuthor } from '@pairpad/protocol';
import { EditRecorder, type EditRecorderOptions } from '../../src/rooms/edit-recorder';
import { InterviewStateDoc } from '../../src/rooms/interview-state';
import { REMOTE_ORIGIN } from '../../src/rooms/room-extension';
import { seededRandom } from '../helpers/wait-for';

const CARA: TimelineEditAuthor = { name: 'Cara', role: 'candidate' };
const IVY: TimelineEditAuthor = { name: 'Ivy', role: 'interviewer' };

/** A node's code document and interview state with a recorder on a hand-driven clock; origins are authors. */
function node(options: EditRecorderOptions = {}) {
  const clock = { now: 1_000_000 };
  const doc = new Y.Doc();
  const state = new InterviewStateDoc();
  const recorder = new EditRecorder(
    state,
    doc,
    (origin) => (origin === REMOTE_ORIGIN ? undefined : origin === CARA || origin === IVY ? (origin as TimelineEditAuthor) : null),
    { now: () => clock.now, flushIntervalMs: 60_000, ...options },
  );
  const text = doc.getText(ROOM_DOC.code);
  const type = (author: TimelineEditAuthor | null, at: number, index: number, chars: string) => {
    clock.now = at;
    doc.transact(() => text.insert(index, chars), author);
  };
  return { clock, doc, state, recorder, text, type, startedAt: 1_000_000 };
}

function replayOf(recorded: ReturnType<typeof node>): EditReplay {
  recorded.recorder.flush();
  return new EditReplay(recorded.recorder.view(recorded.startedAt), recorded.startedAt);
}

describe('edit recorder', () => {
  it("merges one author's updates within the window into one edit, keeps each edit's time and author, and splits on another author or a pause", () => {
    const room = node({ mergeWindowMs: 200 });
    room.recorder.start();
    room.type(CARA, 1_000_100, 0, 'a');
    room.type(CARA, 1_000_150, 1, 'b');
    room.type(CARA, 1_000_290, 2, 'c'); // within 200 ms of the edit's first update
    room.type(IVY, 1_000_300, 3, 'X'); // another author
    room.type(CARA, 1_000_310, 4, 'd');
    room.type(CARA, 1_002_000, 5, 'e'); // after a pause
    room.type(null, 1_003_000, 0, '# starter\n'); // the server
    const replay = replayOf(room);
    assert.deepEqual(
      replay.edits.map((edit) => [edit.at - room.startedAt, edit.author?.name ?? null]),
      [
        [290, 'Cara'],
        [300, 'Ivy'],
        [310, 'Cara'],
        [2_000, 'Cara'],
        [3_000, null],
      ],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((index) => replay.frame(index).text),
      ['abc', 'abcX', 'abcXd', 'abcXde', '# starter\nabcXde'],
    );
    assert.equal(replay.frameAt(1_000_299).text, 'abc');
    assert.deepEqual(replay.frameAt(1_000_300).last, { at: 1_000_300, author: IVY, from: 3, to: 4 });
    assert.equal(replay.frame(-1).text, '', 'before the first edit: the base');
    replay.destroy();
  });

  it('records a paste as an edit of its own at its time, even inside a typing burst', () => {
    const room = node({ mergeWindowMs: 200 });
    room.recorder.start();
    room.type(CARA, 1_000_000, 0, 'x');
    const pasted = 'y'.repeat(500);
    room.type(CARA, 1_000_050, 1, pasted);
    room.type(CARA, 1_000_060, 501, 'z');
    const replay = replayOf(room);
    assert.deepEqual(
      replay.edits.map((edit) => edit.at - room.startedAt),
      [0, 50, 60],
    );
    assert.equal(replay.frameAt(1_000_050).text, `x${pasted}`);
    replay.destroy();
  });

  it('records only what was applied on its own node: two nodes with a relay record each edit once and replay the same document', () => {
    const a = node();
    const b = node();
    // The relay: each node's local updates reach the other as REMOTE_ORIGIN, for both documents.
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      from.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE_ORIGIN) Y.applyUpdate(to.doc, update, REMOTE_ORIGIN);
      });
      from.state.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE_ORIGIN) Y.applyUpdate(to.state.doc, update, REMOTE_ORIGIN);
      });
    }
    a.recorder.start();
    b.recorder.start();
    const random = seededRandom(3);
    let at = 1_000_000;
    for (let i = 0; i < 400; i++) {
      at += Math.floor(random() * 400);
      const side = random() < 0.5 ? a : b;
      side.clock.now = at;
      side.type(side === a ? CARA : IVY, at, Math.floor(random() * (side.text.length + 1)), String.fromCharCode(97 + (i % 26)));
    }
    a.recorder.flush();
    b.recorder.flush();
    const viewA = a.recorder.view(a.startedAt);
    assert.deepEqual(b.recorder.view(b.startedAt), viewA, 'both nodes serve the same recording');
    const replay = new EditReplay(viewA, a.startedAt);
    // Every update was recorded once: the edits (some merged) replay to the document.
    assert.equal(replay.frame(replay.edits.length - 1).text, a.text.toString());
    assert.deepEqual(new Set(replay.edits.map((edit) => edit.author?.name)), new Set(['Cara', 'Ivy']));
    replay.destroy();
  });

  it('stays compact over an hour of two people typing and replays every moment, forwards and backwards', () => {
    const room = node();
    room.recorder.start();
    const random = seededRandom(6);
    // Two typists, ~3 characters a second between them for an hour, sometimes deleting, at cursors that jump.
    // The text after some keystrokes, by time: an edit ends on a keystroke, so the replay at that
    // edit's time must show exactly this.
    const expected = new Map<number, string>();
    let at = room.startedAt;
    let cursor = 0;
    for (let step = 0; step < 10_800; step++) {
      at += 100 + Math.floor(random() * 450);
      if (random() < 0.02) cursor = Math.floor(random() * (room.text.length + 1));
      const author = random() < 0.7 ? CARA : IVY;
      room.clock.now = at;
      if ((room.text.length > 5_000 || random() < 0.12) && cursor > 0) {
        room.doc.transact(() => room.text.delete(cursor - 1, 1), author);
        cursor--;
      } else {
        room.type(author, at, Math.min(cursor, room.text.length), String.fromCharCode(97 + Math.floor(random() * 26)));
        cursor++;
      }
      cursor = Math.min(cursor, room.text.length);
      if (step % 7 === 0) expected.set(at, room.text.toString());
    }
    room.recorder.flush();
    const view = room.recorder.view(room.startedAt);
    const bytes = Buffer.byteLength(JSON.stringify(view));
    const stored = Y.encodeStateAsUpdate(room.state.doc).byteLength;
    console.log(`edits: ${view.at.length} edits of 10,800 keystrokes, ${bytes} bytes as JSON, ${stored} bytes stored`);
    assert.ok(bytes < 600_000, `${bytes} bytes of JSON for an hour`);
    const replay = new EditReplay(view, room.startedAt, { keyframeEvery: 128 });
    const moments = replay.edits.filter((edit, index) => expected.has(edit.at) && index % 5 === 0).map((edit) => edit.at);
    assert.ok(moments.length > 200, `${moments.length} moments checked`);
    for (const at of moments) assert.equal(replay.frameAt(at).text, expected.get(at));
    for (const at of [...moments].reverse()) assert.equal(replay.frameAt(at).text, expected.get(at));
    assert.equal(replay.frame(replay.edits.length - 1).text, room.text.toString());
    replay.destroy();
  });

  it('past its chunk limit folds the oldest edits into the base: the document stays whole', () => {
    const room = node({ chunkEdits: 2, maxChunks: 3, mergeWindowMs: 0 });
    room.recorder.start();
    for (let i = 0; i < 20; i++) room.type(CARA, 1_000_000 + i * 1_000, i, String(i % 10));
    const replay = replayOf(room);
    assert.ok(replay.edits.length <= 6, `${replay.edits.length} edits kept`);
    assert.equal(replay.frame(replay.edits.length - 1).text, '01234567890123456789');
    // Before the first kept edit: everything folded into the base.
    assert.equal(replay.frame(-1).text, '01234567890123456789'.slice(0, 20 - replay.edits.length));
    replay.destroy();
  });

  it('a room that already had code when recording began keeps it as the base', () => {
    const room = node();
    room.text.insert(0, 'def solve():\n');
    room.recorder.start();
    room.type(CARA, 1_000_500, 13, '    pass\n');
    const replay = replayOf(room);
    assert.equal(replay.frame(-1).text, 'def solve():\n');
    assert.equal(replay.frame(0).text, 'def solve():\n    pass\n');
    replay.destroy();
  });

  it('an interview recorded before edits were (no base, no edits) replays as its code is now', () => {
    const room = node();
    room.text.insert(0, 'print("from before")\n');
    const replay = new EditReplay(room.recorder.view(room.startedAt), room.startedAt);
    assert.equal(replay.edits.length, 0);
    assert.equal(replay.frame(-1).text, 'print("from before")\n');
    replay.destroy();
  });

  it('keeps the recorded bytes bounded when a large text is pasted and deleted over and over, and still replays the document', () => {
    const room = node({ maxBytes: 200_000, chunkEdits: 1, mergeWindowMs: 0 });
    room.recorder.start();
    const block = 'x'.repeat(50_000);
    for (let i = 0; i < 40; i++) {
      room.type(CARA, 1_000_000 + i * 2_000, 0, block);
      room.clock.now += 1_000;
      room.doc.transact(() => room.text.delete(0, block.length), CARA);
      room.type(CARA, room.clock.now + 10, room.text.length, String(i % 10));
    }
    room.recorder.flush();
    const stored = Y.encodeStateAsUpdate(room.state.doc).byteLength;
    // 40 pastes of 50 KB were recorded: 2 MB without the bound.
    assert.ok(stored < 400_000, `${stored} bytes stored`);
    const replay = replayOf(room);
    assert.equal(replay.frame(replay.edits.length - 1).text, '0123456789'.repeat(4));
    replay.destroy();
  });
});
