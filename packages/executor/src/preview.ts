import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { CgroupStats } from './cgroups';
import type { ExecutorLogger } from './logger';
import { PREVIEW_INIT_SOURCE } from './preview-init';
import type { PreviewTemplate } from './preview-templates';
import type { ExtraBind, Sandbox, ServiceProcess } from './sandbox';

/**
 * One preview: a template's dev server running for a room in a sandbox of its own, for as long
 * as the room uses it. States: starting → running → stopped, or starting → failed (it never
 * listened, or it exited). What it prints is kept (the last PREVIEW_LOG_BYTES) and streamed to
 * whoever listens; the executor reaches its port only through `connect()`: the sandbox's init
 * connects to the executor's bridge socket on request and pipes that connection to the port.
 */

export type PreviewState = 'starting' | 'running' | 'failed' | 'stopped';

export type PreviewEvent =
  { type: 'log'; stream: 'stdout' | 'stderr'; data: string } | { type: 'status'; state: PreviewState; code?: string; message?: string };

/** Where a preview's pieces appear inside its sandbox. */
export const PREVIEW_TOOLCHAIN_MOUNT = '/opt/pairpad-preview';
const INIT_MOUNT = '/opt/pairpad-init';
/** The bridge folder inside the sandbox: bound read-only (the sandbox connects there, writes nothing). */
export const BRIDGE_MOUNT = '/run/pairpad-preview';
const BRIDGE_NAME = 'bridge.sock';
/**
 * How long a connection the executor asked the init for may take to arrive. Generous: the init
 * shares its sandbox's CPU share with the dev server, and on a busy host a request that waits is
 * better than a page whose module failed to load (a blank preview until someone presses Reload).
 */
const BRIDGE_CONNECT_MS = 30_000;
/** Output kept for a listener that arrives later (the room's console after a reload). */
const PREVIEW_LOG_BYTES = 64 * 1024;
/**
 * CPU of a preview: half a normal process's weight against everything else on the host (runs
 * keep their turn) and at most one core, so one room's bundler cannot take the whole machine.
 */
const PREVIEW_CPU = { weight: 50, maxCores: 1 } as const;

export interface PreviewFile {
  name: string;
  content: string;
}

export interface PreviewStartOptions {
  template: PreviewTemplate;
  files: readonly PreviewFile[];
  sandbox: Sandbox;
  workDir: string;
  toolchainDir: string;
  node: { bin: string; binds: ExtraBind[] };
  limits: { memoryLimit: number; maxProcessCount: number; maxOpenFiles: number; maxFileSize: number };
  uid: number | undefined;
  gid: number | undefined;
  startTimeoutMs: number;
  logger: ExecutorLogger;
}

export class Preview {
  readonly id = randomBytes(8).toString('hex');
  readonly createdAt = Date.now();
  state: PreviewState = 'starting';
  failure: { code: string; message: string } | undefined;
  /** Last time a request went through (the idle clock), and connections open now (a page's HMR socket). */
  lastActivity = Date.now();
  openConnections = 0;
  private logs: PreviewEvent[] = [];
  private logBytes = 0;
  private readonly listeners = new Set<(event: PreviewEvent) => void>();
  private service: ServiceProcess | undefined;
  private readonly dir: string;
  private stopped: Promise<void> | undefined;
  private bridge: Server | undefined;
  /** Connections asked of the init, by id, until its socket arrives on the bridge. */
  private readonly pending = new Map<string, { resolve: (socket: Socket) => void; reject: (error: Error) => void }>();

  constructor(
    readonly template: PreviewTemplate,
    workDir: string,
    private readonly logger: ExecutorLogger,
  ) {
    this.dir = path.join(workDir, `preview-${this.id}`);
  }

  /** The executor's bridge socket on the host (what the sandbox sees at BRIDGE_MOUNT). */
  get bridgePath(): string {
    return path.join(this.dir, 'bridge', BRIDGE_NAME);
  }

