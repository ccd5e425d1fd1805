import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { FRONTEND_URL } from '../support/env';

/**
 * How the production frontend (frontend/serve/server.mjs) sends the build's static JavaScript:
 * the brotli file written at build time to a browser that accepts br, Next's gzip to one that
 * does not, and nothing outside the build's static folder. Raw HTTP, so the bytes are the ones
 * on the wire.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function fetchRaw(path: string, acceptEncoding: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(`${FRONTEND_URL}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('static JavaScript goes out as brotli when the browser accepts it, gzip otherwise, the same code either way', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/_next/static/') && url.pathname.endsWith('.js')) scripts.push(url.pathname);
  });
  await page.goto('/sign-in');
  await expect.poll(() => scripts.length).toBeGreaterThan(0);
  const path = scripts[0]!;

  const brotli = await fetchRaw(path, 'gzip, deflate, br, zstd');
  expect(brotli.status).toBe(200);
  expect(brotli.headers['content-encoding']).toBe('br');
  expect(brotli.headers.vary).toContain('Accept-Encoding');
  expect(brotli.headers['content-type']).toContain('javascript');
  expect(brotli.headers['cache-control']).toContain('immutable');

  const gzip = await fetchRaw(path, 'gzip');
  expect(gzip.headers['content-encoding']).toBe('gzip');
  const refused = await fetchRaw(path, 'br;q=0, gzip');
  expect(refused.headers['content-encoding']).toBe('gzip');
  const plain = await fetchRaw(path, 'identity');
  expect(plain.headers['content-encoding']).toBeUndefined();

  expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
  expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
  expect(brotli.body.length).toBeLessThan(gzip.body.length);

  // Chromium itself received brotli for the page's scripts.
  const seen = await page.request.get(path, { headers: { 'accept-encoding': 'br' } });
  expect(seen.headers()['content-encoding']).toBe('br');
});

test('only files of the build are served as brotli: a path out of the static folder or a missing file is not found', async () => {
  for (const path of [
    '/_next/static/chunks/..%2F..%2FBUILD_ID.js',
    '/_next/static/chunks/%2e%2e/%2e%2e/BUILD_ID.js',
    '/_next/static/chunks/missing.js',
  ]) {
    const answer = await fetchRaw(path, 'br');
    expect(answer.status, path).toBe(404);
    expect(answer.headers['content-encoding'], path).not.toBe('br');
  }
});
