import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SocketYjsProvider } from '@pairpad/client';
import WebSocket from 'ws';
import { docker, pollUntil } from './docker';

/**
 * A room as a browser uses it, against a backend container: a real Socket.IO client (the
 * frontend's own provider) for the room, and the preview origin reached through the
 * container's published port with the Host header a browser sends for `<token>.<PREVIEW_ORIGIN host>`
 * (what an operator's wildcard DNS name and proxy deliver).
 */

/** Joins a room over the websocket transport, as the room page does; waits until it is synced. */
export async function joinRoom(api: string, sessionId: string, name: string, token?: string): Promise<SocketYjsProvider> {
  const provider = new SocketYjsProvider({
    url: api,
    sessionId,
    name,
    ...(token ? { token } : {}),
    // A preview's start waits for its dev server (PREVIEW_START_TIMEOUT): longer than the default 10 s.
    ackTimeoutMs: 120_000,
    socketOptions: { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500, forceNew: true },
  });
  await pollUntil('the room to sync', 30_000, async () => (provider.synced && provider.status === 'connected' ? true : undefined), 100);
  return provider;
}

/** GET `path` of a preview at `address` (`http://<token>.preview.localhost:5000/`), sent to the published port `api`. */
export function previewGet(api: string, address: string, path = '/'): Promise<{ status: number; text: string }> {
  const target = new URL(api);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path, headers: { host: new URL(address).host }, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on the preview timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until the preview serves `pattern` at `path` (an edit went through, a reloader restarted). */
export function previewServes(api: string, address: string, path: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return pollUntil(
    `the preview to serve ${pattern} at ${path}`,
    timeoutMs,
    async () => {
      const page = await previewGet(api, address, path);
      return page.status === 200 && pattern.test(page.text) ? page.text : undefined;
    },
    250,
  );
}

/**
 * A WebSocket to the preview (Vite's HMR socket), through the published port with the preview's
 * Host; `messages` collects every message from the first (which may arrive with the upgrade's answer).
 */
export async function previewSocket(
  api: string,
  address: string,
  path: string,
  protocol: string,
): Promise<{ socket: WebSocket; messages: string[] }> {
  const target = new URL(api);
  const socket = new WebSocket(`ws://${target.host}${path}`, protocol, { headers: { host: new URL(address).host } });
  const messages: string[] = [];
  socket.on('message', (data: Buffer) => messages.push(String(data)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`the upgrade was answered ${res.statusCode}`)));
  });
  return { socket, messages };
}

/** The command lines of the container's processes (`docker top`: seen from the host, not from inside). */
export async function processesOf(container: string): Promise<string[]> {
  const top = await docker(['top', container, '-eo', 'pid,args']);
  return top.stdout
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^\d+\s+/, ''))
    .filter(Boolean);
}

/** Waits until no process of the container matches `pattern`; answers what matched last when some still do. */
export async function noProcessLeft(container: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  let left: string[] = [];
  await pollUntil(
    `no process matching ${pattern} in ${container}`,
    timeoutMs,
    async () => {
      left = (await processesOf(container)).filter((line) => pattern.test(line));
      return left.length === 0 ? true : undefined;
    },
    250,
  ).catch((error: Error) => assert.fail(`${error.message}: ${left.join(' | ')}`));
}
