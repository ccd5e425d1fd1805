import type { Redis } from 'ioredis';
import { waitAtMost } from '../shared/wait-at-most';

/** QUIT, but never hang on a dead connection: after a second, just drop it. */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await waitAtMost(client.quit(), 1_000);
  client.disconnect();
}
