import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logging/logger';
import { createDatabase, InterviewRepository, InterviewRetention, listAudit, migrateToLatest, encodeRoomState } from '../../src/store';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const logger = createLogger({ level: 'warn', format: 'pretty', silent: true });
const state = encodeRoomState({ doc: new Uint8Array([0, 0]), interview: new Uint8Array([0, 0]) });

describe('InterviewRetention', () => {
  it('deletes interviews ended more than RETENTION_DAYS ago (audited), ends abandoned live ones, keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairpad-retention-'));
    const handle = await createDatabase({ dataDir: dir });
    try {
      await migrateToLatest(handle);
      const interviews = new InterviewRepository(handle.db, handle.engine);
      const base = {
        createdAt: NOW - 100 * DAY,
        title: 't',
        language: 'python',
        questionId: null,
        questionTitle: null,
        startedAt: NOW - 100 * DAY,
        candidateName: null,
        roomState: state,
        notesState: null,
        finalCode: null,
        participants: [],
      };
      await interviews.saveSnapshot({ ...base, id: 'old', status: 'ended', endedAt: NOW - 40 * DAY, at: NOW - 40 * DAY });
      await interviews.saveSnapshot({ ...base, id: 'recent', status: 'ended', endedAt: NOW - 5 * DAY, at: NOW - 5 * DAY });
      await interviews.saveSnapshot({ ...base, id: 'abandoned', status: 'live', endedAt: null, at: NOW - 2 * DAY });
      await interviews.saveSnapshot({ ...base, id: 'live', status: 'live', endedAt: null, at: NOW - 1_000 });

      const retention = new InterviewRetention({ interviews, retentionDays: 30, sessionTtlSeconds: 86_400, logger, now: () => NOW });
      await retention.runOnce();
      const rows = await handle.db.selectFrom('interviews').select(['id', 'status', 'ended_at']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'abandoned', status: 'ended', ended_at: NOW - 2 * DAY },
        { id: 'live', status: 'live', ended_at: null },
        { id: 'recent', status: 'ended', ended_at: NOW - 5 * DAY },
      ]);
      const [entry] = await listAudit(handle.db);
      assert.deepEqual([entry?.action, entry?.actorMemberId, entry?.details.deleted], ['retention.delete', null, 1]);

      // RETENTION_DAYS=0 keeps everything; the timer never holds the process open.
      const keep = new InterviewRetention({ interviews, retentionDays: 0, sessionTtlSeconds: 86_400, logger, now: () => NOW + 365 * DAY });
      keep.start();
      await keep.stop();
      assert.equal((await handle.db.selectFrom('interviews').select('id').execute()).length, 3);
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
