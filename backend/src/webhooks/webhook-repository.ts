import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, DatabaseEngine, WebhookAttemptRow, WebhookDeliveryRow, WebhookDeliveryStatus, WebhookEndpointRow } from '../store';

export interface NewEndpoint {
  url: string;
  description: string;
  events: readonly string[];
  secret: string;
  enabled: boolean;
  allowPrivate: boolean;
  createdBy: string | null;
}

export interface EndpointChange {
  url?: string;
  description?: string;
  events?: readonly string[];
  enabled?: boolean;
  allowPrivate?: boolean;
}

/** A delivery claimed by this node, with what sending it needs. */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryRow;
  endpoint: Pick<WebhookEndpointRow, 'id' | 'url' | 'secret' | 'allow_private' | 'enabled'>;
}

/** The outcome of one attempt, settled with the delivery's next state. */
export interface AttemptOutcome {
  deliveryId: string;
  /** The attempt's number (the delivery's `attempts` after the claim). */
  attempt: number;
  finishedAt: number;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  /** succeeded, failed (gave up), or pending again at `nextAttemptAt`. */
  status: Exclude<WebhookDeliveryStatus, 'delivering'>;
  nextAttemptAt: number;
}

/** An event to queue: its id, type, interview (null for a ping), the body, and the endpoints it goes to. */
export interface QueuedEvent {
  id: string;
  type: string;
  interviewId: string | null;
  payload: string;
  endpointIds: readonly string[];
}

export interface DeliveryWithAttempts extends WebhookDeliveryRow {
  attemptRows: WebhookAttemptRow[];
}