  /**
   * A new connection to the dev server's port: the init is asked for one on its stdin and
   * connects to the bridge with the id first; rejects when it does not come within 30 s. The
   * socket comes paused (`pipe` or `resume` it).
   */
  connect(): Promise<Socket> {
    const stdin = this.service?.child.stdin;
    if (!stdin || stdin.destroyed || this.state === 'stopped' || this.state === 'failed')
      return Promise.reject(new Error('the preview is not running'));
    const id = randomBytes(16).toString('hex');
    return new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the preview did not connect'));
      }, BRIDGE_CONNECT_MS);
      this.pending.set(id, {
        resolve: (socket) => {
          clearTimeout(timer);
          resolve(socket);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      stdin.write(`${JSON.stringify({ t: 'open', id })}\n`);
    });
  }

  /** A connection on the bridge: its first line names the request it answers; anything else is dropped. */
  private onBridgeConnection(socket: Socket): void {
    let head = Buffer.alloc(0);
    const drop = () => socket.destroy();
    const timer = setTimeout(drop, BRIDGE_CONNECT_MS);
    socket.on('error', drop);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline < 0) {
        if (head.length > 64) drop();
        return;
      }
      socket.off('data', onData);
      clearTimeout(timer);
      const waiting = this.pending.get(head.subarray(0, newline).toString('latin1'));
      if (!waiting) return drop();
      this.pending.delete(head.subarray(0, newline).toString('latin1'));
      socket.off('error', drop);
      socket.pause();
      const rest = head.subarray(newline + 1);
      if (rest.length > 0) socket.unshift(rest);
      waiting.resolve(socket);
    };
    socket.on('data', onData);
  }

  get port(): number {
    return this.template.port;
  }

  /** The sandbox's cgroup (tests check it is empty once stopped). */
  get cgroupProcs(): readonly string[] {
    return this.service?.cgroup?.procsFiles ?? [];
  }

  view() {
    return {
      id: this.id,
      template: this.template.id,
      state: this.state,
      ...(this.failure ? { code: this.failure.code, message: this.failure.message } : {}),
      createdAt: new Date(this.createdAt).toISOString(),
    };
  }

  /** Its status and what was kept (unless `replay` is false), then every new event until `off()` is called. */
  subscribe(listener: (event: PreviewEvent) => void, replay = true): () => void {
    listener({ type: 'status', state: this.state, ...(this.failure ?? {}) });
    if (replay) for (const event of this.logs) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: PreviewEvent): void {
    if (event.type === 'log') {
      this.logs.push(event);
      this.logBytes += event.data.length;
      while (this.logBytes > PREVIEW_LOG_BYTES && this.logs.length > 1) {
        const first = this.logs.shift();
        if (first?.type === 'log') this.logBytes -= first.data.length;
      }
    }
    for (const listener of this.listeners) listener(event);
  }

  private setState(state: PreviewState, failure?: { code: string; message: string }): void {
    if (this.state === 'stopped' || this.state === 'failed') return;
    this.state = state;
    if (failure) this.failure = failure;
    this.emit({ type: 'status', state, ...(failure ?? {}) });
  }

  /** Lays the files out, starts the sandbox, and resolves once the dev server listens (or throws why not). */
  async start(options: PreviewStartOptions): Promise<void> {
    const box = path.join(this.dir, 'box');
    const init = path.join(this.dir, 'init');
    const bridgeDir = path.dirname(this.bridgePath);
    await fs.mkdir(box, { recursive: true, mode: 0o711 });
    await fs.mkdir(init, { mode: 0o755 });
    await fs.mkdir(bridgeDir, { mode: 0o755 });
    await fs.chmod(this.dir, 0o711);
    // The executor listens; only the sandbox's uid (and the executor) may connect.
    this.bridge = createServer((socket) => this.onBridgeConnection(socket));
    const bridge = this.bridge;
    await new Promise<void>((resolve, reject) => {
      bridge.once('error', reject);
      bridge.listen(this.bridgePath, () => {
        bridge.off('error', reject);
        resolve();
      });
    });
    await fs.chmod(this.bridgePath, 0o600);
    if (options.uid !== undefined) await fs.chown(this.bridgePath, options.uid, options.gid ?? options.uid);
    await fs.writeFile(path.join(init, 'init.cjs'), PREVIEW_INIT_SOURCE, { mode: 0o644 });
    for (const file of options.files) {
      const target = path.join(box, file.name);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      await fs.writeFile(target, file.content, { mode: 0o644 });
    }
    await fs.symlink(`${PREVIEW_TOOLCHAIN_MOUNT}/node_modules`, path.join(box, 'node_modules'));
    const nodeDir = path.posix.dirname(options.node.bin);
    this.service = await options.sandbox.startService({
      jobId: `preview-${this.id}`,
      argv: [options.node.bin, `${INIT_MOUNT}/init.cjs`, `${BRIDGE_MOUNT}/${BRIDGE_NAME}`, String(this.port), ...this.template.command],
      env: {
        PATH: `${nodeDir}:/usr/local/bin:/usr/bin:/bin`,
        NODE_ENV: 'development',
        PAIRPAD_PREVIEW: this.id,
        BROWSER: 'none',
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      boxSource: box,
      binds: [
        ...options.node.binds,
        { source: options.toolchainDir, target: PREVIEW_TOOLCHAIN_MOUNT },
        { source: init, target: INIT_MOUNT },
      ],
      lateBinds: [{ source: bridgeDir, target: BRIDGE_MOUNT, readOnly: true }],
      limits: options.limits,
      cpu: PREVIEW_CPU,
    });
    // bwrap copied the box from fds it already holds: the staging copy can go.
    void fs.rm(box, { recursive: true, force: true }).catch(() => undefined);
    const { child } = this.service;
    child.stdin?.on('error', () => undefined);
    let ready!: () => void;
    let failed!: (error: PreviewStartError) => void;
    const listening = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.onInitMessage(line, ready, failed);
      }
    });
    // bwrap's own complaints, and anything written before init started.
    child.stderr?.setEncoding('utf8').on('data', (data: string) => this.emit({ type: 'log', stream: 'stderr', data }));
    child.once('exit', () => {
      failed(new PreviewStartError('PREVIEW_EXITED', `The dev server exited before it listened on port ${this.port}.${this.lastLines()}`));
      if (this.state === 'running')
        this.setState('failed', { code: 'PREVIEW_EXITED', message: `The dev server exited.${this.lastLines()}` });
      void this.stop();
    });
    const timer = setTimeout(
      () =>
        failed(
          new PreviewStartError(
            'PREVIEW_NEVER_LISTENED',
            `The dev server did not listen on port ${this.port} within ${Math.round(options.startTimeoutMs / 1000)} s.${this.lastLines()}`,
          ),
        ),
      options.startTimeoutMs,
    );
    try {
      await listening;
      this.setState('running');
    } catch (error) {
      const { code, message } = error as PreviewStartError;
      this.setState('failed', { code, message });
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private onInitMessage(line: string, ready: () => void, failed: (error: PreviewStartError) => void): void {
    let message: { t?: string; s?: string; d?: string; code?: number | null; signal?: string | null; error?: string };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    if (message.t === 'log' && typeof message.d === 'string') {
      this.emit({ type: 'log', stream: message.s === 'stderr' ? 'stderr' : 'stdout', data: message.d });
    } else if (message.t === 'ready') {
      ready();
    } else if (message.t === 'exit') {
      const how = message.error ?? (message.signal ? `signal ${message.signal}` : `code ${String(message.code)}`);
      this.emit({ type: 'log', stream: 'stderr', data: `[preview] the dev server exited (${how})\n` });
      failed(
        new PreviewStartError(
          'PREVIEW_EXITED',
          `The dev server exited (${how}) before it listened on port ${this.port}.${this.lastLines()}`,
        ),
      );
    }
  }

  /** The end of what the dev server printed, for a failure's message. */
  private lastLines(): string {
    const text = this.logs
      .map((event) => (event.type === 'log' ? event.data : ''))
      .join('')
      .trim();
    return text ? ` Its last output:\n${text.split('\n').slice(-8).join('\n').slice(-1500)}` : '';
  }

  /** Write-through of changed files: each goes to the sandbox's init, which writes it in the box. */
  update(files: readonly PreviewFile[], deleted: readonly string[]): void {
    const stdin = this.service?.child.stdin;
    if (!stdin || stdin.destroyed) return;
    for (const file of files) stdin.write(`${JSON.stringify({ t: 'write', name: file.name, content: file.content })}\n`);
    for (const name of deleted) stdin.write(`${JSON.stringify({ t: 'delete', name })}\n`);
  }

  async stats(): Promise<CgroupStats | undefined> {
    return this.service?.cgroup?.stats();
  }

  /** Kills the sandbox, frees its cgroups and removes its folder (idempotent). */
  stop(reason = 'stopped'): Promise<void> {
    this.stopped ??= (async () => {
      if (this.state !== 'failed') {
        this.state = 'stopped';
        this.emit({ type: 'status', state: 'stopped', message: reason });
      }
      await this.service?.stop();
      for (const waiting of this.pending.values()) waiting.reject(new Error('the preview stopped'));
      this.pending.clear();
      // No new connection from the sandbox (it is gone); bridged ones closed with it.
      this.bridge?.close();
      await fs.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
      this.listeners.clear();
      this.logger.info('preview stopped', { preview: this.id, reason });
    })();
    return this.stopped;
  }
}

export class PreviewStartError extends Error {
  override name = 'PreviewStartError';
  constructor(
    readonly code: 'PREVIEW_NEVER_LISTENED' | 'PREVIEW_EXITED',
    message: string,
  ) {
    super(message);
  }
}
