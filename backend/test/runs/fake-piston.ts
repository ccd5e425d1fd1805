import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer: status, body (object → JSON, string → raw) and an optional delay. */
export interface FakeReply {
  status: number;
  body: unknown;
  delayMs?: number;
}

/**
 * A small stand-in for a real Piston at the edge of the world: it answers with bodies written
 * from PISTON.md, chosen by the request's `language`, and counts the requests it saw.
 */
export interface FakePiston {
  url: string;
  requests: { method: string; path: string; body: unknown }[];
  /** Replies for POST /api/v2/execute by `language`. */
  executeReplies: Map<string, FakeReply>;
  /** Replies for GET /api/v2/runtimes, consumed in order (the last one repeats). */
  runtimesReplies: FakeReply[];
  /** Asked first for every execute; undefined falls back to executeReplies. */
  onExecute?: (body: unknown) => FakeReply | undefined;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => resolve(text));
  });
}

export async function startFakePiston(): Promise<FakePiston> {
  const requests: FakePiston['requests'] = [];
  const executeReplies = new Map<string, FakeReply>();
  const runtimesReplies: FakeReply[] = [];
  const send = (response: ServerResponse, reply: FakeReply) => {
    const write = () => {
      if (response.destroyed) return;
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    };
    if (reply.delayMs) setTimeout(write, reply.delayMs).unref();
    else write();
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const body: unknown = raw ? JSON.parse(raw) : null;
      requests.push({ method: request.method ?? '', path: request.url ?? '', body });
      if (request.method === 'GET' && request.url === '/api/v2/runtimes') {
        const reply = runtimesReplies.length > 1 ? runtimesReplies.shift()! : runtimesReplies[0];
        return send(response, reply ?? { status: 200, body: [] });
      }
      if (request.method === 'POST' && request.url === '/api/v2/execute') {
        const language = (body as { language?: string } | null)?.language ?? '';
        return send(
          response,
          fake.onExecute?.(body) ?? executeReplies.get(language) ?? { status: 400, body: { message: `${language}-* runtime is unknown` } },
        );
      }
      send(response, { status: 404, body: { message: 'Not Found' } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Requests arrive only after listen(), when `fake` exists.
  const fake: FakePiston = {
    url: `http://127.0.0.1:${port}`,
    requests,
    executeReplies,
    runtimesReplies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A stage as Piston 3.1 reports it (PISTON.md "Response 200"). */
export function stage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stdout: '',
    stderr: '',
    output: '',
    code: 0,
    signal: null,
    message: null,
    status: null,
    cpu_time: 8,
    wall_time: 20,
    memory: 8404992,
    ...overrides,
  };
}
