import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import type { SessionRecord, SessionRemovalReason } from '../sessions';
import type { SessionRemovedListener, SessionStore } from '../sessions';
import { quit } from './redis-quit';

/**
 * Where 'expired' notices come from.
 * - `keyspace`: Redis keyspace notifications (`notify-keyspace-events` with `E` and `x`).
 * - `sweep`: a periodic sweep of the expiry index, for Redis where notifications are off and
 *   CONFIG is disabled (most managed Redis).
 * - `auto`: turn notifications on with CONFIG SET; fall back to `sweep` if Redis refuses.
 */
export type ExpiryEventSource = 'auto' | 'keyspace' | 'sweep';

/** The part of a winston logger the store uses. */
export interface RedisSessionStoreLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
}

export interface RedisSessionStoreOptions {
  ttlSeconds: number;
  /** redis:// or rediss:// URL; a path (`/2`) selects the database. */
  url: string;
  /** Prefix of every key and channel. @default 'pairpad:' */
  keyPrefix?: string;
  /** @default 'auto' */
  expiryEvents?: ExpiryEventSource;
  /** How often the expiry index is swept. @default ttl / 4, between 250 ms and 5 s */
  sweepIntervalMs?: number;
  /** A command not answered within this long (Redis down or unreachable) rejects. @default 5000 */
  commandTimeoutMs?: number;
  logger?: RedisSessionStoreLogger;
  /** Clock for lastActivityAt, injectable like the memory store's. Expiry itself runs on Redis's clock. */
  now?: () => number;
  /** Extra ioredis options (TLS, retryStrategy, …); they win over the store's defaults. */
  redisOptions?: RedisOptions;
}

/*
 * Data layout, for prefix P (default 'pairpad:'):
 *   P session:<id>    hash, one field per SessionRecord field, each value JSON-encoded;
 *                     PEXPIREAT = the sliding deadline.
 *   P session-expiry  sorted set: id → the same deadline (ms, Redis clock). Lets count() and the
 *                     sweep work without KEYS or SCAN.
 *   P session-removed channel: {"reason","id","origin"} for deletes and swept expiries.
 * Every write is one Lua script, so the hash, its TTL and the index never disagree, and a key
 * that has expired is never written back to life (update and touch on a missing key do nothing).
 */

/** Reads Redis's own clock in ms: deadlines agree with key expiry whatever the nodes' clocks say. */
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: record, index. ARGV: ttl ms, id, field, value, … */
const CREATE = `${NOW_MS}
local deadline = string.format('%d', now + tonumber(ARGV[1]))
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], deadline)
redis.call('ZADD', KEYS[2], deadline, ARGV[2])
return 1`;

/** KEYS: record, index. ARGV: as CREATE. Writes only when the record is absent; returns 1 if it wrote. */
const RESTORE = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
${CREATE}`;

/** KEYS: record, index. ARGV: ttl ms, id, field, value, … Returns the record's fields, or nil if gone. */
const UPDATE = `if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
${NOW_MS}
local deadline = string.format('%d', now + tonumber(ARGV[1]))
if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
redis.call('PEXPIREAT', KEYS[1], deadline)
redis.call('ZADD', KEYS[2], deadline, ARGV[2])
return redis.call('HGETALL', KEYS[1])`;

/** KEYS: record, index. ARGV: id, channel, message. Only the call that really deleted publishes. */
const DELETE = `local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if removed == 1 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return removed`;

/** KEYS: index. Returns how many ids are live (deadline not yet passed). */
const COUNT = `${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], now, '+inf')`;

/**
 * KEYS: index. ARGV: record key prefix, channel, batch size.
 * Claims ids whose deadline passed and whose key is gone, and publishes each once; several
 * nodes may sweep, the script is atomic, so each expiry is claimed by exactly one of them.
 * Returns { ids looked at, ids claimed }.
 */
const SWEEP = `${NOW_MS}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local claimed = 0
for _, id in ipairs(ids) do
  if redis.call('EXISTS', ARGV[1] .. id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('PUBLISH', ARGV[2], cjson.encode({ reason = 'expired', id = id, origin = '' }))
    claimed = claimed + 1
  end
end
return { #ids, claimed }`;

const SCRIPTS = {
  pairpadSessionCreate: { lua: CREATE, numberOfKeys: 2 },
  pairpadSessionUpdate: { lua: UPDATE, numberOfKeys: 2 },
  pairpadSessionRestore: { lua: RESTORE, numberOfKeys: 2 },
  pairpadSessionDelete: { lua: DELETE, numberOfKeys: 2 },
  pairpadSessionCount: { lua: COUNT, numberOfKeys: 1, readOnly: true },
  pairpadSessionSweep: { lua: SWEEP, numberOfKeys: 1 },
} as const;

type Arg = string | number;
/** The client with the scripts above defined on it (ioredis adds one method per script). */
type ScriptedRedis = Redis & {
  pairpadSessionCreate(record: string, index: string, ...args: Arg[]): Promise<number>;
  pairpadSessionUpdate(record: string, index: string, ...args: Arg[]): Promise<string[] | null>;
  pairpadSessionRestore(record: string, index: string, ...args: Arg[]): Promise<number>;
  pairpadSessionDelete(record: string, index: string, ...args: Arg[]): Promise<number>;
  pairpadSessionCount(index: string): Promise<number>;
  pairpadSessionSweep(index: string, ...args: Arg[]): Promise<[number, number]>;
};

const RemovalMessageSchema = z.object({
  reason: z.enum(['expired', 'deleted']),
  id: z.string().min(1),
  /** The node that published it ('' for the sweep), so a node can skip its own deletes. */
  origin: z.string(),
});
type RemovalMessage = z.infer<typeof RemovalMessageSchema>;

const SWEEP_BATCH = 100;
const IDENTITY_FIELDS = new Set(['id', 'generation', 'createdAt']);

function toFieldArgs(values: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    if (value !== undefined) args.push(field, JSON.stringify(value));
  }
  return args;
}

function fromFields(fields: Record<string, string>): SessionRecord {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) record[field] = JSON.parse(value);
  return record as unknown as SessionRecord;
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i] as string] = pairs[i + 1] as string;
  return fields;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "redis://user:secret@host" → "redis://user:***@host", for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

