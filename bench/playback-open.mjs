// How long the playback of a 60-minute interview takes to open.
//
// 1. Generates the interview with the backend's own Room (in this process, on a simulated clock):
//    two people typing ~3 characters a second between them for MINUTES minutes (bursts by one
//    typist, then the other; 10 % deletions; the cursor jumps now and then; the program stays
//    under ~6 KB), a run every 3 minutes, a chat message every 10 minutes, then the end. Every
//    keystroke goes through Room.handleMessage as a Yjs sync message, so the recording is the one
//    a real room makes (EditRecorder, 200 ms merge window).
// 2. Stores it in a real backend's database (SQLite, a temp DATA_DIR) as the archive would, and
//    starts that backend (port BENCH_BACKEND_PORT, default 0).
// 3. Times the data path in Node, 5 times: GET /api/sessions/:id/timeline (from the database),
//    JSON parse, decode (`new EditReplay`), the first frame, and a seek to the end.
// 4. With PLAYBACK_FRONTEND_URL (a production frontend whose API_URL is this backend), times the
//    page in Chromium, 3 times: from navigation to the first frame of code on screen, then End to
//    the final code on screen.
//
//   node --import tsx bench/playback-open.mjs [minutes=60]
//   BENCH_BACKEND_PORT=5460 PLAYBACK_FRONTEND_URL=http://localhost:3460 node --import tsx bench/playback-open.mjs
//
// Results go to bench/RESULTS.md under "Playback: opening a 60-minute interview (issue 24)".
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { EditReplay } from '@pairpad/client';
import { loadConfig } from '../backend/src/config/index.ts';
import { createLogger } from '../backend/src/logging/logger.ts';
import { startBackend } from '../backend/src/server.ts';
import { Room } from '../backend/src/rooms/room.ts';
import { encodeRoomState } from '../backend/src/store/room-state-codec.ts';
import { fmt, machineLine, writeResultsSection } from './bench-utils.mjs';

const MINUTES = Number(process.argv[2] ?? 60);
const FRONTEND = process.env.PLAYBACK_FRONTEND_URL ?? null;
const TARGET_MS = 2_000;

let seed = 11;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

function generate(minutes) {
  const startedAt = Date.UTC(2026, 11, 7, 9, 0, 0);
  let now = startedAt;
  const sessionId = randomUUID();
  const room = new Room({
    sessionId,
    generation: randomUUID(),
    language: 'python',
    initialLanguage: 'python',
    maxDocumentBytes: 1024 * 1024,
    interview: { now: () => now },
  });
  const people = [
    { name: 'Cara', role: 'candidate' },
    { name: 'Ivy', role: 'interviewer' },
  ].map((person, index) => {
    const doc = new Y.Doc();
    const connection = {
      id: `connection-${index}`,
      ...person,
      send(message) {
        const decoder = decoding.createDecoder(message);
        if (decoding.readVarUint(decoder) !== 0) return;
        syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server');
      },
      notify() {},
      close() {},
    };
    doc.on('update', (update, origin) => {
      if (origin === 'server') return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      room.handleMessage(connection, encoding.toUint8Array(encoder));
    });
    return { ...person, doc, connection, cursor: 0 };
  });
  return room.open().then(() => {
    for (const person of people) {
      Y.applyUpdate(person.doc, Y.encodeStateAsUpdate(room.doc), 'server');
      room.join(person.connection);
    }
    const end = startedAt + minutes * 60_000;
    let typist = people[0];
    let keystrokes = 0;
    let runs = 0;
    let nextRun = startedAt + 180_000;
    let nextChat = startedAt + 600_000;
    now += 5_000;
    while (now < end) {
      // ~3 characters a second in all: 150–520 ms apart.
      now += 150 + Math.floor(random() * 370);
      if (random() < 0.01) typist = typist === people[0] ? people[1] : people[0];
      const text = typist.doc.getText('code');
      if (random() < 0.03) typist.cursor = Math.floor(random() * (text.length + 1));
      typist.cursor = Math.min(typist.cursor, text.length);
      if ((text.length > 6_000 || random() < 0.1) && typist.cursor > 0) {
        text.delete(typist.cursor - 1, 1);
        typist.cursor--;
      } else {
        text.insert(typist.cursor, random() < 0.06 ? '\n' : String.fromCharCode(97 + Math.floor(random() * 26)));
        typist.cursor++;
      }
      keystrokes++;
      if (now >= nextRun) {
        const jobId = randomUUID();
        const base = {
          jobId,
          sessionId,
          language: 'python',
          version: '3.11',
          startedBy: { name: typist.name, via: 'room' },
          queuedAt: now,
          error: null,
        };
        room.interview.recordRun({ ...base, state: 'queued', startedAt: null, finishedAt: null, result: null });
        room.interview.recordRun({
          ...base,
          state: 'completed',
          startedAt: now + 50,
          finishedAt: now + 400,
          result: {
            outcome: 'success',
            statusText: 'Finished (exit code 0)',
            language: 'python',
            version: '3.11',
            compile: null,
            run: null,
          },
        });
        runs++;
        nextRun += 180_000;
      }
      if (now >= nextChat) {
        room.interview.postChat(people[1].connection, 'How is it going?');
        nextChat += 600_000;
      }
    }
    room.interview.end(people[1].connection);
    room.interview.flushRecording();
    const state = encodeRoomState({ doc: Y.encodeStateAsUpdate(room.doc), interview: Y.encodeStateAsUpdate(room.interview.state.doc) });
    const result = { sessionId, startedAt, endedAt: now, keystrokes, runs, state, code: room.code };
    room.destroy();
    return result;
  });
}

