import { z } from 'zod';
import { booleanFlag } from './setting-schemas';

/** OpenID Connect sign-in settings (part of SETTINGS; how to fill them per provider: docs/deploy.md). */
export const OIDC_SETTINGS = {
  OIDC_ISSUER: {
    schema: z.string().url().optional(),
    doc: 'OpenID provider issuer URL (https; discovery reads `<issuer>/.well-known/openid-configuration`). Set with OIDC_CLIENT_ID to offer "Sign in with OIDC_LABEL"; unset: local accounts only.',
  },
  OIDC_CLIENT_ID: { schema: z.string().trim().min(1).optional(), doc: 'Client id of PairPad registered at the provider.' },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).optional(),
    doc: 'Client secret (sent as client_secret_basic). Unset: a public client with PKCE only.',
  },
  OIDC_LABEL: {
    schema: z.string().trim().min(1).max(40).default('SSO'),
    doc: 'Provider name on the sign-in button: "Sign in with <label>".',
  },
  OIDC_SCOPES: {
    schema: z.string().trim().min(1).default('openid email profile'),
    doc: 'Scopes asked for (space-separated); add the one that releases the `groups` claim (e.g. `groups` on Okta) with OIDC_ALLOWED_GROUPS.',
  },
  OIDC_ALLOWED_DOMAINS: {
    schema: z.string().trim().optional(),
    doc: 'Comma-separated email domains allowed to sign in (exact match). Set (or OIDC_ALLOWED_GROUPS): a newcomer on them becomes an interviewer; unset with no groups: only members and invited emails may sign in.',
  },
  OIDC_ALLOWED_GROUPS: {
    schema: z.string().trim().optional(),
    doc: 'Comma-separated values of the `groups` claim; one of them is needed to sign in (with OIDC_ALLOWED_DOMAINS: both).',
  },
  OIDC_REQUIRE_VERIFIED_EMAIL: {
    schema: booleanFlag('OIDC_REQUIRE_VERIFIED_EMAIL', true),
    doc: 'true: refuse a sign-in unless the provider says `email_verified: true`. false only for a provider that never sends it (Entra ID) and whose emails you trust.',
  },
  OIDC_REDIRECT_URL: {
    schema: z.string().url().optional(),
    doc: 'Callback URL registered at the provider. Unset: `<backend URL as the browser reached it>/api/auth/oidc/callback`.',
  },
} as const;

/** What OIDC sign-in needs, derived and checked; null when OIDC is off. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  label: string;
  scopes: string;
  allowedDomains: string[];
  allowedGroups: string[];
  requireVerifiedEmail: boolean;
  redirectUrl?: string;
  /** An http issuer on loopback, outside production: tests and a local Keycloak. */
  allowInsecureRequests: boolean;
}

type OidcValues = z.infer<z.ZodObject<{ [K in keyof typeof OIDC_SETTINGS]: (typeof OIDC_SETTINGS)[K]['schema'] }>> & { NODE_ENV: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Answers the OIDC config, null when off, or the problems to report (one per line). */
export function oidcConfigOf(values: OidcValues): { config: OidcConfig | null; problems: string[] } {
  if (!values.OIDC_ISSUER && !values.OIDC_CLIENT_ID) {
    const stray = (['OIDC_CLIENT_SECRET', 'OIDC_ALLOWED_DOMAINS', 'OIDC_ALLOWED_GROUPS', 'OIDC_REDIRECT_URL'] as const).filter(
      (name) => values[name],
    );
    return { config: null, problems: stray.map((name) => `${name}: set without OIDC_ISSUER and OIDC_CLIENT_ID (OIDC sign-in stays off)`) };
  }
  if (!values.OIDC_ISSUER || !values.OIDC_CLIENT_ID) {
    return {
      config: null,
      problems: [
        `${values.OIDC_ISSUER ? 'OIDC_CLIENT_ID' : 'OIDC_ISSUER'}: needed with ${values.OIDC_ISSUER ? 'OIDC_ISSUER' : 'OIDC_CLIENT_ID'}`,
      ],
    };
  }
  const issuer = new URL(values.OIDC_ISSUER);
  const insecure = issuer.protocol === 'http:';
  const allowInsecureRequests = insecure && LOOPBACK.has(issuer.hostname) && values.NODE_ENV !== 'production';
  if (insecure && !allowInsecureRequests)
    return { config: null, problems: ['OIDC_ISSUER: must be https (http only on localhost, outside production)'] };
  return {
    problems: [],
    config: {
      issuer: values.OIDC_ISSUER,
      clientId: values.OIDC_CLIENT_ID,
      ...(values.OIDC_CLIENT_SECRET ? { clientSecret: values.OIDC_CLIENT_SECRET } : {}),
      label: values.OIDC_LABEL,
      scopes: values.OIDC_SCOPES,
      allowedDomains: listOf(values.OIDC_ALLOWED_DOMAINS).map((domain) => domain.toLowerCase().replace(/^@/, '')),
      allowedGroups: listOf(values.OIDC_ALLOWED_GROUPS),
      requireVerifiedEmail: values.OIDC_REQUIRE_VERIFIED_EMAIL,
      ...(values.OIDC_REDIRECT_URL ? { redirectUrl: values.OIDC_REDIRECT_URL } : {}),
      allowInsecureRequests,
    },
  };
}
