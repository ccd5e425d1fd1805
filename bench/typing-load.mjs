// The typing load shared by the collaboration benchmarks: every client types one character at a
// random place CHARS_PER_SECOND times a second, and every remote update a client applies is
// matched against the sender's insert time (same process, same clock) to give edit latency.
import * as Y from 'yjs';

export function startTypingLoad(clients, charsPerSecond) {
  const latencies = [];
  const sentAt = new Map(); // `${clientId}:${clock}` → ms
  let measuring = false;

  for (const client of clients) {
    // A client library applies the server's updates with itself as the origin; adapters for other
    // libraries name that origin `remoteOrigin`.
    const remoteOrigin = client.remoteOrigin ?? client;
    client.doc.on('update', (update, origin) => {
      // Edits typed in the window are matched even when they land just after it closes, so the
      // last moments of the window do not read as undelivered.
      if (origin !== remoteOrigin || sentAt.size === 0) return;
      const now = performance.now();
      for (const struct of Y.decodeUpdate(update).structs) {
        const key = `${struct.id.client}:${struct.id.clock}`;
        const sent = sentAt.get(key);
        if (sent !== undefined) {
          latencies.push(now - sent);
          sentAt.delete(key);
        }
      }
    });
  }

  const timers = [];
  for (const client of clients) {
    const text = client.doc.getText('code');
    const type = () => {
      const clock = Y.getState(client.doc.store, client.doc.clientID);
      if (measuring) sentAt.set(`${client.doc.clientID}:${clock}`, performance.now());
      text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
    };
    // Random phase so the typists don't all fire on the same tick.
    timers.push(setTimeout(() => timers.push(setInterval(type, 1000 / charsPerSecond)), Math.random() * 200));
  }

  return {
    latencies,
    /** Starts (true) or stops (false) recording latencies. */
    measure(on) {
      measuring = on;
    },
    /** Stops typing; returns how many measured edits had not arrived yet. */
    stop() {
      for (const timer of timers) {
        clearTimeout(timer);
        clearInterval(timer);
      }
      return sentAt.size;
    },
    /** How many measured edits have not arrived (yet). */
    pending() {
      return sentAt.size;
    },
  };
}
