import { Router } from 'express';
import {
  CreateWebhookBodySchema,
  ListWebhookDeliveriesQuerySchema,
  UpdateWebhookBodySchema,
  WebhookDeliveryIdSchema,
  WebhookIdSchema,
  parseOrThrow,
  type ListWebhooksResponse,
  type WebhookDeliveryQueued,
} from '@pairpad/protocol';
import type { Webhooks } from '../webhooks';
import { answerFresh } from './fresh-answer';
import { requireAdmin } from './authentication';

/** `/api/webhooks*`: the admin's endpoints, their deliveries, replays and test pings (logic in webhooks/). */
export function webhooksRoutes(webhooks: Webhooks): Router {
  const router = Router();

  router.get('/api/webhooks', async (_request, response) => {
    requireAdmin(response);
    const body: ListWebhooksResponse = { endpoints: await webhooks.listEndpoints() };
    answerFresh(response, body);
  });

  router.post('/api/webhooks', async (request, response) => {
    const admin = requireAdmin(response);
    const body = parseOrThrow(CreateWebhookBodySchema, request.body ?? {}, 'webhook');
    answerFresh(response, await webhooks.createEndpoint(body, admin.id), 201);
  });

  router.patch('/api/webhooks/:id', async (request, response) => {
    const admin = requireAdmin(response);
    const id = parseOrThrow(WebhookIdSchema, request.params.id, 'webhook id');
    const body = parseOrThrow(UpdateWebhookBodySchema, request.body ?? {}, 'webhook update');
    response.json(await webhooks.updateEndpoint(id, body, admin.id));
  });

  router.delete('/api/webhooks/:id', async (request, response) => {
    const admin = requireAdmin(response);
    const id = parseOrThrow(WebhookIdSchema, request.params.id, 'webhook id');
    await webhooks.deleteEndpoint(id, admin.id);
    response.status(204).end();
  });

  router.get('/api/webhooks/:id/deliveries', async (request, response) => {
    requireAdmin(response);
    const id = parseOrThrow(WebhookIdSchema, request.params.id, 'webhook id');
    const query = parseOrThrow(ListWebhookDeliveriesQuerySchema, request.query, 'delivery list query');
    answerFresh(response, await webhooks.listDeliveries(id, query));
  });

  router.post('/api/webhooks/:id/ping', async (request, response) => {
    requireAdmin(response);
    const id = parseOrThrow(WebhookIdSchema, request.params.id, 'webhook id');
    const queued: WebhookDeliveryQueued = { deliveryId: await webhooks.ping(id) };
    response.status(202).json(queued);
  });

  router.post('/api/webhooks/:id/deliveries/:deliveryId/replay', async (request, response) => {
    const admin = requireAdmin(response);
    const id = parseOrThrow(WebhookIdSchema, request.params.id, 'webhook id');
    const deliveryId = parseOrThrow(WebhookDeliveryIdSchema, request.params.deliveryId, 'delivery id');
    const queued: WebhookDeliveryQueued = { deliveryId: await webhooks.replay(id, deliveryId, admin.id) };
    response.status(202).json(queued);
  });

  return router;
}
