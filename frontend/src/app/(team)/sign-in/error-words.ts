/**
 * `/sign-in?error=CODE` (the OpenID Connect callback sends people back with one) and REST error
 * codes, in words. An unknown code still gets a sentence, with the code for the admin.
 */
const WORDS: Record<string, string> = {
  SIGN_IN_FAILED: 'That email and password do not match an account.',
  ACCOUNT_LOCKED: 'Too many failed attempts: this account is locked for a while. Try again later or ask an admin for a reset link.',
  ACCOUNT_DISABLED: 'This account is disabled. Ask an admin of your team.',
  SIGN_IN_REQUIRED: 'Please sign in to continue.',
  SESSION_EXPIRED: 'Your session has ended. Please sign in again.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  OIDC_STATE_INVALID: 'The single sign-on attempt expired or was started elsewhere. Please try again.',
  OIDC_FAILED: 'Single sign-on did not complete. Please try again.',
  OIDC_NOT_CONFIGURED: 'Single sign-on is not set up on this server.',
  OIDC_DOMAIN_NOT_ALLOWED: 'Your email domain is not allowed to sign in to this PairPad.',
  OIDC_GROUP_NOT_ALLOWED: 'Your account is not in a group allowed to sign in to this PairPad.',
  OIDC_EMAIL_UNVERIFIED: 'Your identity provider has not verified your email address.',
  OIDC_NOT_A_MEMBER: 'Your account is not a member of this team. Ask an admin for an invite.',
  OIDC_PROVIDER_ERROR: 'The identity provider refused the sign-in.',
  OIDC_PROVIDER_UNAVAILABLE: 'The identity provider cannot be reached right now.',
};

/** Our sentence for a code we know, else null (then the server's own message is the better one). */
export function knownErrorWords(code: string): string | null {
  return WORDS[code] ?? null;
}

export function signInErrorWords(code: string): string {
  const known = WORDS[code];
  if (known) return known;
  if (code.startsWith('OIDC_')) return `Single sign-on failed (${code}). Please try again, or ask an admin.`;
  return `Sign-in failed (${code}). Please try again.`;
}
