/**
 * A real HTTP receiver on a loopback port 0 that checks every delivery's signature as a
 * customer's would (`verifySignature`, the recipe of docs/integrations.md) and keeps what came.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/webhooks';

export interface Received {
  at: number;
  deliveryId: string;
  eventId: string;
  event: string;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  signatureValid: boolean;
}

/** What the receiver does with request number `index` (0-based, over all requests). */
export type ReceiverBehaviour = (index: number, request: IncomingMessage, response: ServerResponse) => void;

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests whose sockets are still open (hanging ones). */
  close(): Promise<void>;
  setSecret(secret: string): void;
}

export const answer =
  (status: number, body = 'ok'): ReceiverBehaviour =>
  (_index, _request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };

export async function startReceiver(behaviour: ReceiverBehaviour = answer(200), path = '/hook'): Promise<Receiver> {
  let secret = '';
  const received: Received[] = [];
  let count = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        at: Date.now(),
        deliveryId: String(request.headers['pairpad-delivery'] ?? ''),
        eventId: String(request.headers['pairpad-event-id'] ?? ''),
        event: String(request.headers['pairpad-event'] ?? ''),
        body,
        json: JSON.parse(body) as Received['json'],
        signatureValid: verifySignature(request.headers['pairpad-signature'] as string | undefined, body, secret),
      });
      behaviour(count++, request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    setSecret(value) {
      secret = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
