import type { Redis } from 'ioredis';
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';

// One round trip, atomic: count the hit and start the window on the first one.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

type IncrementCommand = (key: string, windowMs: number) => Promise<[number, number]>;

/**
 * express-rate-limit's store over Redis: every node counts a client's requests in one key per
 * limiter, so the limit holds across the cluster. Keys expire with their window.
 */
export class RedisMinuteStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private readonly increment_: IncrementCommand;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.prefix = prefix;
    if (!('pairpadMinuteHit' in redis)) redis.defineCommand('pairpadMinuteHit', { lua: INCREMENT, numberOfKeys: 1 });
    const command = (redis as unknown as Record<string, IncrementCommand>)['pairpadMinuteHit'];
    if (!command) throw new Error('ioredis did not define pairpadMinuteHit');
    this.increment_ = command.bind(redis);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [hits, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    if (hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const [totalHits, ttl] = await this.increment_(this.prefix + key, this.windowMs);
    return { totalHits, resetTime: new Date(Date.now() + ttl) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
