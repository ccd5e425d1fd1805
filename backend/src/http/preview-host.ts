import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RoomPreviews } from '../previews';

/**
 * The preview origin's adapter: a request whose Host is `<token>.<PREVIEW_ORIGIN host>` is a
 * preview's, answered here before Express and Socket.IO see it: the token is checked (signed,
 * unexpired, for a preview that runs now, on any node: its record may be in Redis) and the request
 * proxied to the executor that holds the preview; anything else
 * with that suffix is refused 403 PREVIEW_TOKEN_INVALID. Nothing of PairPad's own is served on
 * that origin (no API, no cookies), so the candidate's app cannot reach them.
 */
export function previewHostHandler(previews: RoomPreviews) {
  const refuse = (res: ServerResponse, message: string) => {
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ error: { code: 'PREVIEW_TOKEN_INVALID', message } }));
  };
  return {
    /** True when the request was a preview's (answered or proxied, once its token is checked). */
    request(req: IncomingMessage, res: ServerResponse): boolean {
      if (!previews.isPreviewHost(req.headers.host)) return false;
      // The body waits (paused) until the lookup answers; the record may be in Redis.
      void previews.resolveHost(req.headers.host).then(
        (resolved) => ('refused' in resolved ? refuse(res, resolved.refused) : resolved.client.proxy(resolved.previewId, req, res)),
        () => {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('The preview could not be looked up; try again.');
        },
      );
      return true;
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if (!previews.isPreviewHost(req.headers.host)) return false;
      socket.on('error', () => socket.destroy());
      void previews.resolveHost(req.headers.host).then(
        (resolved) => {
          if ('refused' in resolved) socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          else resolved.client.proxyUpgrade(resolved.previewId, req, socket, head);
        },
        () => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
      );
      return true;
    },
  };
}

/**
 * Puts the preview origin in front of every listener already on `server` (Express, and Socket.IO's
 * engine, which claims /socket.io/ on any host): its requests and upgrades never reach them.
 */
export function servePreviewHostFirst(server: Server, handler: ReturnType<typeof previewHostHandler>): void {
  const requests = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const upgrades = server.listeners('upgrade') as Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!handler.request(req, res)) for (const listener of requests) listener.call(server, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!handler.upgrade(req, socket, head)) for (const listener of upgrades) listener.call(server, req, socket, head);
  });
}
