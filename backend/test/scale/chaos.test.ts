/**
 * Issue 26's chaos run in `npm test`: two real backends on a real redis-server (without
 * persistence, then with AOF), 20 rooms with one participant per node typing unique characters at
 * 5/s, a node SIGKILLed and restarted every 10 s, Redis restarted once. Passes when every keystroke
 * is in its room exactly once, on both clients and a fresh joiner, and every client ends
 * connected. CHAOS_SECONDS sets the typing time (default 30: two node kills and the Redis restart,
 * the faults a 60 s run at one kill per 20 s had; the issue's run and bench/chaos.mjs use 90 s at
 * 20 s), CHAOS_KILL_EVERY_MS the kill interval, CHAOS_SEED the seed. Faults stay one at a time
 * (the driver waits for the clients to be back, then 5 s), so a shorter interval only removes
 * idle typing between them. Failing seeds are kept below as named regression runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeChaos, runChaos, type ChaosRedisMode, type ChaosResult } from './chaos-driver';

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 30);
const KILL_EVERY_MS = Number(process.env.CHAOS_KILL_EVERY_MS ?? 10_000);
const SEED = Number(process.env.CHAOS_SEED ?? 26);

function assertNothingLost(result: ChaosResult, seconds = SECONDS, killEveryMs = KILL_EVERY_MS): void {
  const summary = `${describeChaos(result)}\n${result.problems.slice(0, 20).join('\n')}`;
  assert.ok(result.edits > 0, 'the clients typed');
  assert.equal(result.missing, 0, `missing keystrokes: ${summary}`);
  assert.equal(result.duplicated, 0, `duplicated keystrokes: ${summary}`);
  assert.equal(result.diverged, 0, `diverged rooms: ${summary}`);
  assert.deepEqual(result.clientStatuses, { connected: 40 }, `every client connected and synced: ${summary}`);
  assert.deepEqual(result.fatalErrors, {}, `no client was refused for good: ${summary}`);
  assert.ok(
    result.restarts.length >= Math.floor((seconds * 1_000 - 1) / killEveryMs),
    `every killed node came back and its clients synced: ${summary}`,
  );
}

/**
 * Seeds that failed once, replayed as they ran. The machine's timing decides as much as the seed,
 * so each says what went wrong then.
 */
const REGRESSIONS: Array<{ name: string; seed: number; seconds: number; killEveryMs: number; redis: ChaosRedisMode }> = [
  {
    // Node B came back just as Redis restarted: its clients' joins failed after the handshake
    // (the store could not answer), the server dropped them, and socket.io-client never came back.
    // Faults are one at a time since, so this seed no longer lands them together; the exact case
    // is pinned by refused-reconnect.test.ts ("a join dropped by the server …").
    name: 'a node restarted during a Redis restart: its clients come back (seed 26, 30 s)',
    seed: 26,
    seconds: 30,
    killEveryMs: 20_000,
    redis: 'no-persistence',
  },
];

describe('chaos: node kills and a Redis restart lose no keystroke (issue 26)', { concurrency: false }, () => {
  for (const regression of REGRESSIONS) {
    it(`regression: ${regression.name}`, { timeout: (regression.seconds + 240) * 1_000 }, async (t) => {
      const result = await runChaos({
        seed: regression.seed,
        redis: regression.redis,
        seconds: regression.seconds,
        killEveryMs: regression.killEveryMs,
        log: (line) => t.diagnostic(line),
      });
      t.diagnostic(describeChaos(result));
      assertNothingLost(result, regression.seconds, regression.killEveryMs);
    });
  }
  for (const redis of ['no-persistence', 'aof'] satisfies ChaosRedisMode[]) {
    it(
      `Redis ${redis}: ${SECONDS} s, a node killed every ${KILL_EVERY_MS / 1_000} s, seed ${SEED}`,
      { timeout: (SECONDS + 240) * 1_000 },
      async (t) => {
        const result = await runChaos({
          seed: SEED,
          redis,
          seconds: SECONDS,
          killEveryMs: KILL_EVERY_MS,
          log: (line) => t.diagnostic(line),
        });
        t.diagnostic(describeChaos(result));
        assertNothingLost(result);
      },
    );
  }
});
