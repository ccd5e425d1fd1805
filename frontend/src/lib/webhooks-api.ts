import {
  ListWebhookDeliveriesResponseSchema,
  ListWebhooksResponseSchema,
  WebhookCreatedSchema,
  WebhookDeliveryQueuedSchema,
  WebhookEndpointSchema,
  type CreateWebhookBody,
  type ListWebhookDeliveriesResponse,
  type UpdateWebhookBody,
  type WebhookCreated,
  type WebhookEndpoint,
} from '@pairpad/protocol';
import { parseResponse, request } from './api';
import type { ApiAuth } from './members-api';

const path = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

export async function listWebhooks({ apiUrl }: ApiAuth, signal?: AbortSignal): Promise<WebhookEndpoint[]> {
  return parseResponse(ListWebhooksResponseSchema, await request(apiUrl, '/api/webhooks', { signal, cache: 'no-store' })).endpoints;
}

export async function createWebhook({ apiUrl, csrfToken }: ApiAuth, body: CreateWebhookBody): Promise<WebhookCreated> {
  return parseResponse(
    WebhookCreatedSchema,
    await request(apiUrl, '/api/webhooks', { method: 'POST', body: JSON.stringify(body) }, csrfToken),
  );
}

export async function updateWebhook({ apiUrl, csrfToken }: ApiAuth, id: string, change: UpdateWebhookBody): Promise<WebhookEndpoint> {
  return parseResponse(
    WebhookEndpointSchema,
    await request(apiUrl, path(id), { method: 'PATCH', body: JSON.stringify(change) }, csrfToken),
  );
}

export async function deleteWebhook({ apiUrl, csrfToken }: ApiAuth, id: string): Promise<void> {
  await request(apiUrl, path(id), { method: 'DELETE' }, csrfToken);
}

export async function listDeliveries({ apiUrl }: ApiAuth, id: string, signal?: AbortSignal): Promise<ListWebhookDeliveriesResponse> {
  return parseResponse(
    ListWebhookDeliveriesResponseSchema,
    await request(apiUrl, `${path(id)}/deliveries?limit=50`, { signal, cache: 'no-store' }),
  );
}

export async function pingWebhook({ apiUrl, csrfToken }: ApiAuth, id: string): Promise<string> {
  return parseResponse(WebhookDeliveryQueuedSchema, await request(apiUrl, `${path(id)}/ping`, { method: 'POST' }, csrfToken)).deliveryId;
}

export async function replayDelivery({ apiUrl, csrfToken }: ApiAuth, id: string, deliveryId: string): Promise<string> {
  const answer = await request(apiUrl, `${path(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`, { method: 'POST' }, csrfToken);
  return parseResponse(WebhookDeliveryQueuedSchema, answer).deliveryId;
}