export const newId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '')}`;

const ABANDONED = 'the node sending it stopped before it finished (its lease expired; another node took the delivery)';

/**
 * The webhook tables, on SQLite and PostgreSQL alike. The queue is claimed with a lease:
 * `claimed_by` + `claimed_until`; a row is due when pending and `next_attempt_at` has come, or
 * when it is `delivering` under a lease that expired (its node died). PostgreSQL claims with
 * `FOR UPDATE SKIP LOCKED` (nodes never wait for each other and never take the same row); SQLite
 * (one node) with one conditional UPDATE. Settling an attempt is conditional on still holding the
 * lease, so a node that lost it changes nothing but its attempt's record.
 */
export class WebhookRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: DatabaseEngine,
  ) {}

  async createEndpoint(input: NewEndpoint, at: number): Promise<WebhookEndpointRow> {
    const row: WebhookEndpointRow = {
      id: newId('whe'),
      url: input.url,
      description: input.description,
      events: JSON.stringify(input.events),
      secret: input.secret,
      enabled: input.enabled ? 1 : 0,
      allow_private: input.allowPrivate ? 1 : 0,
      created_by: input.createdBy,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('webhook_endpoints').values(row).execute();
    return row;
  }

  listEndpoints(): Promise<WebhookEndpointRow[]> {
    return this.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  }

  async getEndpoint(id: string): Promise<WebhookEndpointRow | null> {
    return (await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async updateEndpoint(id: string, change: EndpointChange, at: number): Promise<WebhookEndpointRow | null> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({
        updated_at: at,
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.events !== undefined ? { events: JSON.stringify(change.events) } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled ? 1 : 0 } : {}),
        ...(change.allowPrivate !== undefined ? { allow_private: change.allowPrivate ? 1 : 0 } : {}),
      })
      .where('id', '=', id)
      .execute();
    return this.getEndpoint(id);
  }

  /** Deletes the endpoint and its deliveries (a delivery in flight settles into nothing). */
  async deleteEndpoint(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * One delivery per enabled endpoint subscribed to `eventType` (or only `endpointId`, for a
   * ping or a replay), due at once. Returns the delivery ids.
   */
  /** Every enabled endpoint with the events it subscribes to. */
  async enabledEndpoints(): Promise<Array<{ id: string; events: string[] }>> {
    const endpoints = await this.db.selectFrom('webhook_endpoints').select(['id', 'events']).where('enabled', '=', 1).execute();
    return endpoints.map((endpoint) => ({ id: endpoint.id, events: parseEvents(endpoint.events) }));
  }

  /**
   * One delivery of each event per endpoint it names, due at once, in one statement per 100
   * rows (a burst of events is one write). Returns the delivery ids, in order.
   */
  async enqueue(events: readonly QueuedEvent[], at: number): Promise<string[]> {
    const rows = events.flatMap((event) =>
      event.endpointIds.map((endpointId) => ({
        id: newId('whd'),
        endpoint_id: endpointId,
        event_id: event.id,
        event_type: event.type,
        interview_id: event.interviewId,
        payload: event.payload,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
      })),
    );
    for (let start = 0; start < rows.length; start += 100) {
      await this.db
        .insertInto('webhook_deliveries')
        .values(rows.slice(start, start + 100))
        .execute();
    }
    return rows.map((row) => row.id);
  }

  /** Claims up to `limit` due deliveries for `node` until `at + leaseMs`; counts the attempt. */
  async claim(node: string, limit: number, at: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const claimed =
      this.engine === 'postgres' ? await this.claimLocked(node, limit, at, leaseMs) : await this.claimOnce(node, limit, at, leaseMs);
    if (claimed.length === 0) return [];
    const ids = claimed.map((row) => row.id);
    // An attempt left unfinished by a node that died: say so, once the delivery is taken over.
    await this.db
      .updateTable('webhook_attempts')
      .set({ finished_at: at, error: ABANDONED })
      .where('delivery_id', 'in', ids)
      .where('finished_at', 'is', null)
      .execute();
    // This node's attempts begin now (one row each, finished when settled).
    await this.db
      .insertInto('webhook_attempts')
      .values(claimed.map((row) => ({ delivery_id: row.id, attempt: row.attempts, node, started_at: at })))
      .execute();
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'secret', 'allow_private', 'enabled'])
      .where('id', 'in', [...new Set(claimed.map((row) => row.endpoint_id))])
      .execute();
    const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
    return claimed.flatMap((delivery) => {
      const endpoint = byId.get(delivery.endpoint_id);
      return endpoint ? [{ delivery, endpoint }] : [];
    });
  }

  private dueFilter(db: Kysely<Database>, at: number) {
    return db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]),
          eb.and([eb('status', '=', 'delivering'), eb('claimed_until', '<', at)]),
        ]),
      )
      .orderBy('next_attempt_at', 'asc');
  }

  /** PostgreSQL: lock due rows other nodes have not locked, take them, in one transaction. */
  private claimLocked(node: string, limit: number, at: number, leaseMs: number): Promise<WebhookDeliveryRow[]> {
    return this.db.transaction().execute(async (trx) => {
      const due = await this.dueFilter(trx, at).limit(limit).forUpdate().skipLocked().execute();
      if (due.length === 0) return [];
      return trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({ status: 'delivering', claimed_by: node, claimed_until: at + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .returningAll()
        .execute();
    });
  }

  /** SQLite: one statement, atomic under SQLite's single writer. */
  private claimOnce(node: string, limit: number, at: number, leaseMs: number): Promise<WebhookDeliveryRow[]> {
    return this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ status: 'delivering', claimed_by: node, claimed_until: at + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', this.dueFilter(this.db, at).limit(limit))
      .returningAll()
      .execute();
  }

  /**
   * Records attempts and, for each delivery `node` still holds, its next state: several
   * outcomes in one transaction (one commit for a burst of answers). Answers the ids whose lease
   * was lost (their state is left to the node that holds them now).
   */
  async settle(node: string, outcomes: readonly AttemptOutcome[]): Promise<string[]> {
    if (outcomes.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const lost: string[] = [];
      for (const outcome of outcomes) {
        await trx
          .updateTable('webhook_attempts')
          .set({
            finished_at: outcome.finishedAt,
            duration_ms: outcome.durationMs,
            status_code: outcome.statusCode,
            response_body: outcome.responseBody,
            error: outcome.error,
          })
          .where('delivery_id', '=', outcome.deliveryId)
          .where('attempt', '=', outcome.attempt)
          .where('node', '=', node)
          .execute();
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: outcome.status,
            next_attempt_at: outcome.nextAttemptAt,
            claimed_by: null,
            claimed_until: null,
            last_status_code: outcome.statusCode,
            last_response: outcome.responseBody,
            last_error: outcome.error,
            ...(outcome.status === 'succeeded' ? { delivered_at: outcome.finishedAt } : {}),
          })
          .where('id', '=', outcome.deliveryId)
          .where('status', '=', 'delivering')
          .where('claimed_by', '=', node)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) lost.push(outcome.deliveryId);
      }
      return lost;
    });
  }

  /** Hands deliveries back (the node is stopping): due at once, for any node. */
  async release(deliveryIds: readonly string[], node: string, at: number): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', claimed_by: null, claimed_until: null, next_attempt_at: at })
      .where('id', 'in', deliveryIds)
      .where('status', '=', 'delivering')
      .where('claimed_by', '=', node)
      .execute();
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRow | null> {
    return (await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** An endpoint's newest deliveries with their attempts (oldest attempt first). */
  async listDeliveries(endpointId: string, limit: number, before?: { createdAt: number; id: string }): Promise<DeliveryWithAttempts[]> {
    let select = this.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
    if (before) select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.createdAt, before.id)));
    const deliveries = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    if (deliveries.length === 0) return [];
    const attempts = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where(
        'delivery_id',
        'in',
        deliveries.map((delivery) => delivery.id),
      )
      .orderBy('attempt', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return deliveries.map((delivery) => ({ ...delivery, attemptRows: attempts.filter((attempt) => attempt.delivery_id === delivery.id) }));
  }

  /** Deletes settled (succeeded or failed) deliveries created before `before`, with their attempts. */
  async pruneSettled(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['succeeded', 'failed'])
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** How many deliveries are waiting or in flight (health, the bench). */
  async backlog(): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', 'in', ['pending', 'delivering'])
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

export function parseEvents(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
