import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './url-guard';

export interface WebhookRequest {
  url: URL;
  /** The checked address: the connection goes there, whatever DNS answers now. */
  target: ResolvedTarget;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Response bytes kept; reading stops after them (a receiver answering gigabytes costs nothing). */
  maxResponseBytes: number;
  /** Aborts the attempt (the node is stopping). */
  signal?: AbortSignal;
  /** Kept-alive connections to this very address (`AddressAgents`); none: a new connection. */
  agent?: HttpAgent;
}

/** Free kept-alive sockets close after this (under Node's http server default keep-alive of 5 s). */
const FREE_SOCKET_TIMEOUT_MS = 4_000;
/** Distinct receiver addresses whose connections are kept; past it every pool is closed and started again. */
const MAX_POOLS = 256;

/**
 * Kept-alive connections, one pool per checked address: a socket is reused only for the
 * address it was opened to, so a name that now resolves elsewhere never rides an old
 * connection, and a burst of deliveries to one receiver does not open one connection each.
 */
export class AddressAgents {
  private readonly agents = new Map<string, HttpAgent>();

  constructor(private readonly maxSockets: number) {}

  for(url: URL, target: ResolvedTarget): HttpAgent {
    const key = `${url.protocol}//${target.address}`;
    let agent = this.agents.get(key);
    if (!agent) {
      if (this.agents.size >= MAX_POOLS) this.close();
      const options = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: FREE_SOCKET_TIMEOUT_MS };
      agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

export interface WebhookResponse {
  /** Null when no answer came (refused, reset, timed out before the headers). */
  statusCode: number | null;
  /** The answer's first `maxResponseBytes`, as text. */
  body: string | null;
  /** Why it failed, in words; null for any HTTP answer that arrived whole (or was cut at the limit). */
  error: string | null;
  /** The response was longer than the limit (it was cut). */
  truncated: boolean;
  durationMs: number;
}

/** A `lookup` that answers the pinned address: TLS still checks the certificate for the URL's name. */
function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
}

/**
 * One POST to a receiver: connects to the checked address, gives up after `timeoutMs` (headers
 * and body together), keeps at most `maxResponseBytes` of the answer and then closes the
 * connection. Never follows redirects (a 3xx is a failed attempt). Never throws.
 */
export function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let settled = false;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      resolve({
        statusCode,
        body: statusCode === null ? null : Buffer.concat(chunks).toString('utf8'),
        error,
        truncated,
        durationMs: Math.round(performance.now() - started),
      });
    };
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup: pinnedLookup(request.target),
      agent: request.agent ?? false,
    });
    const timer = setTimeout(() => {
      finish(`no complete answer within ${request.timeoutMs} ms (timed out)`);
      outgoing.destroy();
    }, request.timeoutMs);
    const onAbort = () => {
      finish('the node stopped during the attempt');
      outgoing.destroy();
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('response', (response: IncomingMessage) => {
      statusCode = response.statusCode ?? null;
      response.on('data', (chunk: Buffer) => {
        const room = request.maxResponseBytes - kept;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          kept = request.maxResponseBytes;
          truncated = true;
          // Stop reading: the rest is never downloaded.
          finish(null);
          response.destroy();
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      });
      response.on('end', () => finish(null));
      response.on('error', (error) => finish(`the answer broke off: ${error.message}`));
      response.on('aborted', () => finish('the answer broke off'));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish(error.code ? `${error.code}: ${error.message}` : error.message));
    outgoing.end(request.body);
  });
}
