import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import type { BackendHandle } from '../../src/server';
import { codeOf, connectClient, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { seededRandom, waitFor } from '../helpers/wait-for';

/**
 * Random concurrent inserts, deletes, disconnects and reconnects across several clients, driven
 * by a seed so any failure replays exactly. When a seed fails, add it to REGRESSION_SEEDS with a
 * note of what broke.
 */
const REGRESSION_SEEDS: Array<{ seed: number; note: string }> = [];
const RANDOM_SEEDS = [1, 2, 3, 4, 5, 6];
const FUZZ_SEED = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [];

async function fuzzRun(backend: BackendHandle, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const session = await createSession(backend);
  const clientCount = 3 + Math.floor(random() * 3);
  const clients: SocketYjsProvider[] = Array.from({ length: clientCount }, (_, i) =>
    connectClient(backend, { sessionId: session.id, name: `Fuzz ${i}` }),
  );
  try {
    await Promise.all(clients.map((client) => waitSynced(client)));
    for (let step = 0; step < 300; step++) {
      const client = clients[Math.floor(random() * clients.length)]!;
      const text = client.doc.getText('code');
      const roll = random();
      if (roll < 0.55) {
        const chunk = 'abcdefghij'.slice(0, 1 + Math.floor(random() * 4));
        text.insert(Math.floor(random() * (text.length + 1)), chunk);
      } else if (roll < 0.85) {
        if (text.length > 0) {
          const at = Math.floor(random() * text.length);
          text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 5)));
        }
      } else if (roll < 0.93) {
        if (client.status === 'connected') client.disconnect();
      } else if (client.status === 'offline') {
        client.connect();
      }
      if (step % 10 === 0) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
    }
    for (const client of clients) if (client.status === 'offline') client.connect();
    await Promise.all(clients.map((client) => waitSynced(client)));
    await waitFor(() => clients.every((client) => codeOf(client) === backend.rooms.get(session.id)?.code), {
      timeoutMs: 15_000,
      what: `convergence for seed ${seed}`,
    });
    assert.equal(new Set(clients.map(codeOf)).size, 1);
  } finally {
    for (const client of clients) client.destroy();
  }
}

describe('seeded fuzz: concurrent edits, disconnects and reconnects converge', () => {
  let backend: BackendHandle;
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    await backend.close();
  });

  for (const { seed, note } of REGRESSION_SEEDS) {
    it(`regression seed ${seed}: ${note}`, () => fuzzRun(backend, seed));
  }
  for (const seed of [...RANDOM_SEEDS, ...FUZZ_SEED]) {
    it(`seed ${seed}`, () => fuzzRun(backend, seed));
  }
});
