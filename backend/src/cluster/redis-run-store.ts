import type { Redis } from 'ioredis';
import { RUN_HISTORY_LIMIT, type RunRecord } from '@pairpad/protocol';
import type { RunStore } from '../runs';

export interface RedisRunStoreOptions {
  /** A command connection (shared with other parts is fine: the store never subscribes). */
  redis: Redis;
  /** @default 'pairpad:' */
  keyPrefix?: string;
  /** A job's status answers this long after its last change. @default 15 min, like the local queue */
  statusTtlMs?: number;
  /** A room's history lives as long as an idle session (the session TTL). */
  historyTtlMs: number;
  /** @default RUN_HISTORY_LIMIT */
  historyLimit?: number;
}

/*
 * Layout, for prefix P:
 *   P run:<jobId>            string: the RunRecord as JSON, PX = status TTL
 *   P runs:<sessionId>       hash jobId → RunRecord JSON (the room's history)
 *   P runs:<sessionId>:order list of jobIds, newest first, trimmed to the history limit
 */

/** KEYS: run, history, order. ARGV: jobId, json, state, status ttl, history ttl, limit. */
const RECORD = `redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
if ARGV[3] == 'queued' and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  redis.call('LPUSH', KEYS[3], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  while redis.call('LLEN', KEYS[3]) > tonumber(ARGV[6]) do
    redis.call('HDEL', KEYS[2], redis.call('RPOP', KEYS[3]))
  end
elseif redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  -- A later state of a run the history no longer has (its room was forgotten) must not revive it.
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
return 1`;

/** KEYS: history, order. */
const LIST = `local ids = redis.call('LRANGE', KEYS[2], 0, -1)
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ids))`;

/** Jobs' status and rooms' run history in Redis, so every node answers for every run. */
export class RedisRunStore implements RunStore {
  private readonly prefix: string;

  constructor(private readonly options: RedisRunStoreOptions) {
    this.prefix = options.keyPrefix ?? 'pairpad:';
  }

  async record(run: RunRecord): Promise<void> {
    await this.options.redis.eval(
      RECORD,
      3,
      this.runKey(run.jobId),
      this.historyKey(run.sessionId),
      this.orderKey(run.sessionId),
      run.jobId,
      JSON.stringify(run),
      run.state,
      this.options.statusTtlMs ?? 15 * 60_000,
      this.options.historyTtlMs,
      this.options.historyLimit ?? RUN_HISTORY_LIMIT,
    );
  }

  async get(jobId: string): Promise<RunRecord | undefined> {
    const json = await this.options.redis.get(this.runKey(jobId));
    return json ? (JSON.parse(json) as RunRecord) : undefined;
  }

  async list(sessionId: string): Promise<RunRecord[]> {
    const reply = (await this.options.redis.eval(LIST, 2, this.historyKey(sessionId), this.orderKey(sessionId))) as Array<string | null>;
    return reply.filter((json): json is string => typeof json === 'string').map((json) => JSON.parse(json) as RunRecord);
  }

  async forget(sessionId: string): Promise<void> {
    await this.options.redis.del(this.historyKey(sessionId), this.orderKey(sessionId));
  }

  /** The connection belongs to whoever passed it in. */
  async close(): Promise<void> {}

  private runKey(jobId: string): string {
    return `${this.prefix}run:${jobId}`;
  }

  private historyKey(sessionId: string): string {
    return `${this.prefix}runs:${sessionId}`;
  }

  private orderKey(sessionId: string): string {
    return `${this.prefix}runs:${sessionId}:order`;
  }
}
