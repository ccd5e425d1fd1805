/**
 * Several real backend processes sharing one real redis-server, and a tiny TCP proxy that plays
 * the load balancer (clients keep one fixed URL; the proxy is re-pointed from node to node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import * as Y from 'yjs';
import type { LanguageId } from '@pairpad/protocol';
import { seedUpdate } from '../../src/rooms/room';
import { waitFor } from '../helpers/wait-for';
import { TEST_ADMIN_ENV } from '../helpers/member-agent';

const backendDir = fileURLToPath(new URL('../..', import.meta.url));

/** Every backend child still running, killed if the test process exits without cleaning up. */
const children = new Set<ChildProcess>();
/** The nodes' own SQLite folders (when the test gives neither DATA_DIR nor DATABASE_URL). */
let dataRoot: string | undefined;
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
});

function ownDataDir(name: string): string {
  dataRoot ??= mkdtempSync(join(tmpdir(), 'pairpad-nodes-'));
  return mkdtempSync(join(dataRoot, `${name}-`));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface BackendNode {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Output kept for failure messages. */
  output(): string;
  /** SIGTERM and wait (SIGKILL after 10 s). Safe to call twice or after a kill. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the node dies without any cleanup. */
  kill(): Promise<void>;
}

/** `node --import tsx src/main.ts` with REDIS_URL, on its own port; resolves once /health answers 200. */
export async function startNode(name: string, env: Record<string, string>): Promise<BackendNode> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: backendDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOGS === '1' ? 'info' : 'warn',
      // Nowhere: collaboration tests run no code (the job test passes a fake Piston).
      PISTON_URL: 'http://127.0.0.1:9',
      SESSIONS_PER_MINUTE_PER_IP: '1000',
      ...(env.DATA_DIR || env.DATABASE_URL ? {} : { DATA_DIR: ownDataDir(name) }),
      ...TEST_ADMIN_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
    if (process.env.TEST_LOGS === '1') process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => {
      children.delete(child);
      resolve();
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
        return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })).status === 200;
      },
      // A process start from source (tsx) took 34 s at load 33 with the suites side by side: a start budget, polled.
      { timeoutMs: 120_000, intervalMs: 100, what: `backend ${name} healthy` },
    );
  } catch (error) {
    await end('SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${name} output ---\n${output}`);
  }
  return { name, url, port, child, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

export interface TcpProxy {
  port: number;
  url: string;
  /**
   * New connections go to this port from now on; `null` refuses them (the backend is down: its
   * old port may meanwhile belong to another process on a busy machine).
   */
  retarget(port: number | null): void;
  /** Cuts every open connection (the load balancer lost its backend). */
  dropAll(): void;
  /** Stops reading from clients: bytes they send wait in the kernel, nothing reaches the backend. */
  pauseUpstream(): void;
  close(): Promise<void>;
}

/** A TCP proxy on a fixed loopback port, forwarding to a port that can change. */
export async function startProxy(targetPort: number): Promise<TcpProxy> {
  let target: number | null = targetPort;
  let paused = false;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (target === null) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    open.add(client);
    open.add(upstream);
    if (paused) client.pause();
    client.pipe(upstream);
    upstream.pipe(client);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    retarget(next) {
      target = next;
    },
    dropAll() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    pauseUpstream() {
      paused = true;
      // Both directions of every pair are in `open`; pausing the accepted (client) side is what
      // matters, pausing the upstream side as well just freezes replies too.
      for (const socket of open) socket.pause();
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The room's document as Redis holds it (snapshot + pending updates), read directly. */
export async function documentInRedis(
  redisUrl: string,
  session: { id: string; generation: string; language: LanguageId },
  prefix = 'pairpad:',
): Promise<{ code: string; listLength: number; hasSnapshot: boolean }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const base = `${prefix}room:${session.id}:${session.generation}`;
    const [snapshot, updates] = await Promise.all([redis.getBuffer(`${base}:snapshot`), redis.lrangeBuffer(`${base}:updates`, 0, -1)]);
    const doc = new Y.Doc();
    // Every node seeds the same operations itself, so Redis holds only what came after.
    Y.applyUpdate(doc, seedUpdate(session.generation, session.language));
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const update of updates) Y.applyUpdate(doc, update);
    const code = doc.getText('code').toString();
    doc.destroy();
    return { code, listLength: updates.length, hasSnapshot: snapshot !== null };
  } finally {
    redis.disconnect();
  }
}
