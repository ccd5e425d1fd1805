import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RoomPreviews } from '../previews';

/**
 * The preview origin's adapter: a request whose Host is `<token>.<PREVIEW_ORIGIN host>` is a
 * preview's, answered here before Express and Socket.IO see it: the token is checked (signed,
 * unexpired, for a preview that runs now) and the request proxied to the executor; anything else
 * with that suffix is refused 403 PREVIEW_TOKEN_INVALID. Nothing of PairPad's own is served on
 * that origin (no API, no cookies), so the candidate's app cannot reach them.
 */
export function previewHostHandler(previews: RoomPreviews) {
  return {
    /** True when the request was a preview's (answered or proxied). */
    request(req: IncomingMessage, res: ServerResponse): boolean {
      const resolved = previews.resolveHost(req.headers.host);
      if (!resolved) return false;
      if ('refused' in resolved) {
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: { code: 'PREVIEW_TOKEN_INVALID', message: resolved.refused } }));
        return true;
      }
      previews.proxy(resolved.previewId, req, res);
      return true;
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const resolved = previews.resolveHost(req.headers.host);
      if (!resolved) return false;
      if ('refused' in resolved) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      previews.proxyUpgrade(resolved.previewId, req, socket, head);
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
