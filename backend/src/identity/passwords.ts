import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id at the library's defaults (19 MiB, t=2, p=1: OWASP's first recommended setting),
 * 11–15 ms per hash here, computed off the event loop by the native addon.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of a password nobody knows, verified for unknown emails so both paths cost the same. */
let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against `storedHash`; with no hash (unknown email, an OIDC-only member) it
 * verifies against a dummy hash anyway and answers false, so timing does not tell which emails
 * have accounts. A malformed stored hash counts as a wrong password.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hash('pairpad-dummy-password-for-constant-time');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
