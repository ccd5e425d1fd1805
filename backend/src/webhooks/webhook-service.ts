import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  AppError,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PING_EVENT,
  type CreateWebhookBody,
  type ListWebhookDeliveriesResponse,
  type UpdateWebhookBody,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from '@pairpad/protocol';
import type { TeamEvent, TeamEvents } from '../events/team-events';
import type { Logger } from '../logging/logger';
import { waitAtMost } from '../shared/wait-at-most';
import { writeAudit, type Database, type DatabaseEngine, type WebhookEndpointRow, isoOrNull } from '../store';
import { WebhookDispatcher, type DeliverySettings } from './webhook-dispatcher';
import { buildPayload, pingPayload, type PayloadSources } from './webhook-payloads';
import { newId, parseEvents, WebhookRepository, type DeliveryWithAttempts, type QueuedEvent } from './webhook-repository';
import { newWebhookSecret } from './webhook-signature';
import { parseWebhookUrl, resolveWebhookTarget, type Resolver } from './url-guard';

export interface WebhooksOptions {
  db: Kysely<Database>;
  engine: DatabaseEngine;
  settings: DeliverySettings;
  /** The interview archive, for the payloads. */
  interviews: PayloadSources['interviews'];
  /** More about a submitted scorecard for `data.scorecard` (the scorecards module, once wired). */
  scorecard?: PayloadSources['scorecard'];
  publicUrl: string;
  logger: Logger;
  userAgent: string;
  now?: () => number;
  resolve?: Resolver;
  /** This node's name in leases and attempts; default host:pid:random. */
  node?: string;
}

/** Retries of a failed enqueue (1 + 2 + … + 32 s ≈ a minute of database outage). */
const ENQUEUE_RETRIES = 6;

function endpointView(row: WebhookEndpointRow): WebhookEndpoint {
  const known = new Set<string>(WEBHOOK_EVENT_TYPES);
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: parseEvents(row.events).filter((event): event is WebhookEventType => known.has(event)),
    enabled: row.enabled === 1,
    allowPrivate: row.allow_private === 1,
    secretHint: `…${row.secret.slice(-4)}`,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function deliveryView(row: DeliveryWithAttempts): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? isoOrNull(row.next_attempt_at) : null,
    createdAt: new Date(row.created_at).toISOString(),
    deliveredAt: isoOrNull(row.delivered_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    payload: row.payload,
    attemptList: row.attemptRows.map((attempt) => ({
      attempt: attempt.attempt,
      node: attempt.node,
      startedAt: new Date(attempt.started_at).toISOString(),
      finishedAt: isoOrNull(attempt.finished_at),
      durationMs: attempt.duration_ms,
      statusCode: attempt.status_code,
      responseBody: attempt.response_body,
      error: attempt.error,
    })),
  };
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string')
      return { createdAt: value[0] as number, id: value[1] };
  } catch {
    // Falls through to the named error.
  }
  throw new AppError('VALIDATION_FAILED', 'That page cursor is not valid; start again from the first page.', { cursor: 'invalid cursor' });
}

/**
 * Webhooks, the module the composition root builds: the admin's endpoints (validated against
 * SSRF at registration), the listener that turns each TeamEvent into one queued delivery per
 * subscribed endpoint, and this node's dispatcher. Knows nothing of Express.
 */
