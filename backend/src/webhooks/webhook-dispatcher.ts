import { AppError } from '@pairpad/protocol';
import type { Logger } from '../logging/logger';
import { waitAtMost } from '../shared/wait-at-most';
import type { AttemptOutcome, ClaimedDelivery, WebhookRepository } from './webhook-repository';
import { DELIVERY_HEADER, EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { AddressAgents, sendWebhook, type WebhookResponse } from './webhook-sender';
import { parseWebhookUrl, resolveWebhookTarget, type Resolver } from './url-guard';

export interface DeliverySettings {
  timeoutMs: number;
  maxResponseBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this long since the event, a failed attempt is the last one. */
  retryForMs: number;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  /** WEBHOOKS_ALLOW_PRIVATE_URLS: the server's half of the leave (the endpoint's allow_private is the other). */
  allowPrivateUrls: boolean;
  /** Settled deliveries older than this are deleted (hourly, on every node: idempotent). */
  keepMs: number;
}

const PRUNE_EVERY_MS = 3_600_000;

export interface DispatcherOptions {
  repository: WebhookRepository;
  /** This node's name in the leases and the attempts (host:pid:random). */
  node: string;
  settings: DeliverySettings;
  logger: Logger;
  userAgent: string;
  now?: () => number;
  resolve?: Resolver;
  random?: () => number;
}

/** The delay before attempt `attempt + 1`: base · 2^(attempt−1), capped, with "equal jitter" (half of it fixed, half random). */
export function retryDelay(attempt: number, settings: Pick<DeliverySettings, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * One per node: claims due deliveries from the shared queue (leased, so no two nodes send one),
 * sends each signed, records the attempt and settles the delivery — succeeded on a 2xx, else
 * pending again after a backoff, or failed once WEBHOOKS_RETRY_FOR_MS has passed. It looks for
 * work every `pollIntervalMs`, and at once when this node enqueued something (`wake`).
 */
export class WebhookDispatcher {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly sending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  private closed = false;
  private claimFailing = false;
  private readonly settleQueue: Array<{ outcome: AttemptOutcome; resolve: () => void; reject: (error: unknown) => void }> = [];
  private settling: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly agents: AddressAgents;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.agents = new AddressAgents(options.settings.concurrency);
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.settings.pollIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    void this.prune();
    this.wake();
  }

  /** Deletes settled deliveries past WEBHOOKS_KEEP_DAYS; a failure waits for the next hour. */
  async prune(): Promise<number> {
    try {
      return await this.options.repository.pruneSettled(this.now() - this.options.settings.keepMs);
    } catch (error) {
      this.options.logger.warn('could not delete old webhook deliveries; tried again in an hour', { error: String(error) });
      return 0;
    }
  }

  /** Looks for due deliveries now (after an enqueue on this node, or a finished send). */
  wake(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  get activeCount(): number {
    return this.inFlight.size;
  }

  /** False while this node cannot read the queue (the database does not answer). */
  get queueReadable(): boolean {
    return !this.claimFailing;
  }

  /**
   * Stops claiming, aborts the sends in flight and hands their deliveries back (due at once for
   * the other nodes), waiting at most `timeoutMs`.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    for (const controller of this.inFlight.values()) controller.abort();
    await waitAtMost(Promise.allSettled([...this.sending]), timeoutMs);
    this.agents.close();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const { concurrency } = this.options.settings;
        const free = concurrency - this.inFlight.size;
        // Claims go in batches (a quarter of the slots at least) while sends are in flight: fewer round trips.
        if (free <= 0 || this.closed || (this.inFlight.size > 0 && free < Math.ceil(concurrency / 4))) break;
        const claimed = await this.claim(free);
        for (const item of claimed) this.launch(item);
        if (claimed.length === free) this.again = true;
      } while (this.again && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const { repository, node, settings, logger } = this.options;
    try {
      const claimed = await repository.claim(node, limit, this.now(), Math.max(settings.leaseMs, settings.timeoutMs + 1_000));
      if (this.claimFailing) logger.info('webhook deliveries resumed: the database answers again');
      this.claimFailing = false;
      return claimed;
    } catch (error) {
      if (!this.claimFailing) logger.warn('cannot read the webhook queue; deliveries wait and are retried', { error: String(error) });
      this.claimFailing = true;
      return [];
    }
  }

  private launch(item: ClaimedDelivery): void {
    const controller = new AbortController();
    this.inFlight.set(item.delivery.id, controller);
    const done: Promise<void> = this.deliver(item, controller.signal)
      .catch((error: unknown) => {
        this.options.logger.warn('a webhook delivery could not be recorded; its lease expires and it is sent again', {
          deliveryId: item.delivery.id,
          error: String(error),
        });
      })
      .finally(() => {
        this.inFlight.delete(item.delivery.id);
        this.sending.delete(done);
        this.wake();
      });
    this.sending.add(done);
  }

  private async deliver({ delivery, endpoint }: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const { settings } = this.options;
    const response = endpoint.enabled
      ? await this.send(delivery, endpoint, signal)
      : { statusCode: null, body: null, error: 'the endpoint is disabled', truncated: false, durationMs: 0 };
    const finishedAt = this.now();
    const succeeded = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
    const error = response.truncated
      ? `answer longer than ${settings.maxResponseBytes} bytes: the first ${settings.maxResponseBytes} were kept and reading stopped (WEBHOOKS_RESPONSE_MAX_BYTES)`
      : (response.error ?? (succeeded || response.statusCode === null ? null : `the receiver answered HTTP ${response.statusCode}`));
    const outcome: AttemptOutcome = {
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      finishedAt,
      durationMs: response.durationMs,
      statusCode: response.statusCode,
      responseBody: response.body,
      error,
      ...this.nextState(delivery, succeeded, signal.aborted, finishedAt, endpoint.enabled === 1),
    };
    await this.settle(outcome);
  }

  /** Queues an outcome for the next group commit; resolves once it is written. */
  private settle(outcome: AttemptOutcome): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settleQueue.push({ outcome, resolve, reject });
      this.settling ??= this.flushSettles();
    });
  }

  /** Writes the queued outcomes, up to 64 per transaction: a burst of answers shares one commit. */
  private async flushSettles(): Promise<void> {
    // Answers that arrive together (same turn of the event loop) go in the same transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.settleQueue.length > 0) {
      const batch = this.settleQueue.splice(0, 64);
      try {
        await this.options.repository.settle(
          this.options.node,
          batch.map((entry) => entry.outcome),
        );
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.settling = undefined;
  }

  private nextState(
    delivery: ClaimedDelivery['delivery'],
    succeeded: boolean,
    aborted: boolean,
    at: number,
    enabled: boolean,
  ): Pick<AttemptOutcome, 'status' | 'nextAttemptAt'> {
    const { settings } = this.options;
    if (succeeded) return { status: 'succeeded', nextAttemptAt: at };
    // Stopping: handed back, due at once for another node.
    if (aborted) return { status: 'pending', nextAttemptAt: at };
    if (!enabled) return { status: 'failed', nextAttemptAt: at };
    const next = at + retryDelay(delivery.attempts, settings, this.options.random);
    if (next > delivery.created_at + settings.retryForMs) return { status: 'failed', nextAttemptAt: at };
    return { status: 'pending', nextAttemptAt: next };
  }

  private async send(
    delivery: ClaimedDelivery['delivery'],
    endpoint: ClaimedDelivery['endpoint'],
    signal: AbortSignal,
  ): Promise<WebhookResponse> {
    const { settings } = this.options;
    try {
      const url = parseWebhookUrl(endpoint.url);
      // Checked again at every send: the name may resolve elsewhere now (DNS rebinding).
      const target = await resolveWebhookTarget(url, settings.allowPrivateUrls && endpoint.allow_private === 1, this.options.resolve);
      const timestamp = Math.floor(this.now() / 1000);
      return await sendWebhook({
        url,
        target,
        body: delivery.payload,
        timeoutMs: settings.timeoutMs,
        maxResponseBytes: settings.maxResponseBytes,
        signal,
        agent: this.agents.for(url, target),
        headers: {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent,
          [EVENT_HEADER]: delivery.event_type,
          [EVENT_ID_HEADER]: delivery.event_id,
          [DELIVERY_HEADER]: delivery.id,
          [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, delivery.payload, timestamp),
        },
      });
    } catch (error) {
      const message = error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
      return { statusCode: null, body: null, error: message, truncated: false, durationMs: 0 };
    }
  }
}
