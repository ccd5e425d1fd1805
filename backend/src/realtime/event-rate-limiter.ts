/**
 * A token bucket per socket: `ratePerSecond` events on average, bursts up to `burst`. Typing
 * sends one Yjs update and one awareness update per keystroke, so the defaults leave room for
 * fast typists and pastes while a flood from one socket is cut off early.
 */
export class EventRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the socket is over its rate. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
