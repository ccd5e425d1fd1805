/**
 * Caps concurrent jobs and bounds the wait: at most `maxRunning` jobs at once, at most
 * `maxQueued` waiting; past that, callers get QueueFullError (503) instead of piling up.
 */

export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export interface QueueStats {
  running: number;
  queued: number;
  maxConcurrent: number;
  maxQueued: number;
  completed: number;
  rejected: number;
}

export class JobQueue {
  private running = 0;
  private completed = 0;
  private rejected = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxQueued: number,
  ) {}

  stats(): QueueStats {
    return {
      running: this.running,
      queued: this.waiting.length,
      maxConcurrent: this.maxRunning,
      maxQueued: this.maxQueued,
      completed: this.completed,
      rejected: this.rejected,
    };
  }

  /** Runs `task` when a slot frees up; the slot is released whatever the task does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxQueued) {
        this.rejected++;
        throw new QueueFullError(`The executor is busy (${this.running} jobs running, ${this.waiting.length} queued); try again shortly`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      this.completed++;
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter so nobody can overtake it.
      if (next) next();
      else this.running--;
    }
  }
}
