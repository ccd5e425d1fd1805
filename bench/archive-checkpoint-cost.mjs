// What one checkpoint of the interview archive costs in CPU, and what that adds per edit.
// A real backend (in this process, SQLite in a temp DATA_DIR) and two real clients type EDITS
// characters into one room (as the collaboration bench does: 2 typists); then the room is
// written WRITES times in a row (`archive.saveNow` + flush: encode the room's documents, one
// UPDATE) while nothing else runs, timed with process.cpuUsage(). Per edit, at the default
// CHECKPOINT_INTERVAL_MS, a typist pair at 5 characters per second each makes
// 10 × interval/1000 edits between two checkpoints.
//
//   node --import tsx bench/archive-checkpoint-cost.mjs [edits=600] [writes=50]
//
// Results go to bench/RESULTS.md under "Interview archive: CPU per edit (issue 22)".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketYjsProvider } from '@pairpad/client';
import { loadConfig } from '../backend/src/config/index.ts';
import { createLogger } from '../backend/src/logging/logger.ts';
import { startBackend } from '../backend/src/server.ts';
import { fmt, machineLine, sleep, waitUntil, writeResultsSection } from './bench-utils.mjs';

const EDITS = Number(process.argv[2] ?? 600);
const WRITES = Number(process.argv[3] ?? 50);
const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-bench-archive-'));
const config = loadConfig({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  PISTON_URL: 'http://127.0.0.1:9',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
});
const interval = config.CHECKPOINT_INTERVAL_MS;
const backend = await startBackend(config, createLogger({ level: 'warn', format: 'pretty', silent: true }));
try {
  const response = await fetch(`${backend.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language: 'python', name: 'Ivy' }),
  });
  const { id, interviewerToken } = await response.json();
  const connect = (name, token) =>
    new SocketYjsProvider({
      url: backend.url,
      sessionId: id,
      name,
      ...(token ? { token } : {}),
      socketOptions: { transports: ['websocket'], forceNew: true },
    });
  const typists = [connect('Ivy', interviewerToken), connect('Cai')];
  await waitUntil(() => typists.every((typist) => typist.synced), 'clients synced');
  // Random positions, 40 edits a second in all (under the per-socket event limit), so that the
  // timeline records edits as it does while people type.
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < EDITS; i++) {
    const text = typists[i % 2].doc.getText('code');
    text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    if (i % 2 === 1) await sleep(50);
  }
  const room = backend.rooms.get(id);
  await waitUntil(() => room.code.length === typists[0].doc.getText('code').length, 'edits on the server');
  await backend.archive.flush(10_000);
  for (const typist of typists) typist.destroy();
  await sleep(500);
  await backend.archive.flush(10_000);

  const samples = [];
  for (let i = 0; i < WRITES + 5; i++) {
    const before = process.cpuUsage();
    backend.archive.saveNow(id);
    await backend.archive.flush(10_000);
    const used = process.cpuUsage(before);
    if (i >= 5) samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const record = await backend.interviews.get(id);
  const editsPerCheckpoint = (10 * interval) / 1000;
  const perEditUs = (median * 1000) / editsPerCheckpoint;
  const body = `${machineLine()}

\`node --import tsx bench/archive-checkpoint-cost.mjs ${EDITS} ${WRITES}\`: one room after ${EDITS} edits by 2 typists (stored state ${(record.roomState.byteLength / 1024).toFixed(1)} KiB), written ${WRITES} times in a row on SQLite; CPU (user + system, process.cpuUsage) per write: median **${fmt(median, 2)} ms** (min ${fmt(samples[0], 2)}, max ${fmt(samples.at(-1), 2)}).

At CHECKPOINT_INTERVAL_MS=${interval} a room typed by two people at 5 characters per second each (the collaboration bench's load) makes ${editsPerCheckpoint} edits between checkpoints: **${fmt(perEditUs, 1)} µs of CPU per edit** for the archive, against ~160 µs per edit for the backend under that load (collab bench, cpuMsPerThousandEdits ≈ 160) = **+${fmt((perEditUs / 160) * 100, 1)} %**. The cost grows with the room's size and shrinks with a longer interval; joins, finished runs, the end and the unload add one write each.`;
  writeResultsSection('Interview archive: CPU per edit (issue 22)', body);
  console.log(body);
} finally {
  await backend.close();
  rmSync(dataDir, { recursive: true, force: true });
}
