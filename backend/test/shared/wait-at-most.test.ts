import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitAtMost } from '../../src/shared/wait-at-most';

describe('waitAtMost', () => {
  it('answers true as soon as the work resolves, long before the limit', async () => {
    const started = Date.now();
    assert.equal(await waitAtMost(Promise.resolve('done'), 10_000), true);
    assert.ok(Date.now() - started < 1_000);
  });

  it('answers true when the work rejects in time (a failed QUIT still ends the wait)', async () => {
    assert.equal(await waitAtMost(Promise.reject(new Error('connection closed')), 10_000), true);
  });

  it('answers false when the limit comes first, and leaves no timer behind', async () => {
    const never = new Promise<void>(() => undefined);
    assert.equal(await waitAtMost(never, 20), false);
    const resources = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout');
    assert.deepEqual(resources, []);
  });

  it('clears its timer when the work wins, so a long limit keeps nothing alive', async () => {
    await waitAtMost(Promise.resolve(), 60_000);
    assert.deepEqual(
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout'),
      [],
    );
  });
});
