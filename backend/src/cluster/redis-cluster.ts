/**
 * Everything several backend nodes share through Redis, built in one place for the composition
 * root: sessions, the room relay, shared runs, live previews' records, and the Socket.IO adapter. Only used when
 * REDIS_URL is set; a single node never loads this code path.
 *
 * Connections (besides the session store's own two):
 *   commands  room appends/loads/compaction, run records, previews' records and writer lease,
 *             adapter publishes, REST rate-limit counters, health PING
 *   rooms-sub subscriber for room channels (binary messages) and the previews' status channel
 *   io-sub    subscriber for the Socket.IO adapter
 */
import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Store } from 'express-rate-limit';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { HealthCheck } from '../health/health-check';
import type { SessionStore } from '../sessions';
import { RedisMinuteStore } from './redis-minute-store';
import { RedisPreviewRegistry } from './redis-preview-registry';
import { RedisRoomSync, type RoomSyncRedis } from './redis-room-sync';
import { RedisRunStore } from './redis-run-store';
import { RedisSessionStore, redactUrl } from './redis-session-store';
import { quit } from './redis-quit';

export interface RedisClusterOptions {
  url: string;
  keyPrefix: string;
  ttlSeconds: number;
  logger: {
    info(message: string, meta?: Record<string, unknown>): unknown;
    warn(message: string, meta?: Record<string, unknown>): unknown;
  };
  /** Room compaction threshold (tests lower it). */
  compactAfterUpdates?: number;
}

export interface RedisCluster {
  store: SessionStore;
  roomSync: RedisRoomSync;
  runStore: RedisRunStore;
  /** Live previews' records, the write-through lease and status messages between nodes. */
  previews: RedisPreviewRegistry;
  /**
   * A secret every node shares (`name`: what it signs): made by the first node that asks, stored
   * in Redis without expiry, read by the others (the preview tokens' key when PREVIEW_SECRET is unset).
   */
  sharedSecret(name: string): Promise<string>;
  /** The Socket.IO Redis adapter (server-wide emits and fetchSockets across nodes); room news travels through the room relay, not through it. */
  attachAdapter(io: Server): void;
  healthCheck: HealthCheck;
  /** The shared counters of one per-minute REST limiter (sign-in, sessions, runs, API tokens). */
  minuteStore(name: string): Store;
  /**
   * Runs `task` every time Redis is back after a loss (not at the first connect), retried a few
   * times if it fails: the composition root writes back the session records of live rooms.
   */
  onReconnect(task: () => Promise<unknown>): void;
  close(): Promise<void>;
}

const RECONNECT_TASK_ATTEMPTS = 5;
const RECONNECT_TASK_RETRY_MS = 1_000;

/** Adapts an ioredis connection to what the room relay needs; scripts are cached by content. */
function roomSyncClient(redis: Redis): RoomSyncRedis {
  const names = new Map<string, string>();
  return {
    async script(lua, keys, args) {
      let name = names.get(lua);
      if (!name) {
        name = `pairpadRoom${names.size}`;
        // defineCommand uses EVALSHA and falls back to EVAL after a restarted Redis forgot it.
        redis.defineCommand(name, { lua, numberOfKeys: keys.length });
        names.set(lua, name);
      }
      // ioredis adds `<name>Buffer` (binary-safe replies) for every defined command.
      const command = (redis as unknown as Record<string, (...values: Array<string | number | Uint8Array>) => Promise<unknown>>)[
        `${name}Buffer`
      ];
      if (!command) throw new Error(`ioredis did not define ${name}`);
      return command.call(
        redis,
        ...keys,
        ...args.map((arg) => (arg instanceof Uint8Array ? Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength) : arg)),
      );
    },
    publish: (channel, message) => redis.publish(channel, message),
    async subscribe(channels) {
      if (channels.length > 0) await redis.subscribe(...channels);
    },
    async unsubscribe(channels) {
      if (channels.length > 0) await redis.unsubscribe(...channels);
    },
  };
}

