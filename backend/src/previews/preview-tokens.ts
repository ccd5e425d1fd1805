import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A preview's address carries its token in the host name (`<token>.preview.example.com`), one
 * DNS label: `<preview id>-<expiry, base 36 seconds>-<HMAC-SHA256 of session, preview and expiry,
 * first 128 bits in hex>` (57 characters of [0-9a-z-]). Bound to the session: the MAC is
 * recomputed with the session the preview belongs to now, so a token of another room, a forged
 * one or an expired one is refused, and a stopped preview's tokens die with it.
 */
export class PreviewTokens {
  private readonly secret: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  private mac(sessionId: string, previewId: string, expiry: number): string {
    return createHmac('sha256', this.secret).update(`pairpad-preview\n${sessionId}\n${previewId}\n${expiry}`).digest('hex').slice(0, 32);
  }

  issue(sessionId: string, previewId: string): { token: string; expiresAt: number } {
    const expiry = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return { token: `${previewId}-${expiry.toString(36)}-${this.mac(sessionId, previewId, expiry)}`, expiresAt: expiry * 1000 };
  }

  /**
   * The preview id a token opens, or undefined (malformed, expired, forged, or its preview is
   * gone). `sessionOf` finds the session a preview belongs to now (asked only for a well-formed,
   * unexpired token; it may ask Redis).
   */
  async verify(
    token: string,
    sessionOf: (previewId: string) => Promise<string | undefined> | string | undefined,
  ): Promise<string | undefined> {
    const match = /^([0-9a-f]{16})-([0-9a-z]{1,10})-([0-9a-f]{32})$/.exec(token.toLowerCase());
    if (!match) return undefined;
    const [, previewId = '', expiryText = '', mac = ''] = match;
    const expiry = parseInt(expiryText, 36);
    if (!Number.isFinite(expiry) || expiry * 1000 <= this.now()) return undefined;
    const sessionId = await sessionOf(previewId);
    if (!sessionId) return undefined;
    const expected = Buffer.from(this.mac(sessionId, previewId, expiry));
    return timingSafeEqual(expected, Buffer.from(mac)) ? previewId : undefined;
  }
}
