import type { SocketYjsProvider } from '@pairpad/client';
import { seededRandom } from './wait-for';

/** Each client types its own letter `count` times at random places, a few ms apart, all at once. */
export async function typeConcurrently(clients: SocketYjsProvider[], count: number, seed: number): Promise<void> {
  const random = seededRandom(seed);
  await Promise.all(
    clients.map(async (client, index) => {
      const letter = String.fromCharCode(65 + index);
      const text = client.doc.getText('code');
      for (let i = 0; i < count; i++) {
        text.insert(Math.floor(random() * (text.length + 1)), letter);
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 4)));
      }
    }),
  );
}

/** How many times `letter` occurs in `text`. */
export function countOf(text: string, letter: string): number {
  return text.split(letter).length - 1;
}
