/**
 * The chaos run of issue 26, shared by the test (backend/test/scale/chaos.test.ts) and the bench
 * (bench/chaos.mjs): two real backend processes on one real redis-server (without persistence,
 * or with AOF), `rooms` rooms with one real provider per node each typing unique characters at
 * `charsPerSecond`, one node SIGKILLed and restarted every `killEveryMs`, Redis restarted once.
 * Every random choice comes from the seed, so a failing seed replays the same schedule (the
 * machine's timing still varies).
 *
 * Clients reach their node through a TCP proxy with a fixed port (the load balancer), which is
 * re-pointed at the restarted node; a killed node's clients reconnect to it by themselves.
 */
import { SocketYjsProvider } from '@pairpad/client';
import { ROOM_DOC } from '@pairpad/protocol';
import { createSession } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { seededRandom, waitFor } from '../helpers/wait-for';
import { startNode, startProxy, type BackendNode, type TcpProxy } from './cluster-harness';

export type ChaosRedisMode = 'no-persistence' | 'aof';

export interface ChaosOptions {
  seed: number;
  redis: ChaosRedisMode;
  /** How long the participants type. */
  seconds: number;
  /** @default 20 */
  rooms?: number;
  /** @default 5 */
  charsPerSecond?: number;
  /** @default 20 000 */
  killEveryMs?: number;
  /** How long Redis stays down during its restart. @default 1 000 */
  redisDownMs?: number;
  /** Progress lines (the bench prints them; the test keeps them for its failure message). */
  log?: (line: string) => void;
}

export interface NodeRestart {
  node: string;
  /** Killed at, since the start of typing. */
  atMs: number;
  /** From the SIGKILL until the restarted node answered /health. */
  restartMs: number;
  /** From the restarted node answering /health until all its clients were connected and synced. */
  resyncMs: number;
}

export interface ChaosResult {
  seed: number;
  redis: ChaosRedisMode;
  edits: number;
  missing: number;
  duplicated: number;
  /** Rooms whose two clients, or whose fresh joiner, do not hold the same text. */
  diverged: number;
  /** How the clients ended, e.g. { connected: 40 }. */
  clientStatuses: Record<string, number>;
  /** Fatal errors the clients reported (code → count). */
  fatalErrors: Record<string, number>;
  /** Non-fatal errors the clients reported (refused handshakes they retried, refused messages). */
  notices: Record<string, number>;
  restarts: NodeRestart[];
  redisRestartAtMs: number;
  /** From the end of typing until every room had converged (or the wait gave up). */
  convergeMs: number;
  /** A few examples of what went wrong, for a failure message. */
  problems: string[];
}

const CODE_POINT_BASE = 0x4e00;
/** Each client's characters: its own block of code points, so every keystroke is unique in its room. */
const BLOCK = 2_000;
/** Quiet time between one fault's recovery and the next fault. */
const FAULT_GAP_MS = 5_000;

interface Typist {
  provider: SocketYjsProvider;
  sessionId: string;
  room: number;
  node: number;
  typed: string[];
  random: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textOf = (provider: SocketYjsProvider): string => provider.doc.getText(ROOM_DOC.code).toString();

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Starts a node, retrying while it cannot (Redis briefly down, a port taken meanwhile). */
async function startNodeRetrying(name: string, redisUrl: string): Promise<BackendNode> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await startNode(name, { REDIS_URL: redisUrl });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const roomCount = options.rooms ?? 20;
  const interval = 1_000 / (options.charsPerSecond ?? 5);
  const killEveryMs = options.killEveryMs ?? 20_000;
  const durationMs = options.seconds * 1_000;
  const random = seededRandom(options.seed);
  const redisArgs = options.redis === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : [];

