/**
 * `/sign-in?error=CODE` (the OpenID Connect callback sends people back with one) and REST error
 * codes, in words. An unknown code still gets a sentence, with the code for the admin.
 */
const WORDS: Record<string, string> = {
  SIGN_IN_FAILED: 'That email and password do not match an account.',
  ACCOUNT_LOCKED: 'Too many failed attempts: this account is locked for a while. Try again later or ask an admin for a reset link.',
  ACCOUNT_DISABLED: 'This account is disabled. Ask an admin of your team.',
  SIGN_IN_REQUIRED: 'Please sign in to continue.',
  CSRF_TOKEN_INVALID: 'Your sign-in changed in another tab. Reload the page and try again.',
  SETUP_CODE_INVALID: 'That setup code is not right, or PairPad is already set up. Copy the code from the server log again.',
  INVITE_INVALID: 'This invite link has expired or was already used. Ask the admin for a new one.',
  RESET_LINK_INVALID: 'This reset link has expired or was already used. Ask an admin for a new one.',
  EMAIL_TAKEN: 'A member of the team already has this email address.',
  LAST_ADMIN: 'The team needs at least one active admin: make someone else an admin first.',
  RATE_LIMITED: 'Too many attempts from here. Wait a minute and try again.',
  OIDC_DISABLED: 'Single sign-on is not set up on this server. Sign in with your email and password.',
  OIDC_UNAVAILABLE: 'The identity provider cannot be reached right now. Try again later, or sign in with your email and password.',
  OIDC_STATE_MISMATCH: 'The single sign-on attempt expired or was started in another browser. Please try again.',
  OIDC_CODE_INVALID: 'The single sign-on answer was already used or has expired. Please try again.',
  OIDC_FAILED: "Single sign-on did not complete: the identity provider's answer failed a check. Please try again.",
  OIDC_CANCELLED: 'Single sign-on was cancelled at the identity provider.',
  OIDC_EMAIL_UNVERIFIED: 'Your identity provider has not verified your email address.',
  OIDC_NOT_ALLOWED: 'You signed in at the identity provider, but this account is not allowed into this team. Ask an admin for an invite.',
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
