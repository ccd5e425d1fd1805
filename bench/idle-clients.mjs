// Idle participants for the idle benches (idle-connections, heap-per-connection): real
// SocketYjsProvider connections (websocket), `perRoom` to a room, each with its awareness set as a
// browser tab sets it. Needs tsx (it imports the TypeScript client).
import { SocketYjsProvider } from '@pairpad/client';
import { createBenchSession, waitUntil } from './bench-utils.mjs';

/** Creates rooms over REST and connects `connections` clients, a batch of 100 rooms at a time. */
export async function connectIdleClients(url, connections, perRoom) {
  const clients = [];
  const rooms = Math.ceil(connections / perRoom);
  for (let batch = 0; batch < rooms; batch += 100) {
    const created = [];
    for (let room = batch; room < Math.min(rooms, batch + 100); room++) {
      const { id } = await createBenchSession(url);
      for (let person = 0; person < perRoom && clients.length < connections; person++) {
        const client = new SocketYjsProvider({
          url,
          sessionId: id,
          name: `P${room}-${person}`,
          socketOptions: { transports: ['websocket'], forceNew: true },
        });
        // The same user fields a browser tab sends (use-room.ts); the server refuses a user without them.
        client.awareness.setLocalStateField('user', {
          name: `P${room}-${person}`,
          color: '#1f77b4',
          colorLight: '#1f77b433',
          role: 'candidate',
          status: 'active',
          personId: `bench-person-${room}-${person}`,
        });
        client.awareness.setLocalStateField('cursor', { anchor: 0, head: 0 });
        clients.push(client);
        created.push(client);
      }
    }
    // A batch at a time, so the handshakes don't all queue at once.
    await waitUntil(() => created.every((client) => client.synced), `batch ${batch} synced`, 120_000);
  }
  return { clients, rooms };
}
