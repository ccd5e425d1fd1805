import type { OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * One WebSocket upgrade (Vite's HMR) relayed byte for byte, as the executor's preview proxy and
 * the backend's preview origin both do it: the request head rewritten for the far side, then
 * both ways piped; either side closing or failing destroys both. Exported by the package's entry
 * so the backend uses the same one.
 */

/** The head of an upgrade request: request line, Connection/Upgrade, then every header (host included). */
export function upgradeRequestHead(method: string, path: string, upgrade: string, headers: OutgoingHttpHeaders): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Connection: Upgrade', `Upgrade: ${upgrade}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(item)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export interface UpgradeRelay {
  /** The browser's side (the socket of the `upgrade` event). */
  client: Duplex;
  /** The far side, once connected; a rejection ends the client. */
  upstream: Promise<Duplex>;
  /** `upgradeRequestHead(…)`, written first. */
  request: string;
  /** What the client sent after its head (the `upgrade` event's `head`). */
  head: Buffer;
  /** Called once, when the relay ends for any reason. */
  onEnd?: () => void;
}

export function relayUpgrade({ client, upstream, request, head, onEnd }: UpgradeRelay): void {
  let far: Duplex | undefined;
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd?.();
    }
    far?.destroy();
    client.destroy();
  };
  client.on('error', end);
  client.on('close', end);
  upstream.then((connected) => {
    far = connected;
    if (ended || client.destroyed) return end();
    connected.on('error', end);
    connected.on('close', end);
    connected.write(request);
    if (head.length > 0) connected.write(head);
    connected.pipe(client).pipe(connected);
  }, end);
}