/**
 * Sessions in Redis, shared by every backend node, with the same sliding TTL as the memory
 * store. `onRemoved` fires once per removal on every node: deletes are announced on a channel,
 * expiries come from keyspace notifications (or the sweep). Build it with `connect()`.
 */
export class RedisSessionStore implements SessionStore {
  readonly ttlSeconds: number;
  /** Where this node currently takes 'expired' notices from. */
  expirySource: 'keyspace' | 'sweep';
  private readonly listeners = new Set<SessionRemovedListener>();
  private readonly nodeId = randomUUID();
  private readonly recordPrefix: string;
  private readonly indexKey: string;
  private readonly channel: string;
  private readonly expiredChannel: string;
  private readonly now: () => number;
  private readonly logger: RedisSessionStoreLogger | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private healthy = true;
  private sweepWarned = false;
  private closed = false;

  private constructor(
    private readonly options: RedisSessionStoreOptions,
    private readonly redis: ScriptedRedis,
    private readonly subscriber: Redis,
  ) {
    const prefix = options.keyPrefix ?? 'pairpad:';
    this.ttlSeconds = options.ttlSeconds;
    this.recordPrefix = `${prefix}session:`;
    this.indexKey = `${prefix}session-expiry`;
    this.channel = `${prefix}session-removed`;
    this.expiredChannel = `__keyevent@${redis.options.db ?? 0}__:expired`;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.expirySource = options.expiryEvents === 'keyspace' ? 'keyspace' : 'sweep';
  }

