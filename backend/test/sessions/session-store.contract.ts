import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SessionRecord, SessionStore } from '../../src/sessions';
import { waitFor } from '../helpers/wait-for';

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    generation: randomUUID(),
    title: 'Contract',
    language: 'python',
    initialLanguage: 'python',
    createdAt: now,
    lastActivityAt: now,
    interviewerTokenHash: 'a'.repeat(64),
    interviewerName: 'Ivy',
    ended: false,
    ...overrides,
  };
}

/**
 * The behaviour every SessionStore must have. `makeStore(ttlSeconds)` builds a fresh store;
 * stores with a 1 s TTL must notice expiry within a few seconds.
 */
export function sessionStoreContract(name: string, makeStore: (ttlSeconds: number) => Promise<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    beforeEach(async () => {
      store = await makeStore(60);
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns what was created, and undefined for unknown ids', async () => {
      const created = record();
      await store.create(created);
      assert.deepEqual(await store.get(created.id), created);
      assert.equal(await store.get(randomUUID()), undefined);
      assert.equal(await store.count(), 1);
    });

    it('restore writes a record back only when its id is absent', async () => {
      const lost = record();
      assert.equal(await store.restore(lost), true, 'absent: written');
      assert.equal((await store.get(lost.id))?.generation, lost.generation);
      assert.equal(await store.count(), 1);
      assert.equal(await store.restore({ ...lost, generation: randomUUID(), title: 'stale copy' }), false, 'present: untouched');
      assert.equal((await store.get(lost.id))?.generation, lost.generation);
      assert.equal((await store.get(lost.id))?.title, 'Contract');
    });

    it('returns copies: mutating a result does not change the store', async () => {
      const created = record();
      await store.create(created);
      const fetched = await store.get(created.id);
      assert.ok(fetched);
      fetched.title = 'changed';
      assert.equal((await store.get(created.id))?.title, 'Contract');
    });

    it('update patches fields, keeps identity fields, and bumps lastActivityAt', async () => {
      const created = record({ lastActivityAt: Date.now() - 10_000 });
      await store.create(created);
      const updated = await store.update(created.id, { language: 'rust', ended: true });
      assert.equal(updated?.language, 'rust');
      assert.equal(updated?.ended, true);
      assert.equal(updated?.generation, created.generation);
      assert.ok((updated?.lastActivityAt ?? 0) > created.lastActivityAt);
      assert.equal(await store.update(randomUUID(), { ended: true }), undefined);
    });

    it('delete removes and notifies once with reason "deleted"', async () => {
      const created = record();
      await store.create(created);
      const removed: Array<[string, string]> = [];
      store.onRemoved((id, reason) => removed.push([id, reason]));
      assert.equal(await store.delete(created.id), true);
      assert.equal(await store.delete(created.id), false);
      assert.equal(await store.get(created.id), undefined);
      await waitFor(() => removed.length === 1, { what: 'removal notice' });
      assert.deepEqual(removed, [[created.id, 'deleted']]);
    });

    it('expires after the TTL without activity and notifies with reason "expired"', async () => {
      const short = await makeStore(1);
      try {
        const created = record();
        await short.create(created);
        const removed: string[] = [];
        short.onRemoved((id, reason) => removed.push(`${id}:${reason}`));
        await waitFor(() => removed.includes(`${created.id}:expired`), { timeoutMs: 6_000, what: 'expiry notice' });
        assert.equal(await short.get(created.id), undefined);
      } finally {
        await short.close();
      }
    });

    it('touch slides the TTL: a session kept active outlives its TTL', async () => {
      const short = await makeStore(2);
      try {
        const kept = record();
        const idle = record();
        await short.create(kept);
        await short.create(idle);
        const started = Date.now();
        // Touch `kept` every 500 ms for 3.5 s (longer than the 2 s TTL).
        while (Date.now() - started < 3_500) {
          assert.ok(await short.touch(kept.id), 'kept session vanished while active');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        assert.ok(await short.get(kept.id));
        await waitFor(async () => (await short.get(idle.id)) === undefined, { timeoutMs: 4_000, what: 'idle session expiry' });
        assert.equal(await short.touch(idle.id), undefined);
      } finally {
        await short.close();
      }
    });
  });
}
