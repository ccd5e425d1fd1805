import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What the browser carries from the start of a sign-in to its callback. */
export interface OidcTransaction {
  /** Random id: a transaction is accepted once per node (see `OidcTransactionSealer.open`). */
  id: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The redirect_uri sent to the provider: the token request must repeat it exactly. */
  redirectUri: string;
  /** A path on the frontend (see `safeReturnTo`). */
  returnTo: string;
  /** ms since epoch. */
  expiresAt: number;
}

export const OIDC_TRANSACTION_COOKIE = 'pairpad_oidc';
/** Ten minutes to sign in at the provider (its own login, a second factor, a consent page). */
export const OIDC_TRANSACTION_TTL_MS = 10 * 60_000;
const MAX_SEEN = 10_000;

/**
 * The transaction lives in the browser's `pairpad_oidc` cookie, sealed with AES-256-GCM: no
 * server state, so the callback may land on any node, and its PKCE verifier and nonce are
 * neither readable nor forgeable by the page. Single use: the callback clears the cookie,
 * this node refuses a transaction id it has seen (until it expires), and the provider refuses
 * a code twice; the nonce ties the ID token to this very transaction.
 */
export class OidcTransactionSealer {
  private readonly key: Buffer;
  private readonly seen = new Map<string, number>();

  /** `secret`: the same on every node (kept in the database, see `sharedOidcTransactionSecret`). */
  constructor(
    secret: Buffer | string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'pairpad', 'oidc transaction cookie v1', 32));
  }

  seal(transaction: OidcTransaction): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The transaction, or null when the cookie is missing, tampered with, expired or used. */
  open(sealed: string | undefined): OidcTransaction | null {
    if (!sealed) return null;
    const transaction = this.unseal(sealed);
    const now = this.now();
    if (!transaction || transaction.expiresAt <= now) return null;
    this.forgetExpired(now);
    if (this.seen.has(transaction.id)) return null;
    this.seen.set(transaction.id, transaction.expiresAt);
    // Bounded: past the cap the oldest ids go (their codes are spent at the provider anyway).
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value as string);
    return transaction;
  }

  private unseal(sealed: string): OidcTransaction | null {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(json) as OidcTransaction;
    } catch {
      return null;
    }
  }

  private forgetExpired(now: number): void {
    for (const [id, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(id);
  }
}

/**
 * Where to send the browser after sign-in: a path on the frontend only. Anything else (an
 * absolute URL, `//host`, a backslash some browsers read as a slash, control characters) is an
 * open redirect waiting to happen, and becomes `fallback`.
 */
export function safeReturnTo(value: unknown, fallback = '/dashboard'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2_048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  return value;
}
