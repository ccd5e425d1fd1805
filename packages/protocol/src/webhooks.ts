/**
 * Webhooks over REST (admins): endpoints that receive signed POSTs when interviews are created,
 * start and end and when scorecards are submitted; their deliveries, attempts and replays.
 * The payloads and the signature are described in docs/integrations.md.
 */
import { z } from 'zod';

/** What an endpoint may subscribe to (the backend's TeamEvents). */
export const WEBHOOK_EVENT_TYPES = ['interview.created', 'interview.started', 'interview.ended', 'scorecard.submitted'] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;
/** The test ping's type: sent to one endpoint on demand, whatever it subscribes to. */
export const WEBHOOK_PING_EVENT = 'webhook.ping';

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 200;

export const WebhookIdSchema = z.string().regex(/^whe_[0-9a-f]{32}$/, 'must be a webhook id');
export const WebhookDeliveryIdSchema = z.string().regex(/^whd_[0-9a-f]{32}$/, 'must be a delivery id');

const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(WEBHOOK_URL_MAX_LENGTH, `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`);
const WebhookEventsSchema = z
  .array(WebhookEventTypeSchema)
  .min(1, 'pick at least one event')
  .refine((events) => new Set(events).size === events.length, 'lists an event twice');

/** `POST /api/webhooks`. `allowPrivate`: a loopback or private address, honoured only with WEBHOOKS_ALLOW_PRIVATE_URLS. */
export const CreateWebhookBodySchema = z.strictObject({
  url: WebhookUrlSchema,
  description: z.string().trim().max(WEBHOOK_DESCRIPTION_MAX_LENGTH).default(''),
  events: WebhookEventsSchema,
  enabled: z.boolean().default(true),
  allowPrivate: z.boolean().default(false),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

/** `PATCH /api/webhooks/:id`: any of the fields (the secret never changes). */
export const UpdateWebhookBodySchema = z
  .strictObject({
    url: WebhookUrlSchema.optional(),
    description: z.string().trim().max(WEBHOOK_DESCRIPTION_MAX_LENGTH).optional(),
    events: WebhookEventsSchema.optional(),
    enabled: z.boolean().optional(),
    allowPrivate: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'change at least one field');
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBodySchema>;

export const WebhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(WebhookEventTypeSchema),
  enabled: z.boolean(),
  allowPrivate: z.boolean(),
  /** The secret's last characters, to tell secrets apart (the whole secret is shown once, at creation). */
  secretHint: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** `POST /api/webhooks`'s answer: the signing secret, shown this once. */
export const WebhookCreatedSchema = z.object({ endpoint: WebhookEndpointSchema, secret: z.string() });
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const ListWebhooksResponseSchema = z.object({ endpoints: z.array(WebhookEndpointSchema) });
export type ListWebhooksResponse = z.infer<typeof ListWebhooksResponseSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;

export const WebhookAttemptSchema = z.object({
  attempt: z.number().int(),
  node: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  statusCode: z.number().int().nullable(),
  /** The receiver's answer, cut at WEBHOOKS_RESPONSE_MAX_BYTES. */
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** The JSON body sent (what the signature covers). */
  payload: z.string(),
  attemptList: z.array(WebhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const MAX_WEBHOOK_DELIVERIES_PAGE = 100;

/** `GET /api/webhooks/:id/deliveries?limit=&cursor=`: newest first. */
export const ListWebhookDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_WEBHOOK_DELIVERIES_PAGE).default(25),
  cursor: z.string().max(256).optional(),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuerySchema>;

export const ListWebhookDeliveriesResponseSchema = z.object({
  deliveries: z.array(WebhookDeliverySchema),
  nextCursor: z.string().nullable(),
});
export type ListWebhookDeliveriesResponse = z.infer<typeof ListWebhookDeliveriesResponseSchema>;

/** A ping or a replay: the new delivery, queued (due at once). */
export const WebhookDeliveryQueuedSchema = z.object({ deliveryId: z.string() });
export type WebhookDeliveryQueued = z.infer<typeof WebhookDeliveryQueuedSchema>;
