import type { Redis } from 'ioredis';
import type { RunRecord } from '@pairpad/protocol';
import type { RunStore } from '../runs';

export interface RedisRunStoreOptions {
  /** A command connection (shared with other parts is fine: the store never subscribes). */
  redis: Redis;
  /** @default 'pairpad:' */
  keyPrefix?: string;
  /** A job's status answers this long after its last change. @default 15 min, like the local queue */
  statusTtlMs?: number;
}

/*
 * Layout, for prefix P:
 *   P run:<jobId>   string: the RunRecord as JSON, PX = status TTL
 * A room's runs are not kept here: they live in the room's replicated state (the room relay).
 */

/** Jobs' status in Redis, so every node answers for every run. */
export class RedisRunStore implements RunStore {
  private readonly prefix: string;

  constructor(private readonly options: RedisRunStoreOptions) {
    this.prefix = options.keyPrefix ?? 'pairpad:';
  }

  async record(run: RunRecord): Promise<void> {
    await this.options.redis.set(this.runKey(run.jobId), JSON.stringify(run), 'PX', this.options.statusTtlMs ?? 15 * 60_000);
  }

  async get(jobId: string): Promise<RunRecord | undefined> {
    const json = await this.options.redis.get(this.runKey(jobId));
    return json ? (JSON.parse(json) as RunRecord) : undefined;
  }

  /** The connection belongs to whoever passed it in. */
  async close(): Promise<void> {}

  private runKey(jobId: string): string {
    return `${this.prefix}run:${jobId}`;
  }
}