  /** Connects (rejecting if Redis cannot be reached now), subscribes, and picks the expiry source. */
  static async connect(options: RedisSessionStoreOptions): Promise<RedisSessionStore> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      // Commands wait for a reconnect, but never for long: callers see a rejection instead.
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      maxRetriesPerRequest: 1,
      connectionName: 'pairpad-sessions',
      scripts: SCRIPTS,
      ...options.redisOptions,
    }) as ScriptedRedis;
    const subscriber = redis.duplicate({ connectionName: 'pairpad-sessions-sub' });
    const store = new RedisSessionStore(options, redis, subscriber);
    try {
      await store.start();
    } catch (error) {
      redis.disconnect();
      subscriber.disconnect();
      throw new Error(`Could not connect to Redis at ${redactUrl(options.url)}: ${describe(error)}`, { cause: error });
    }
    return store;
  }

  private async start(): Promise<void> {
    for (const [name, client] of [
      ['commands', this.redis],
      ['subscriber', this.subscriber],
    ] as const) {
      // ioredis reconnects by itself; without a listener its 'error' events would be silent.
      client.on('error', (error: Error) => this.degraded(`Redis ${name} connection error`, error));
    }
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    await Promise.all([this.redis.connect(), this.subscriber.connect()]);
    // Both channels always: which one is acted on depends on expirySource, which may change.
    await this.subscriber.subscribe(this.channel, this.expiredChannel);
    await this.chooseExpirySource();
    // A restarted Redis has forgotten CONFIG SET: check again after every reconnect.
    this.redis.on('ready', () => {
      if (this.closed) return;
      this.recovered();
      this.chooseExpirySource().catch((error: unknown) => this.degraded('Could not check Redis keyspace notifications', error));
    });
    const interval = this.options.sweepIntervalMs ?? Math.min(5_000, Math.max(250, (this.ttlSeconds * 1000) / 4));
    this.sweepTimer = setInterval(() => void this.sweep(), interval);
    this.sweepTimer.unref();
  }

  async create(record: SessionRecord): Promise<void> {
    await this.redis.pairpadSessionCreate(this.keyOf(record.id), this.indexKey, this.ttlMs, record.id, ...toFieldArgs({ ...record }));
  }

  async restore(record: SessionRecord): Promise<boolean> {
    const written = await this.redis.pairpadSessionRestore(
      this.keyOf(record.id),
      this.indexKey,
      this.ttlMs,
      record.id,
      ...toFieldArgs({ ...record, lastActivityAt: this.now() }),
    );
    return written === 1;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const fields = await this.redis.hgetall(this.keyOf(id));
    return Object.keys(fields).length > 0 ? fromFields(fields) : undefined;
  }

  async touch(id: string): Promise<SessionRecord | undefined> {
    return this.update(id, {});
  }

  async update(id: string, patch: Partial<Omit<SessionRecord, 'id' | 'generation' | 'createdAt'>>): Promise<SessionRecord | undefined> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([field]) => !IDENTITY_FIELDS.has(field)));
    const args = toFieldArgs({ ...changes, lastActivityAt: this.now() });
    const pairs = await this.redis.pairpadSessionUpdate(this.keyOf(id), this.indexKey, this.ttlMs, id, ...args);
    return pairs ? fromFields(pairsToObject(pairs)) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const message: RemovalMessage = { reason: 'deleted', id, origin: this.nodeId };
    const removed = await this.redis.pairpadSessionDelete(this.keyOf(id), this.indexKey, id, this.channel, JSON.stringify(message));
    // This node hears its own delete now rather than through the channel (which skips it).
    if (removed === 1) this.notify(id, 'deleted');
    return removed === 1;
  }

  onRemoved(listener: SessionRemovedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async count(): Promise<number> {
    return this.redis.pairpadSessionCount(this.indexKey);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.listeners.clear();
    await Promise.all([quit(this.subscriber), quit(this.redis)]);
  }

  private get ttlMs(): number {
    return this.ttlSeconds * 1000;
  }

  private keyOf(id: string): string {
    return this.recordPrefix + id;
  }

  /** Turns keyspace expiry events on if allowed (merging with flags already set); else sweeps. */
  private async chooseExpirySource(): Promise<void> {
    const wanted = this.options.expiryEvents ?? 'auto';
    if (wanted !== 'auto') return;
    try {
      const reply = (await this.redis.config('GET', 'notify-keyspace-events')) as string[];
      const flags = reply[1] ?? '';
      if (!(flags.includes('E') && (flags.includes('x') || flags.includes('A')))) {
        await this.redis.config('SET', 'notify-keyspace-events', `${flags}Ex`.replace(/(.)(?=.*\1)/g, ''));
      }
      if (this.expirySource !== 'keyspace') this.logger?.info('Session expiry notices come from Redis keyspace notifications');
      this.expirySource = 'keyspace';
    } catch (error) {
      if (this.expirySource !== 'sweep' || !this.sweepWarned) {
        this.logger?.warn('Redis refused CONFIG for keyspace notifications (managed Redis?); sweeping the session expiry index instead', {
          error: describe(error),
        });
      }
      this.sweepWarned = true;
      this.expirySource = 'sweep';
    }
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.expiredChannel) {
      if (this.expirySource === 'keyspace' && message.startsWith(this.recordPrefix)) {
        this.notify(message.slice(this.recordPrefix.length), 'expired');
      }
      return;
    }
    if (channel !== this.channel) return;
    let parsed: RemovalMessage;
    try {
      parsed = RemovalMessageSchema.parse(JSON.parse(message));
    } catch (error) {
      this.logger?.warn('Ignoring a malformed session removal message', { error: describe(error) });
      return;
    }
    if (parsed.origin === this.nodeId) return;
    // Swept expiries are acted on only by nodes not hearing them from keyspace notifications.
    if (parsed.reason === 'expired' && this.expirySource === 'keyspace') return;
    this.notify(parsed.id, parsed.reason);
  }

  /** Claims and announces expired ids. Runs on every node in both modes: it also trims the index. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      for (;;) {
        const [looked, claimed] = await this.redis.pairpadSessionSweep(this.indexKey, this.recordPrefix, this.channel, SWEEP_BATCH);
        if (looked < SWEEP_BATCH || claimed === 0) break;
      }
    } catch (error) {
      if (!this.closed) this.degraded('Session expiry sweep failed', error);
    } finally {
      this.sweeping = false;
    }
  }

  private notify(id: string, reason: SessionRemovalReason): void {
    for (const listener of this.listeners) {
      try {
        listener(id, reason);
      } catch (error) {
        // A listener's bug must not break the others, nor the Redis client that called us.
        this.logger?.warn('A session removal listener threw', { id, reason, error: describe(error) });
      }
    }
  }

  /** Logs the first problem of an outage, not every reconnect attempt. */
  private degraded(message: string, error: unknown): void {
    if (!this.healthy || this.closed) return;
    this.healthy = false;
    this.logger?.warn(`${message}; retrying in the background`, { error: describe(error) });
  }

  private recovered(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger?.info('Redis session store reconnected');
  }
}
