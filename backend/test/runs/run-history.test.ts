import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunHistory } from '../../src/runs';
import { RUN_HISTORY_LIMIT, type JobState, type RunRecord } from '@pairpad/protocol';

function run(jobId: string, state: JobState, sessionId = 'room'): RunRecord {
  return { jobId, sessionId, state, language: 'python', version: '*', startedBy: { name: 'Ada', via: 'room' }, queuedAt: 0, startedAt: null, finishedAt: null, result: null, error: null };
}

describe('run history', () => {
  it(`keeps the last ${RUN_HISTORY_LIMIT} runs of a room, newest first, updating runs in place`, () => {
    const history = new RunHistory();
    for (let i = 0; i < 25; i++) history.record(run(`job-${i}`, 'queued'));
    history.record(run('job-24', 'running'));
    const runs = history.list('room');
    assert.equal(runs.length, RUN_HISTORY_LIMIT);
    assert.equal(runs[0]?.jobId, 'job-24');
    assert.equal(runs[0]?.state, 'running');
    assert.equal(runs.at(-1)?.jobId, 'job-5');
  });

  it('forgets a room, and a late update of a forgotten room does not bring it back', () => {
    const history = new RunHistory();
    history.record(run('a', 'queued'));
    history.forget('room');
    history.record(run('a', 'failed'));
    assert.deepEqual(history.list('room'), []);
    assert.equal(history.roomCount, 0);
  });
});
