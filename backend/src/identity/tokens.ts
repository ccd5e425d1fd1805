import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as base64url (43 characters): cookie secrets, CSRF tokens, link tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Secrets are stored as their sha256 only: a stolen database row cannot be replayed as a cookie
 * or a link. 256 random bits need no slow hash (nothing to guess), unlike passwords.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** String equality in time independent of where they differ (different lengths: false at once). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