export class Webhooks {
  readonly repository: WebhookRepository;
  readonly dispatcher: WebhookDispatcher;
  readonly node: string;
  private readonly now: () => number;
  private readonly sources: PayloadSources;
  /** Events being turned into deliveries (awaited at shutdown). */
  private readonly enqueueing = new Set<Promise<void>>();
  private closing = false;
  /**
   * Events published since the last flush began: queued together at the next turn of the event
   * loop, or, while a flush's first attempt is under way, together once it has settled.
   */
  private readonly pendingEvents: Array<{ event: TeamEvent; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** A flush's first attempt (its read of the endpoints and its insert) is under way. */
  private flushing = false;

  constructor(private readonly options: WebhooksOptions) {
    this.now = options.now ?? Date.now;
    this.node = options.node ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.repository = new WebhookRepository(options.db, options.engine);
    this.dispatcher = new WebhookDispatcher({
      repository: this.repository,
      node: this.node,
      settings: options.settings,
      logger: options.logger,
      userAgent: options.userAgent,
      now: this.now,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    this.sources = {
      interviews: options.interviews,
      publicUrl: options.publicUrl,
      memberName: async (id) =>
        (await options.db.selectFrom('members').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null,
      ...(options.scorecard ? { scorecard: options.scorecard } : {}),
    };
  }

  /**
   * Subscribes the queue to the team's events; returns the unsubscribe. Events published in the
   * same turn of the event loop are queued together (one read of the endpoints, one insert), and
   * so are those published while a flush is reading and inserting: under a burst of creates the
   * endpoints are read once per round trip, not once per event. Every read still starts after
   * its events were published (an endpoint registered before an event always receives it).
   */
  listen(events: TeamEvents): () => void {
    return events.subscribe((event) => {
      const queued = new Promise<void>((resolve, reject) => {
        this.pendingEvents.push({ event, resolve, reject });
      });
      if (this.pendingEvents.length === 1 && !this.flushing) setImmediate(() => void this.flushEvents());
      this.enqueueing.add(queued);
      void queued.catch(() => {}).finally(() => this.enqueueing.delete(queued));
      return queued;
    });
  }

  /**
   * Queues the events of one turn. A database that does not take them (down, restarting) is
   * retried with backoff (1 s, 2 s, 4 s … ENQUEUE_RETRIES times) before the events are given up
   * and the failure logged.
   */
  private async flushEvents(): Promise<void> {
    const batch = this.pendingEvents.splice(0);
    if (batch.length === 0) return;
    const events = batch.map((entry) => entry.event);
    this.flushing = true;
    for (let attempt = 0; ; attempt += 1) {
      try {
        try {
          await this.enqueueEvents(events);
        } finally {
          // Only the first attempt holds the next events back: a batch being retried with backoff
          // (database down) does not delay the ones published meanwhile.
          if (attempt === 0) this.releaseFlush();
        }
        for (const entry of batch) entry.resolve();
        return;
      } catch (error) {
        if (attempt >= ENQUEUE_RETRIES || this.closing) {
          for (const entry of batch) entry.reject(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt).unref());
      }
    }
  }

  /** The first attempt has settled: the events published meanwhile are flushed together. */
  private releaseFlush(): void {
    this.flushing = false;
    if (this.pendingEvents.length > 0) setImmediate(() => void this.flushEvents());
  }

  start(): void {
    this.dispatcher.start();
  }

  /**
   * For /health/webhooks (never required): deliveries waiting or in flight across the team, the
   * ones this node is sending, and whether this node can read the queue.
   */
  async health(): Promise<{ ok: boolean; backlog: number | null; sendingHere: number; node: string }> {
    const backlog = await this.repository.backlog().catch(() => null);
    return { ok: backlog !== null && this.dispatcher.queueReadable, backlog, sendingHere: this.dispatcher.activeCount, node: this.node };
  }

  /**
   * Shutdown, before the database closes: the events published until now are queued (the
   * archive's last writes publish some), then this node's sends stop and are handed back.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closing = true;
    await waitAtMost(Promise.allSettled([...this.enqueueing]), timeoutMs);
    await this.dispatcher.close(timeoutMs);
  }

  /** One delivery per enabled endpoint subscribed to the event; none (and no payload built) when nobody listens. */
  async enqueueEvent(event: TeamEvent): Promise<string[]> {
    return this.enqueueEvents([event]);
  }

  /** `enqueueEvent` for several events: one read of the endpoints, one read per interview, one insert per 100 deliveries. */
  async enqueueEvents(events: readonly TeamEvent[]): Promise<string[]> {
    const endpoints = await this.repository.enabledEndpoints();
    const interviews = new Map<string, ReturnType<PayloadSources['interviews']['summary']>>();
    const sources: PayloadSources = {
      ...this.sources,
      interviews: {
        summary: (id) => {
          let found = interviews.get(id);
          if (!found) interviews.set(id, (found = this.sources.interviews.summary(id)));
          return found;
        },
      },
    };
    const queued: QueuedEvent[] = [];
    for (const event of events) {
      const endpointIds = endpoints.filter((endpoint) => endpoint.events.includes(event.type)).map((endpoint) => endpoint.id);
      if (endpointIds.length === 0) continue;
      const id = newId('evt');
      const payload = JSON.stringify(await buildPayload(id, event, sources));
      queued.push({ id, type: event.type, interviewId: event.interviewId, payload, endpointIds });
    }
    if (queued.length === 0) return [];
    const ids = await this.repository.enqueue(queued, this.now());
    this.dispatcher.wake();
    return ids;
  }

  async createEndpoint(body: CreateWebhookBody, adminId: string): Promise<WebhookCreated> {
    const url = await this.checkUrl(body.url, body.allowPrivate);
    const secret = newWebhookSecret();
    const at = this.now();
    const row = await this.options.db.transaction().execute(async (trx) => {
      const created = await new WebhookRepository(trx, this.options.engine).createEndpoint(
        {
          url,
          description: body.description,
          events: body.events,
          secret,
          enabled: body.enabled,
          allowPrivate: body.allowPrivate,
          createdBy: adminId,
        },
        at,
      );
      await writeAudit(
        trx,
        { actorMemberId: adminId, action: 'webhook.create', target: created.id, details: { url, events: body.events } },
        at,
      );
      return created;
    });
    return { endpoint: endpointView(row), secret };
  }

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    return (await this.repository.listEndpoints()).map(endpointView);
  }

  async updateEndpoint(id: string, body: UpdateWebhookBody, adminId: string): Promise<WebhookEndpoint> {
    const current = await this.requireEndpoint(id);
    const allowPrivate = body.allowPrivate ?? current.allow_private === 1;
    // A new URL, or a change of the private-address leave, is checked as at registration.
    const url =
      body.url !== undefined || body.allowPrivate !== undefined ? await this.checkUrl(body.url ?? current.url, allowPrivate) : undefined;
    const at = this.now();
    const updated = await this.repository.updateEndpoint(
      id,
      {
        ...(url !== undefined ? { url } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.allowPrivate !== undefined ? { allowPrivate: body.allowPrivate } : {}),
      },
      at,
    );
    if (!updated) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint with that id.');
    await writeAudit(this.options.db, { actorMemberId: adminId, action: 'webhook.update', target: id, details: { ...body } }, at);
    return endpointView(updated);
  }

  async deleteEndpoint(id: string, adminId: string): Promise<void> {
    if (!(await this.repository.deleteEndpoint(id))) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint with that id.');
    await writeAudit(this.options.db, { actorMemberId: adminId, action: 'webhook.delete', target: id, details: {} }, this.now());
  }

  async listDeliveries(endpointId: string, query: { limit: number; cursor?: string | undefined }): Promise<ListWebhookDeliveriesResponse> {
    await this.requireEndpoint(endpointId);
    const rows = await this.repository.listDeliveries(endpointId, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      deliveries: page.map(deliveryView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /** Sends a delivery's payload again as a new delivery (same event id, fresh retry window, signed anew). */
  async replay(endpointId: string, deliveryId: string, adminId: string): Promise<string> {
    const delivery = await this.repository.getDelivery(deliveryId);
    if (!delivery || delivery.endpoint_id !== endpointId)
      throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND', 'No delivery with that id for this endpoint.');
    const at = this.now();
    const [id] = await this.repository.enqueue(
      [
        {
          id: delivery.event_id,
          type: delivery.event_type,
          interviewId: delivery.interview_id,
          payload: delivery.payload,
          endpointIds: [endpointId],
        },
      ],
      at,
    );
    if (!id) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint with that id.');
    await writeAudit(
      this.options.db,
      { actorMemberId: adminId, action: 'webhook.replay', target: deliveryId, details: { delivery: id } },
      at,
    );
    this.dispatcher.wake();
    return id;
  }

  /** Queues a `webhook.ping` to one endpoint, whatever it subscribes to. */
  async ping(endpointId: string): Promise<string> {
    await this.requireEndpoint(endpointId);
    const at = this.now();
    const eventId = newId('evt');
    const [id] = await this.repository.enqueue(
      [
        {
          id: eventId,
          type: WEBHOOK_PING_EVENT,
          interviewId: null,
          payload: JSON.stringify(pingPayload(eventId, endpointId, at)),
          endpointIds: [endpointId],
        },
      ],
      at,
    );
    if (!id) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint with that id.');
    this.dispatcher.wake();
    return id;
  }

  private async requireEndpoint(id: string): Promise<WebhookEndpointRow> {
    const row = await this.repository.getEndpoint(id);
    if (!row) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint with that id.');
    return row;
  }

  /** The URL, normalised, refused when it points at a private address without both leaves. */
  private async checkUrl(raw: string, allowPrivate: boolean): Promise<string> {
    if (allowPrivate && !this.options.settings.allowPrivateUrls) {
      throw new AppError(
        'WEBHOOK_URL_FORBIDDEN',
        'This server does not allow webhooks to private addresses (its operator can set WEBHOOKS_ALLOW_PRIVATE_URLS=true).',
        { allowPrivate: 'not allowed on this server' },
      );
    }
    const url = parseWebhookUrl(raw);
    await resolveWebhookTarget(url, allowPrivate, this.options.resolve);
    return url.toString();
  }
}