  let redis: TestRedisServer | undefined;
  const nodes: BackendNode[] = [];
  const proxies: TcpProxy[] = [];
  const typists: Typist[] = [];
  const joiners: SocketYjsProvider[] = [];
  const fatal: string[] = [];
  const notices: string[] = [];
  const problems: string[] = [];
  const restarts: NodeRestart[] = [];
  try {
    redis = await startRedisServer({ args: redisArgs });
    nodes.push(...(await Promise.all(['A', 'B'].map((name) => startNode(name, { REDIS_URL: redis!.url })))));
    proxies.push(...(await Promise.all(nodes.map((node) => startProxy(node.port)))));
    const connect = (node: number, sessionId: string, name: string): SocketYjsProvider => {
      const provider = new SocketYjsProvider({
        url: proxies[node]!.url,
        sessionId,
        name,
        socketOptions: { transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1_000, forceNew: true },
      });
      provider.on('error', (error) => {
        if (!error.fatal) {
          notices.push(error.code);
          return;
        }
        fatal.push(error.code);
        if (fatal.length <= 5) problems.push(`${name} refused for good at ${new Date().toISOString()}: ${error.code} ${error.message}`);
      });
      provider.on('closed', (closed) => fatal.push(`closed:${closed.reason}`));
      return provider;
    };

    for (let room = 0; room < roomCount; room++) {
      const session = await createSession(nodes[room % 2]!, { language: 'python' });
      for (const node of [0, 1]) {
        typists.push({
          provider: connect(node, session.id, `R${room}N${node}`),
          sessionId: session.id,
          room,
          node,
          typed: [],
          random: seededRandom(options.seed * 1_000 + room * 2 + node),
        });
      }
    }
    await waitFor(() => typists.every(({ provider }) => provider.synced && provider.connected), {
      timeoutMs: 60_000,
      what: 'every client synced',
    });
    log(`${typists.length} clients in ${roomCount} rooms, typing for ${options.seconds} s (seed ${options.seed}, Redis ${options.redis})`);

    // Typing: each client on its own timer, at a random place in its local copy, whatever its connection.
    const started = Date.now();
    let typing = true;
    const typingDone = Promise.all(
      typists.map(async (typist, index) => {
        await sleep(typist.random() * interval);
        while (typing) {
          const text = typist.provider.doc.getText(ROOM_DOC.code);
          const char = String.fromCharCode(CODE_POINT_BASE + (index % 2) * BLOCK + typist.typed.length);
          if (typist.typed.length >= BLOCK) throw new Error('more keystrokes than code points reserved per client');
          text.insert(Math.floor(typist.random() * (text.length + 1)), char);
          typist.typed.push(char);
          await sleep(interval);
        }
      }),
    );

    // The faults: a node killed every killEveryMs (which one drawn from the seed, so the same node
    // may go twice), Redis restarted once at a drawn moment. One fault at a time: each waits until
    // the clients are back from the previous one and FAULT_GAP_MS more, so on a slow machine the
    // schedule slips rather than piling faults up (two at once can lose a session for good
    // without persistence: docs/scaling.md); typing goes on until the last fault is over.
    const killTimes: number[] = [];
    for (let at = killEveryMs; at < durationMs; at += killEveryMs) killTimes.push(at);
    let redisAt = Math.round(durationMs * (0.3 + 0.4 * random()));
    while (killTimes.some((at) => Math.abs(at - redisAt) < 6_000)) redisAt += 1_000;
    const events = [
      ...killTimes.map((at) => ({ at, kind: 'kill' as const, node: Math.floor(random() * 2) })),
      { at: redisAt, kind: 'redis' as const, node: -1 },
    ].sort((a, b) => a.at - b.at);
    const everyoneBack = () => typists.every(({ provider }) => provider.connected && provider.synced);
    let readyAt = 0;
    for (const event of events) {
      await sleep(Math.max(0, started + event.at - Date.now(), readyAt - Date.now()));
      if (event.kind === 'redis') {
        log(`t=${((Date.now() - started) / 1000).toFixed(1)} s: Redis restart (${options.redis})`);
        await redis.restart(async () => void (await sleep(options.redisDownMs ?? 1_000)));
        readyAt = Date.now() + FAULT_GAP_MS;
        continue;
      }
      const index = event.node;
      const name = nodes[index]!.name;
      const killedAt = Date.now();
      log(`t=${((killedAt - started) / 1000).toFixed(1)} s: SIGKILL node ${name}`);
      // Nothing reaches the old port while the node is down: on a busy machine another test's
      // server may take it (and refuse our sessions as unknown).
      proxies[index]!.retarget(null);
      await nodes[index]!.kill();
      proxies[index]!.dropAll();
      nodes[index] = await startNodeRetrying(name, redis.url);
      proxies[index]!.retarget(nodes[index]!.port);
      const healthyAt = Date.now();
      try {
        await waitFor(everyoneBack, { timeoutMs: 60_000, intervalMs: 25, what: `node ${name}'s clients synced` });
        const restart = { node: name, atMs: killedAt - started, restartMs: healthyAt - killedAt, resyncMs: Date.now() - healthyAt };
        restarts.push(restart);
        log(`  node ${name} healthy after ${restart.restartMs} ms, its clients synced ${restart.resyncMs} ms later`);
      } catch (error) {
        problems.push(String(error));
      }
      readyAt = Date.now() + FAULT_GAP_MS;
    }
    await sleep(Math.max(0, started + durationMs - Date.now(), readyAt - Date.now()));
    typing = false;
    await typingDone;
    const stoppedAt = Date.now();

    // Converged: every room's two copies equal and every client connected (or give up after 60 s).
    const rooms = Array.from({ length: roomCount }, (_, room) => typists.filter((typist) => typist.room === room));
    const converged = () =>
      rooms.every(([a, b]) => a!.provider.connected && b!.provider.connected && textOf(a!.provider) === textOf(b!.provider));
    await waitFor(converged, { timeoutMs: 60_000, intervalMs: 100, what: 'convergence' }).catch(() => undefined);
    const convergeMs = Date.now() - stoppedAt;

    let missing = 0;
    let duplicated = 0;
    let diverged = 0;
    for (const [room, pair] of rooms.entries()) {
      const [a, b] = pair as [Typist, Typist];
      const joiner = connect(room % 2, a.sessionId, `Joiner${room}`);
      joiners.push(joiner);
      await waitFor(() => (joiner.connected && joiner.synced) || joiner.status === 'closed', {
        timeoutMs: 20_000,
        what: `room ${room}'s joiner synced`,
      }).catch(() => undefined);
      // The joiner has all once its text stops changing against the two copies.
      await waitFor(() => textOf(joiner) === textOf(a.provider), { timeoutMs: 5_000, what: 'joiner text' }).catch(() => undefined);
      const text = textOf(a.provider);
      const copies = [text, textOf(b.provider), textOf(joiner)];
      if (new Set(copies).size > 1) {
        diverged += 1;
        problems.push(`room ${room} diverged: lengths ${copies.map((copy) => copy.length).join('/')}`);
      }
      // Every keystroke, in each of the three copies: exactly once.
      for (const char of [...a.typed, ...b.typed]) {
        const seen = copies.map((copy) => copy.split(char).length - 1);
        if (seen.some((count) => count === 0)) {
          missing += 1;
          if (problems.length < 20)
            problems.push(`room ${room}: ${char.codePointAt(0)!.toString(16)} seen ${seen.join('/')} times (A/B/joiner)`);
        } else if (seen.some((count) => count > 1)) duplicated += 1;
      }
    }
    return {
      seed: options.seed,
      redis: options.redis,
      edits: typists.reduce((sum, typist) => sum + typist.typed.length, 0),
      missing,
      duplicated,
      diverged,
      clientStatuses: tally(typists.map(({ provider }) => `${provider.status}${provider.synced ? '' : ' (not synced)'}`)),
      fatalErrors: tally(fatal),
      notices: tally(notices),
      restarts,
      redisRestartAtMs: redisAt,
      convergeMs,
      problems,
    };
  } catch (error) {
    const outputs = nodes.map((node) => `--- ${node.name} ---\n${node.output().slice(-2_000)}`).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${outputs}`, { cause: error });
  } finally {
    for (const { provider } of typists) provider.destroy();
    for (const joiner of joiners) joiner.destroy();
    await Promise.all(nodes.map((node) => node.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await redis?.stop();
  }
}

/** One line of figures, for logs and bench/RESULTS.md. */
export function describeChaos(result: ChaosResult): string {
  const resync = result.restarts.map((restart) => restart.resyncMs);
  return [
    `seed ${result.seed}, Redis ${result.redis}: ${result.edits} edits, ${result.missing} missing, ${result.duplicated} duplicated, ${result.diverged} diverged`,
    `clients ${JSON.stringify(result.clientStatuses)}${Object.keys(result.fatalErrors).length ? `, fatal ${JSON.stringify(result.fatalErrors)}` : ''}${Object.keys(result.notices).length ? `, retried/notices ${JSON.stringify(result.notices)}` : ''}`,
    `restarts ${result.restarts.length} (clients synced ${resync.length ? `${Math.min(...resync)}–${Math.max(...resync)} ms` : 'n/a'} after the node answered)`,
    `Redis restart at ${(result.redisRestartAtMs / 1000).toFixed(0)} s, converged ${result.convergeMs} ms after typing stopped`,
  ].join('; ');
}
