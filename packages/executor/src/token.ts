import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * EXECUTOR_TOKEN check, shared by HTTP requests and WebSocket upgrades:
 * `Authorization: Bearer <token>`, or the bare token as the public Piston's clients sent it.
 * Compared as hashes in constant time, so neither length nor prefix leaks through timing.
 * The returned check answers undefined when the header carries the token, else why not.
 */
export function tokenVerifier(token: string): (authorization: string | undefined) => string | undefined {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(token);
  return (authorization) => {
    const header = authorization ?? '';
    const offered = header.replace(/^Bearer\s+/i, '').trim();
    if (offered && timingSafeEqual(digest(offered), expected)) return undefined;
    return header ? 'invalid executor token' : 'missing executor token: send Authorization: Bearer <EXECUTOR_TOKEN>';
  };
}
