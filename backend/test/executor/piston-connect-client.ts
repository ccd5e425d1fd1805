import WebSocket from 'ws';

/**
 * A client of Piston's /api/v2/connect written from Piston's description of it (and nothing
 * of ours): send init, then data (stdin) and signal; receive runtime, stage, data, exit,
 * error; the server closes with 4999 when the job is done.
 */

export type ServerMessage =
  | { type: 'runtime'; language: string; version: string }
  | { type: 'stage'; stage: 'compile' | 'run' }
  | { type: 'data'; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'exit'; stage: 'compile' | 'run'; code: number | null; signal: string | null; [extra: string]: unknown }
  | { type: 'error'; message: string };

export interface Closed {
  code: number;
  reason: string;
}

export class PistonConnectClient {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()) as ServerMessage);
      this.wake();
    });
    ws.on('close', () => this.wake());
  }

  /** Connects to `<baseUrl>/api/v2/connect` (http → ws). */
  static async connect(baseUrl: string, headers: Record<string, string> = {}): Promise<PistonConnectClient> {
    const client = new PistonConnectClient(new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v2/connect`, { headers }));
    await client.opened;
    return client;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  init(request: Record<string, unknown>): void {
    this.send({ type: 'init', ...request });
  }

  stdin(data: string): void {
    this.send({ type: 'data', stream: 'stdin', data });
  }

  signal(signal: string): void {
    this.send({ type: 'signal', signal });
  }

  close(): void {
    this.ws.close();
  }

  /** Everything the program printed on `stream` so far (both streams when not given). */
  output(stream?: 'stdout' | 'stderr'): string {
    return this.messages
      .filter((m): m is Extract<ServerMessage, { type: 'data' }> => m.type === 'data' && (!stream || m.stream === stream))
      .map((m) => m.data)
      .join('');
  }

  exit(stage: 'compile' | 'run'): Extract<ServerMessage, { type: 'exit' }> | undefined {
    return this.messages.find((m): m is Extract<ServerMessage, { type: 'exit' }> => m.type === 'exit' && m.stage === stage);
  }

  /** Waits until `check` holds (re-checked on every message), or fails after `timeoutMs`. */
  async until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`connection closed waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the output to contain `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void> {
    return this.until(() => this.output().includes(text), JSON.stringify(text), timeoutMs);
  }
}
