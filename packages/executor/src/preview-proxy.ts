import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Preview } from './preview';
import type { PreviewManager } from './preview-manager';
import { relayUpgrade, upgradeRequestHead } from './upgrade-relay';

/**
 * HTTP and WebSocket (Vite's HMR) proxy to a preview's dev server: `/preview/<id>/<path>` on the
 * executor → `<path>` on the dev server, through a connection its sandbox's init makes to the
 * executor's bridge socket (`Preview.connect`, the only way in; see preview-init.ts). The executor's own token never reaches the dev server, and the dev server
 * sees itself addressed as `localhost:<port>`, whatever address the browser used.
 */

export const PREVIEW_PROXY_PREFIX = '/preview/';

/** Headers of ours that stay here (the executor's token) and hop-by-hop ones Node handles. */
const DROPPED = new Set(['authorization', 'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** `/preview/<id>/rest?query` → the preview id and the dev server's path. */
export function parsePreviewPath(url: string): { id: string; path: string } | undefined {
  if (!url.startsWith(PREVIEW_PROXY_PREFIX)) return undefined;
  const rest = url.slice(PREVIEW_PROXY_PREFIX.length);
  const match = /^([0-9a-f]{16})(\/.*|\?.*)?$/.exec(rest);
  if (!match?.[1]) return undefined;
  const tail = match[2] ?? '/';
  return { id: match[1], path: tail.startsWith('?') ? `/${tail}` : tail };
}

function forwardedHeaders(req: IncomingMessage, preview: Preview): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!DROPPED.has(name) && value !== undefined) headers[name] = value;
  headers.host = `localhost:${preview.port}`;
  return headers;
}

function answer(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ message, code }));
}

/**
 * Counts one open connection to a preview (an open one keeps it from the idle stop) and marks it
 * active; the answer releases it once, however many of its close paths fire.
 */
function holdConnection(preview: Preview): () => void {
  preview.openConnections++;
  preview.lastActivity = Date.now();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    preview.openConnections--;
    preview.lastActivity = Date.now();
  };
}

/** Proxies one HTTP request; answers 404 PREVIEW_NOT_FOUND / 502 PREVIEW_UNREACHABLE itself. */
export function proxyPreviewRequest(manager: PreviewManager, req: IncomingMessage, res: ServerResponse): void {
  const target = parsePreviewPath(req.url ?? '');
  const preview = target ? manager.find(target.id) : undefined;
  if (!target || !preview || preview.state !== 'running') return answer(res, 404, 'PREVIEW_NOT_FOUND', 'No such preview is running.');
  const release = holdConnection(preview);
  res.once('close', release);
  const upstream = httpRequest(
    {
      path: target.path,
      method: req.method,
      headers: forwardedHeaders(req, preview),
      // One bridged connection per request (asked of the sandbox's init), as a unix socket was.
      createConnection: (_options, ready) => {
        preview.connect().then(
          (socket) => {
            ready(null, socket);
            // Handed over paused (see Preview.connect); the dev server says nothing before the request.
            socket.resume();
          },
          (error: Error) => ready(error, undefined as unknown as Duplex),
        );
        return undefined;
      },
    },
    (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, reply.headers);
      // A body cut short upstream ends this answer too, rather than leaving the page waiting.
      reply.once('aborted', () => res.destroy());
      reply.pipe(res);
    },
  );
  upstream.on('error', () => answer(res, 502, 'PREVIEW_UNREACHABLE', 'The preview did not answer (its dev server may be restarting).'));
  req.pipe(upstream);
}

/** Proxies a WebSocket upgrade byte for byte once the head is rewritten; false when the path is not a preview's. */
export function proxyPreviewUpgrade(manager: PreviewManager, req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
  const target = parsePreviewPath(req.url ?? '');
  if (!target) return false;
  const preview = manager.find(target.id);
  if (!preview || preview.state !== 'running') {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return true;
  }
  const headers = forwardedHeaders(req, preview);
  relayUpgrade({
    client: socket,
    upstream: preview.connect(),
    request: upgradeRequestHead(req.method ?? 'GET', target.path, req.headers.upgrade ?? 'websocket', headers),
    head,
    onEnd: holdConnection(preview),
  });
  return true;
}
