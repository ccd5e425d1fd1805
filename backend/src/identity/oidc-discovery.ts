import * as client from 'openid-client';
import { AppError } from '@pairpad/protocol';

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE only, `token_endpoint_auth_method=none`). */
  clientSecret?: string;
  /** Only for an http issuer on loopback outside production (tests, a local Keycloak). */
  allowInsecureRequests?: boolean;
}

export interface DiscoveryOptions {
  /** Longest wait for the discovery document. @default 5000 */
  timeoutMs?: number;
  /** First wait after a failure before the provider is asked again; doubles up to maxBackoffMs. @default 1000 */
  minBackoffMs?: number;
  /** @default 60000 */
  maxBackoffMs?: number;
  /** Metadata is fetched again after this long (keys rotate through the JWKS cache anyway). @default 24 h */
  maxAgeMs?: number;
  now?: () => number;
  onFailure?: (error: unknown, retryInMs: number) => void;
}

/**
 * The provider's metadata, discovered once and cached. Discovery never blocks start-up: the
 * composition root warms it up in the background, and a sign-in that finds it missing tries
 * again; after a failure the provider is left alone for a growing pause (1 s … 60 s), and
 * sign-ins in that pause get OIDC_UNAVAILABLE at once instead of waiting on a dead host.
 */
export class OidcDiscovery {
  private configuration: client.Configuration | null = null;
  private fetchedAt = 0;
  private pending: Promise<client.Configuration> | null = null;
  private retryAt = 0;
  private backoffMs: number;
  private readonly options: Required<Omit<DiscoveryOptions, 'onFailure'>> & Pick<DiscoveryOptions, 'onFailure'>;

  constructor(
    private readonly settings: OidcClientSettings,
    options: DiscoveryOptions = {},
  ) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 5_000,
      minBackoffMs: options.minBackoffMs ?? 1_000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      maxAgeMs: options.maxAgeMs ?? 24 * 3_600_000,
      now: options.now ?? Date.now,
      onFailure: options.onFailure,
    };
    this.backoffMs = this.options.minBackoffMs;
  }

  /** The client configuration, or OIDC_UNAVAILABLE while the provider cannot be reached. */
  async get(): Promise<client.Configuration> {
    const now = this.options.now();
    if (this.configuration && now - this.fetchedAt < this.options.maxAgeMs) return this.configuration;
    if (this.pending) return this.pending;
    // Stale metadata still serves while a refresh fails: the provider may only be restarting.
    if (now < this.retryAt) {
      if (this.configuration) return this.configuration;
      throw unavailable();
    }
    this.pending = this.discover().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Starts discovery without waiting (at start-up); failures are reported through onFailure. */
  warmUp(): void {
    this.get().catch(() => undefined);
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret, allowInsecureRequests } = this.settings;
    try {
      const configuration = await client.discovery(
        new URL(issuer),
        clientId,
        clientSecret ? { client_secret: clientSecret } : { token_endpoint_auth_method: 'none' },
        // client_secret_basic is the OpenID default and what Google, Okta, Entra ID and Keycloak accept.
        clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
        { timeout: this.options.timeoutMs / 1000, ...(allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : {}) },
      );
      this.configuration = configuration;
      this.fetchedAt = this.options.now();
      this.backoffMs = this.options.minBackoffMs;
      return configuration;
    } catch (error) {
      const wait = this.backoffMs;
      this.retryAt = this.options.now() + wait;
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
      this.options.onFailure?.(error, wait);
      if (this.configuration) return this.configuration;
      throw unavailable();
    }
  }
}

function unavailable(): AppError {
  return new AppError(
    'OIDC_UNAVAILABLE',
    'The single sign-on provider cannot be reached right now; try again shortly or sign in with your password.',
  );
}
