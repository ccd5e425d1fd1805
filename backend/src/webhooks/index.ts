export { Webhooks, type WebhooksOptions } from './webhook-service';
export { WebhookDispatcher, retryDelay, type DeliverySettings } from './webhook-dispatcher';
export { WebhookRepository } from './webhook-repository';
export { buildPayload, type WebhookPayload, type WebhookInterview, type WebhookScorecard } from './webhook-payloads';
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  newWebhookSecret,
  signatureHeader,
  verifySignature,
} from './webhook-signature';
export { isPrivateAddress, parseWebhookUrl, resolveWebhookTarget } from './url-guard';