export async function connectRedisCluster(options: RedisClusterOptions): Promise<RedisCluster> {
  const { logger } = options;
  // Connects first and rejects if Redis cannot be reached: a misconfigured node fails at boot.
  const store = await RedisSessionStore.connect({ ttlSeconds: options.ttlSeconds, url: options.url, keyPrefix: options.keyPrefix, logger });
  const commands = new Redis(options.url, {
    lazyConnect: true,
    // A command waits through a short outage, never for long: the relay republishes anyway.
    commandTimeout: 5_000,
    maxRetriesPerRequest: 2,
    connectionName: 'pairpad-commands',
  });
  const roomsSub = commands.duplicate({ connectionName: 'pairpad-rooms-sub' });
  const ioSub = commands.duplicate({ connectionName: 'pairpad-io-sub' });
  const clients = [commands, roomsSub, ioSub];
  let warned = false;
  for (const client of clients) {
    client.on('error', (error: Error) => {
      // One line per outage, not one per reconnect attempt.
      if (!warned) logger.warn('Redis connection error; retrying in the background', { error: error.message });
      warned = true;
    });
  }
  try {
    await Promise.all([commands.connect(), roomsSub.connect(), ioSub.connect()]);
  } catch (error) {
    for (const client of clients) client.disconnect();
    await store.close();
    throw new Error(`Could not connect to Redis at ${redactUrl(options.url)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }

  const roomSync = new RedisRoomSync({
    redis: roomSyncClient(commands),
    subscriber: roomSyncClient(roomsSub),
    keyPrefix: options.keyPrefix,
    ttlSeconds: options.ttlSeconds,
    ...(options.compactAfterUpdates ? { compactAfterUpdates: options.compactAfterUpdates } : {}),
    logger,
  });
  const previews = new RedisPreviewRegistry({ redis: commands, keyPrefix: options.keyPrefix });
  roomsSub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    const name = channel.toString();
    if (name === previews.channel) previews.handleMessage(message.toString());
    else roomSync.handleMessage(name, message);
  });
  await roomsSub.subscribe(previews.channel);
  // Registered after connect(): every 'ready' from now on is a reconnect, and what the outage
  // swallowed (pub/sub messages, maybe the keys of a Redis without persistence) is republished.
  const reconnectTasks: Array<() => Promise<unknown>> = [];
  let closing = false;
  const runReconnectTask = (task: () => Promise<unknown>, attempt = 1): void => {
    task().catch((error: unknown) => {
      if (closing) return;
      if (attempt >= RECONNECT_TASK_ATTEMPTS) logger.warn('A task after a Redis reconnect failed', { error: String(error) });
      else setTimeout(() => runReconnectTask(task, attempt + 1), RECONNECT_TASK_RETRY_MS).unref();
    });
  };
  roomsSub.on('ready', () => {
    if (warned) logger.info('Redis reconnected');
    warned = false;
    for (const task of reconnectTasks) runReconnectTask(task);
    roomSync.recover().catch((error: unknown) => logger.warn('Room recovery after a Redis reconnect failed', { error: String(error) }));
  });

  const runStore = new RedisRunStore({ redis: commands, keyPrefix: options.keyPrefix });

  return {
    store,
    roomSync,
    runStore,
    previews,
    async sharedSecret(name) {
      const key = `${options.keyPrefix}secret:${name}`;
      await commands.set(key, randomBytes(32).toString('hex'), 'NX');
      const secret = await commands.get(key);
      if (!secret) throw new Error(`Redis did not keep the shared secret ${key}`);
      return secret;
    },
    attachAdapter(io) {
      io.adapter(createAdapter(commands, ioSub, { key: `${options.keyPrefix}socket.io` }));
    },
    minuteStore: (name) => new RedisMinuteStore(commands, `${options.keyPrefix}limit:${name}:`),
    healthCheck: async () => {
      const started = Date.now();
      try {
        await Promise.race([
          commands.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
        ]);
        return {
          ok: true,
          required: true,
          details: { url: redactUrl(options.url), pingMs: Date.now() - started, sharedRooms: roomSync.roomCount },
        };
      } catch (error) {
        return {
          ok: false,
          required: true,
          details: { url: redactUrl(options.url), status: commands.status, reason: error instanceof Error ? error.message : String(error) },
        };
      }
    },
    onReconnect(task) {
      reconnectTasks.push(task);
    },
    async close() {
      closing = true;
      roomSync.close();
      await Promise.all([store.close(), ...clients.map(quit)]);
    },
  };
}
