/**
 * The archive writes the records of sessions created at about the same time in one INSERT
 * (issue 23's create p95: a round trip per burst, not per create), and a record the database
 * refuses fails only itself: the others of its INSERT are written alone, and each one written
 * announces `interview.created` once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TeamEvent } from '../../src/events/team-events';
import type { BackendHandle } from '../../src/server';
import type { NewInterview } from '../../src/store';
import { startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

describe('session records written by the archive', () => {
  let backend: BackendHandle;
  const created: string[] = [];

  before(async () => {
    backend = await startTestBackend();
    backend.teamEvents.subscribe((event: TeamEvent) => {
      if (event.type === 'interview.created') created.push(event.interviewId);
    });
  });
  after(async () => {
    await backend.close();
  });

  function record(id: string, extra: Partial<NewInterview> = {}): NewInterview {
    return { id, title: id, language: 'python', createdAt: Date.now(), ...extra };
  }

  it('go in one INSERT when created together or during an INSERT, each announced once; a refused one fails alone', async () => {
    const repository = backend.interviews;
    const calls: string[][] = [];
    const { create, createMany } = repository;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    repository.create = async (input) => {
      calls.push([`one:${input.id}`]);
      if (calls.length === 1) await firstHeld;
      return create.call(repository, input);
    };
    repository.createMany = async (inputs) => {
      calls.push(inputs.map((input) => input.id));
      return createMany.call(repository, inputs);
    };
    try {
      backend.archive.sessionCreated(record('batch-0'));
      await waitFor(() => calls.length === 1, { what: 'the first INSERT under way' });
      // Created while the first INSERT is under way: one INSERT for all three once it is done.
      backend.archive.sessionCreated(record('batch-1'));
      backend.archive.sessionCreated(record('batch-2'));
      await new Promise((resolve) => setImmediate(resolve));
      backend.archive.sessionCreated(record('batch-3'));
      releaseFirst();
      await waitFor(() => created.length === 4, { what: 'four interview.created' });
      assert.deepEqual(calls, [['one:batch-0'], ['batch-1', 'batch-2', 'batch-3']]);

      // One record the database refuses (its creator is no member): the others are written alone.
      calls.length = 0;
      backend.archive.sessionCreated(record('batch-4'));
      backend.archive.sessionCreated(record('batch-bad', { createdBy: 'no-such-member' }));
      backend.archive.sessionCreated(record('batch-5'));
      await waitFor(() => created.length === 6, { what: 'the two good ones announced' });
      assert.deepEqual(calls.slice(0, 4), [['batch-4', 'batch-bad', 'batch-5'], ['one:batch-4'], ['one:batch-bad'], ['one:batch-5']]);
    } finally {
      repository.create = create;
      repository.createMany = createMany;
      releaseFirst();
    }
    for (const id of ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']) {
      assert.equal((await backend.interviews.get(id))?.status, 'upcoming', id);
    }
    assert.equal(await backend.interviews.get('batch-bad'), null);
    assert.deepEqual([...created].sort(), ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
  });
});
