// The production frontend server: Next's request handler (what `next start` runs) behind one
// addition — the build's static JavaScript and CSS (`/_next/static/…`) are sent brotli-compressed,
// from the `.br` files serve/precompress.mjs wrote at build time, to browsers that accept br.
// Everything else (pages, RSC payloads, other assets, other browsers) is Next's as before (gzip).
//
// Takes `next start`'s two options: `-p <port>` (else PORT, else 3000) and `-H <host>` (else every
// interface, as `next start`).
//
//   node serve/server.mjs -H 127.0.0.1 -p 3000   (from frontend/; `npm start -w frontend`)
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// As `next start`: production unless told otherwise (set before Next loads; it picks React's build by it).
process.env.NODE_ENV ??= 'production';
const { default: next } = await import('next');

const frontendDir = fileURLToPath(new URL('..', import.meta.url));
const staticDir = fileURLToPath(new URL('../.next/static/', import.meta.url));
const { values: options } = parseArgs({ options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } } });
const port = Number(options.port ?? process.env.PORT ?? 3000);
const hostname = options.hostname;
const STATIC_PREFIX = '/_next/static/';
const TYPES = { js: 'application/javascript; charset=UTF-8', css: 'text/css; charset=UTF-8' };

/** `br` listed in Accept-Encoding and not refused with q=0. */
export function acceptsBrotli(header) {
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name.trim() !== 'br') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The `.br` file for a static JS/CSS request, or null (then Next answers). */
function brotliFile(req) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const url = req.url ?? '';
  if (!url.startsWith(STATIC_PREFIX)) return null;
  const pathname = url.slice(STATIC_PREFIX.length).split('?')[0];
  const extension = /\.(js|css)$/.exec(pathname)?.[1];
  if (!extension || !acceptsBrotli(req.headers['accept-encoding'])) return null;
  let relative;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (relative.split('/').some((segment) => segment === '..' || segment === '') || relative.includes('\\')) return null;
  const path = `${staticDir}${relative}.br`;
  try {
    const stats = statSync(path);
    return stats.isFile() ? { path, size: stats.size, type: TYPES[extension] } : null;
  } catch {
    return null;
  }
}

const app = next({ dev: false, dir: frontendDir, hostname: hostname ?? 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  const file = brotliFile(req);
  if (!file) {
    void handle(req, res);
    return;
  }
  res.writeHead(200, {
    'Content-Type': file.type,
    'Content-Encoding': 'br',
    'Content-Length': file.size,
    Vary: 'Accept-Encoding',
    // What Next sends for /_next/static: the file names carry a content hash.
    'Cache-Control': 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') res.end();
  else
    createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res);
}).listen(port, hostname, () => {
  console.log(`▲ PairPad frontend on http://${hostname ?? 'localhost'}:${port} (static JS and CSS in brotli when accepted)`);
});
