import { booleanFlag, positiveInt } from './setting-schemas';

/** Webhook delivery settings (part of SETTINGS; what webhooks send and how: docs/integrations.md). */
export const WEBHOOK_SETTINGS = {
  WEBHOOKS_ALLOW_PRIVATE_URLS: {
    schema: booleanFlag('WEBHOOKS_ALLOW_PRIVATE_URLS', false),
    doc: 'true: an admin may register a webhook on a loopback, private, link-local or CGNAT address by ticking "allow private address" (a receiver on the same network). false: such URLs are refused at registration and at every send (against SSRF).',
  },
  WEBHOOKS_TIMEOUT_MS: {
    schema: positiveInt.max(60_000).default(10_000),
    doc: 'How long one delivery attempt may take, connection to the last byte of the answer; then it counts as failed and is retried.',
  },
  WEBHOOKS_RESPONSE_MAX_BYTES: {
    schema: positiveInt.max(1_048_576).default(65_536),
    doc: "Bytes of a receiver's answer kept with the attempt; reading stops there (a receiver answering gigabytes costs nothing).",
  },
  WEBHOOKS_RETRY_BASE_MS: {
    schema: positiveInt.default(30_000),
    doc: 'First retry delay after a failed attempt; it doubles each time (with jitter: half to all of it), up to WEBHOOKS_RETRY_MAX_MS.',
  },
  WEBHOOKS_RETRY_MAX_MS: { schema: positiveInt.default(3_600_000), doc: 'Longest delay between two attempts of one delivery.' },
  WEBHOOKS_RETRY_FOR_MS: {
    schema: positiveInt.default(86_400_000),
    doc: 'A delivery is retried this long after its event (24 h), then marked failed; an admin can replay it.',
  },
  WEBHOOKS_CONCURRENCY: {
    schema: positiveInt.max(256).default(16),
    doc: 'Deliveries one node sends at once (each holds a connection to a receiver).',
  },
  WEBHOOKS_POLL_MS: {
    schema: positiveInt.default(1_000),
    doc: "How often a node looks for due deliveries (retries, other nodes' events, a dead node's leases); its own events are sent at once.",
  },
  WEBHOOKS_LEASE_MS: {
    schema: positiveInt.default(30_000),
    doc: 'How long a node holds a delivery it is sending (at least WEBHOOKS_TIMEOUT_MS + 1 s is used): if the node dies, another one sends it after this.',
  },
  WEBHOOKS_KEEP_DAYS: {
    schema: positiveInt.default(30),
    doc: "Succeeded and failed deliveries (payload, attempts, answers) are deleted this many days after their event (hourly); an interview's deliveries also go when it is deleted or erased.",
  },
} as const;
