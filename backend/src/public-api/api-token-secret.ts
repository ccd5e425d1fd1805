import { randomBytes } from 'node:crypto';
import { API_TOKEN_PATTERN, API_TOKEN_PREFIX, API_TOKEN_SHOWN_PREFIX_LENGTH } from '@pairpad/protocol';
import { sha256Hex } from '../identity/tokens';

export interface MintedApiToken {
  /** `ppk_` + 43 base64url characters: shown to the member once, never stored. */
  secret: string;
  /** sha256 (hex) of the secret: 256 random bits need no slow hash (nothing to guess). */
  hash: string;
  /** The first characters, kept in clear for lists. */
  prefix: string;
}

export function mintApiToken(): MintedApiToken {
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, API_TOKEN_SHOWN_PREFIX_LENGTH) };
}

/** The hash to look a presented token up by, or null when it is not even shaped like one. */
export function apiTokenHash(presented: string): string | null {
  return API_TOKEN_PATTERN.test(presented) ? sha256Hex(presented) : null;
}
