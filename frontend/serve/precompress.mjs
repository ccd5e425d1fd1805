// Brotli copies of the build's static JavaScript and CSS, written beside them (`x.js` → `x.js.br`)
// after `next build`, for serve/server.mjs to send to browsers that accept br. Next's own server
// compresses with gzip only; brotli at quality 11 is ~15 % smaller, and paid once here rather than
// on every request.
//
//   node serve/precompress.mjs   (run by `npm run build -w frontend`)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const COMPRESSIBLE = /\.(?:js|css)$/;

const staticDir = fileURLToPath(new URL('../.next/static', import.meta.url));

if (process.env.VERCEL) {
  // Vercel serves the build from its CDN, which compresses with brotli itself.
  console.log('[precompress] on Vercel: skipped (its CDN compresses)');
  process.exit(0);
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(entry.name)) yield path;
  }
}

let count = 0;
let before = 0;
let after = 0;
for (const path of files(staticDir)) {
  const source = readFileSync(path);
  const compressed = brotliCompressSync(source, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
    },
  });
  writeFileSync(`${path}.br`, compressed);
  count += 1;
  before += source.length;
  after += compressed.length;
}
console.log(`[precompress] ${count} static files: ${(before / 1000).toFixed(0)} kB → ${(after / 1000).toFixed(0)} kB brotli`);