/** Writes an interview as the archive would (ended, with its room state) into the backend's database. */
async function store(backendHandle, { sessionId, startedAt, endedAt, state, code }, token) {
  await backendHandle.interviews.create({
    id: sessionId,
    title: 'Generated 60-minute interview',
    language: 'python',
    interviewerTokenHash: createHash('sha256').update(token).digest('hex'),
    createdAt: startedAt,
  });
  await backend.interviews.saveSnapshot({
    id: sessionId,
    createdAt: startedAt,
    title: 'Generated 60-minute interview',
    language: 'python',
    questionId: null,
    questionTitle: null,
    status: 'ended',
    startedAt,
    endedAt,
    candidateName: 'Cara',
    roomState: state,
    notesState: null,
    finalCode: { python: code },
    participants: [],
    at: endedAt,
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const generated = await generate(MINUTES);
// The control: the same page for an interview with no edit at all (what loading the page costs by itself).
const empty = await generate(0);
const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-bench-playback-'));
const config = loadConfig({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: process.env.BENCH_BACKEND_PORT ?? '0',
  PISTON_URL: 'http://127.0.0.1:9',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  ...(FRONTEND ? { CLIENT_URL: FRONTEND } : {}),
});
const backend = await startBackend(config, createLogger({ level: 'warn', format: 'pretty', silent: true }));
try {
  const token = randomBytes(32).toString('base64url');
  for (const interview of [generated, empty]) await store(backend, interview, token);
  const { sessionId, code } = generated;

  const rows = [];
  let edits = 0;
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const response = await fetch(`${backend.url}/api/sessions/${sessionId}/timeline`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    const t1 = performance.now();
    const timeline = JSON.parse(body);
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    const t2 = performance.now();
    replay.frameAt(timeline.startedAt);
    const t3 = performance.now();
    const last = replay.frame(replay.edits.length - 1);
    const t4 = performance.now();
    if (last.text !== code) throw new Error('the replay does not end on the final code');
    replay.destroy();
    edits = replay.edits.length;
    bytes = body.length;
    rows.push({ fetch: t1 - t0, decode: t2 - t1, first: t3 - t2, open: t3 - t0, end: t4 - t3 });
  }
  const dataPath = Object.fromEntries(
    ['fetch', 'decode', 'first', 'open', 'end'].map((key) => [key, { first: rows[0][key], median: median(rows.map((row) => row[key])) }]),
  );

  let browser = null;
  const pageRows = [];
  const controlRows = [];
  if (FRONTEND) {
    const { chromium } = await import('playwright-core');
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    browser = await chromium.launch({ ...(existsSync(executablePath) ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // The control first (it also warms the server's page code), then the interview, alternately.
    const opened = async (id) => {
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${FRONTEND}/interview/${id}/playback?token=${token}`);
      await page.getByTestId('playback-code').filter({ hasText: 'Hello, PairPad!' }).waitFor({ timeout: 60_000 });
      return { page, ms: performance.now() - t0 };
    };
    for (let i = 0; i < 3; i++) {
      const control = await opened(empty.sessionId);
      await control.page.close();
      controlRows.push(control.ms);
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${FRONTEND}/interview/${sessionId}/playback?token=${token}`);
      await page.getByTestId('playback-code').filter({ hasText: 'Hello, PairPad!' }).waitFor({ timeout: 60_000 });
      const t1 = performance.now();
      await page.getByRole('slider', { name: 'Position' }).focus();
      await page.keyboard.press('End');
      await page.waitForFunction((expected) => document.querySelector('[data-testid="playback-code"]')?.textContent === expected, code, {
        timeout: 60_000,
      });
      const t2 = performance.now();
      pageRows.push({ open: t1 - t0, end: t2 - t1 });
      await page.close();
    }
    await browser.close();
  }

  const lines = [
    `Command: \`node --import tsx bench/playback-open.mjs ${MINUTES}\`${FRONTEND ? ` with \`BENCH_BACKEND_PORT\` and \`PLAYBACK_FRONTEND_URL=${FRONTEND}\` (a production \`next start\` whose API_URL is the bench's backend)` : ''} — ${new Date().toISOString().slice(0, 10)}, ${machineLine()}.`,
    '',
    `Generated: ${MINUTES} minutes, 2 typists, ${generated.keystrokes} keystrokes (~${fmt(generated.keystrokes / (MINUTES * 60), 1)}/s), ${generated.runs} runs, the final program ${code.length} characters; recorded as ${edits} edits (200 ms merge window); the timeline answer is ${fmt(bytes / 1024, 0)} KiB of JSON (uncompressed), served from the database (SQLite) after the room is gone.`,
    '',
    '| data path (Node, ms) | first | median of 5 |',
    '|---|---|---|',
    ...[
      ['GET /timeline (database → JSON)', 'fetch'],
      ['decode (`new EditReplay`)', 'decode'],
      ['first frame (the start)', 'first'],
      ['**open** (fetch + decode + first frame)', 'open'],
      ['seek to the end (every edit applied)', 'end'],
    ].map(([label, key]) => `| ${label} | ${fmt(dataPath[key].first, 0)} | ${fmt(dataPath[key].median, 0)} |`),
  ];
  if (pageRows.length > 0) {
    lines.push(
      '',
      '| Chromium (ms), a new tab each time | 1st | 2nd | 3rd |',
      '|---|---|---|---|',
      `| control: the same page for an interview with no edit (navigation → code on screen) | ${controlRows.map((ms) => fmt(ms, 0)).join(' | ')} |`,
      `| **open**: navigation → the first frame of code on screen | ${pageRows.map((row) => fmt(row.open, 0)).join(' | ')} |`,
      `| End → the final code on screen | ${pageRows.map((row) => fmt(row.end, 0)).join(' | ')} |`,
    );
  }
  const worstOpen = Math.max(dataPath.open.first, ...pageRows.map((row) => row.open));
  lines.push(
    '',
    `Target (opens in ≤ ${TARGET_MS} ms): **${worstOpen <= TARGET_MS ? 'met' : 'MISSED'}** (worst open ${fmt(worstOpen, 0)} ms${
      controlRows.length > 0 ? `; the same page with no edit to replay took up to ${fmt(Math.max(...controlRows), 0)} ms` : ''
    }).`,
  );
  writeResultsSection('Playback: opening a 60-minute interview (issue 24)', lines.join('\n'));
} finally {
  await backend.close();
  rmSync(dataDir, { recursive: true, force: true });
}
