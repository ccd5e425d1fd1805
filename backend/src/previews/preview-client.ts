import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { relayUpgrade, upgradeRequestHead } from '@pairpad/executor';
import { AppError, type ErrorCode } from '@pairpad/protocol';

/**
 * The executor's preview API (packages/executor: preview-manager.ts and preview-proxy.ts) as the
 * backend uses it: start, write files through, stop, follow a preview's events, and proxy a
 * browser's HTTP requests and WebSocket upgrades to `/preview/<id>/…` with the executor's token.
 */

export interface PreviewTemplateFiles {
  id: string;
  title: string;
  language: string;
  entry: string;
  files: { name: string; content: string }[];
}

export type ExecutorPreviewEvent =
  | { type: 'log'; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'status'; state: 'starting' | 'running' | 'failed' | 'stopped'; code?: string; message?: string };

export interface PreviewFile {
  name: string;
  content: string;
}

/** Executor codes the room's participants see as they are; file-name refusals become VALIDATION_FAILED. */
const PASSED_THROUGH = new Set<string>([
  'PREVIEW_TEMPLATE_UNKNOWN',
  'PREVIEW_LIMIT_REACHED',
  'PREVIEW_NEVER_LISTENED',
  'PREVIEW_EXITED',
  'PREVIEW_UNAVAILABLE',
]);

export class PreviewClient {
  private readonly base: URL;

  constructor(
    /** The executor's base URL, as the pool names it (what a preview's shared record keeps). */
    readonly url: string,
    private readonly apiKey: string | undefined,
  ) {
    this.base = new URL(url);
  }

  private headers(json = false): Record<string, string> {
    return { ...(json ? { 'content-type': 'application/json' } : {}), ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) };
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(`/api/v2/pairpad/previews${path}`, this.base), {
        method,
        headers: this.headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new AppError('EXECUTOR_UNAVAILABLE', 'The code executor is not reachable; previews will work again once it is back.');
    }
    if (res.status === 204) return undefined;
    const answer = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    if (res.ok) return answer;
    if (res.status === 404 && !answer.code)
      throw new AppError('PREVIEW_UNAVAILABLE', 'This code executor offers no previews (a Piston, or an older executor).');
    const message = (answer.message ?? `The executor answered ${res.status}.`).slice(0, 2000);
    if (answer.code && PASSED_THROUGH.has(answer.code)) throw new AppError(answer.code as ErrorCode, message);
    if (answer.code === 'PREVIEW_NOT_FOUND') throw new AppError('PREVIEW_NOT_RUNNING', 'The preview is not running.');
    if (res.status === 400) throw new AppError('VALIDATION_FAILED', message);
    throw new AppError('EXECUTOR_REJECTED', message);
  }

  async template(id: string): Promise<PreviewTemplateFiles> {
    return (await this.call('GET', `/templates/${encodeURIComponent(id)}`)) as PreviewTemplateFiles;
  }

  /**
   * Starts a preview; `url` is the executor's own address when it advertises one (it sits behind a
   * balancer, such as a Kubernetes Service): the preview's later requests must go there.
   */
  async start(template: string, files: readonly PreviewFile[]): Promise<{ id: string; url?: string }> {
    const answer = (await this.call('POST', '', { template, files })) as { id: string; url?: unknown };
    const url = typeof answer.url === 'string' && /^https?:\/\/[^/?#\s]+$/.test(answer.url) ? answer.url : undefined;
    return { id: answer.id, ...(url && url !== this.url ? { url } : {}) };
  }

  async update(id: string, files: readonly PreviewFile[], deleted: readonly string[]): Promise<void> {
    await this.call('PUT', `/${id}/files`, { files, deleted });
  }

  async stop(id: string): Promise<void> {
    await this.call('DELETE', `/${id}`).catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === 'PREVIEW_NOT_RUNNING')) throw error;
    });
  }

  /**
   * Follows a preview's events until it stops or `signal` aborts; resolves when the stream ends.
   * `replay` false: only what happens from now on (a node taking over a preview already followed
   * elsewhere, whose output is in the room's console already).
   */
  async follow(id: string, onEvent: (event: ExecutorPreviewEvent) => void, signal: AbortSignal, replay = true): Promise<void> {
    const path = `/api/v2/pairpad/previews/${id}/events${replay ? '' : '?replay=0'}`;
    const res = await fetch(new URL(path, this.base), { headers: this.headers(), signal });
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          onEvent(JSON.parse(line) as ExecutorPreviewEvent);
        } catch {
          // a torn line: nothing to act on
        }
      }
    }
  }

  private forwarded(req: IncomingMessage): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'authorization' || name === 'host' || name === 'connection' || name === 'upgrade') continue;
      headers[name] = value;
    }
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    headers.host = this.base.host;
    return headers;
  }

  /** Proxies one browser request to the preview's dev server. */
  proxy(id: string, req: IncomingMessage, res: ServerResponse): void {
    const upstream = httpRequest(
      {
        hostname: this.base.hostname,
        port: this.base.port || 80,
        path: `/preview/${id}${req.url ?? '/'}`,
        method: req.method,
        headers: this.forwarded(req),
        // A connection of its own: a kept-alive one can be closed by the executor (its idle
        // timeout) just as it is reused, and a module the page imports then fails (a blank preview).
        agent: false,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.statusMessage, reply.headers);
        // Cut short on either side: the other side ends too (a half-sent body never hangs a page).
        reply.once('aborted', () => res.destroy());
        reply.pipe(res);
      },
    );
    res.once('close', () => upstream.destroy());
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The preview did not answer.');
    });
    req.pipe(upstream);
  }

  /** Proxies a WebSocket upgrade (Vite's HMR) byte for byte once the head is rewritten (the executor's relay). */
  proxyUpgrade(id: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const upstream = new Promise<Duplex>((resolve, reject) => {
      const connection = connect({ host: this.base.hostname, port: Number(this.base.port || 80) });
      connection.once('connect', () => {
        connection.off('error', reject);
        resolve(connection);
      });
      connection.once('error', reject);
    });
    relayUpgrade({
      client: socket,
      upstream,
      request: upgradeRequestHead(
        req.method ?? 'GET',
        `/preview/${id}${req.url ?? '/'}`,
        req.headers.upgrade ?? 'websocket',
        this.forwarded(req),
      ),
      head,
    });
  }
}
