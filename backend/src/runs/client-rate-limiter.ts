/**
 * A sliding-window counter per client key. express-rate-limit guards the REST route; this one
 * sits in the queue so runs started from the room (over Socket.IO) count against the same limit.
 */
export class ClientRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly options: { limit: number; windowMs: number; now: () => number }) {}

  /** Counts one hit for `key` and answers true, or answers false (and counts nothing) when over the limit. */
  tryTake(key: string): boolean {
    const now = this.options.now();
    const recent = (this.hits.get(key) ?? []).filter((time) => time > now - this.options.windowMs);
    if (recent.length >= this.options.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    // Keys of clients that went quiet are dropped now and then, so the map cannot grow without bound.
    if (this.hits.size > 10_000) this.sweep(now);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, times] of this.hits) {
      if (times.every((time) => time <= now - this.options.windowMs)) this.hits.delete(key);
    }
  }
}
