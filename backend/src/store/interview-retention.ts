import type { Logger } from '../logging/logger';
import type { TeamEvent } from '../events/team-events';
import type { InterviewRepository } from './interview-repository';

export interface InterviewRetentionOptions {
  interviews: InterviewRepository;
  /** RETENTION_DAYS: ended interviews older than this are deleted; 0 keeps them. */
  retentionDays: number;
  /** SESSION_TTL_SECONDS: a live interview quiet this long lost its room without an end. */
  sessionTtlSeconds: number;
  logger: Logger;
  /** `interview.ended` for each interview it ends (TeamEvents). */
  events?: { publish(event: TeamEvent): void };
  /** How often it runs. @default 1 hour */
  intervalMs?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * The database's housekeeping, on a timer that never keeps the process alive: interviews whose
 * room went away without an end are marked ended, and with RETENTION_DAYS the ended ones past it
 * are deleted (each run audited). Every node may run it: the statements are idempotent.
 */
export class InterviewRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: InterviewRetentionOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  /** One pass; errors are logged (the next pass tries again). Returns what it did. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const now = this.now();
    try {
      const ended = await this.options.interviews.endAbandonedIds(now - this.options.sessionTtlSeconds * 1000);
      for (const { id, endedAt } of ended) this.options.events?.publish({ type: 'interview.ended', interviewId: id, occurredAt: endedAt });
      if (ended.length > 0) this.options.logger.info(`marked ${ended.length} interviews ended: their rooms expired without an end`);
      if (this.options.retentionDays > 0) {
        const deleted = await this.options.interviews.deleteEndedBefore(now - this.options.retentionDays * DAY_MS, now);
        if (deleted > 0)
          this.options.logger.info(`retention: deleted ${deleted} interviews ended more than ${this.options.retentionDays} days ago`);
      }
    } catch (error) {
      this.options.logger.warn('interview housekeeping failed; it runs again later', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
