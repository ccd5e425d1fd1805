import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, in the manner of Stripe's. */
export const SIGNATURE_HEADER = 'PairPad-Signature';
/** The event's type (`interview.ended`), as GitHub's X-GitHub-Event. */
export const EVENT_HEADER = 'PairPad-Event';
/** The event's id: the same in every delivery of one event (to every endpoint, and on replay). */
export const EVENT_ID_HEADER = 'PairPad-Event-Id';
/** This delivery's id: one per event per endpoint (a replay is a new delivery). */
export const DELIVERY_HEADER = 'PairPad-Delivery';

/** Receivers should refuse a signature older than this (a replayed capture). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new endpoint's signing secret: `whsec_` + 32 random bytes (base64url). The whole string is the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The header value for `body` signed at `timestampSeconds`. */
export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, body)}`;
}

/**
 * What a receiver does (docs/integrations.md has it in Node and Python): parse `t` and every `v1`,
 * recompute over the raw body, compare in constant time, refuse an old timestamp. Used by the tests'
 * receivers, exported for anyone who embeds the backend.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value) signatures.push(value);
  }
  if (timestamp === undefined || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
