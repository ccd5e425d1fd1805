/**
 * A real OpenID provider for the tests: `oidc-provider` (a certified implementation) on a free
 * loopback port, with one confidential client that must use PKCE and a few accounts, plus a
 * browserless user agent that signs in at it (fetch, manual redirects, a cookie jar).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type OidcAccount } from 'oidc-provider';

export interface TestAccount {
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

/** Accounts by id (the `sub`); the tests allow example.com and the group `interviewers`. */
export const TEST_ACCOUNTS = {
  alice: { email: 'Alice@Example.com', emailVerified: true, name: 'Alice Allowed', groups: ['interviewers'] },
  bob: { email: 'bob@elsewhere.test', emailVerified: true, name: 'Bob Outsider', groups: ['interviewers'] },
  carol: { email: 'carol@example.com', emailVerified: true, name: 'Carol Sales', groups: ['sales'] },
  dave: { email: 'dave@example.com', emailVerified: false, name: 'Dave Unverified', groups: ['interviewers'] },
  /** The test backends' first admin (TEST_ADMIN), at the provider too. */
  erin: { email: 'admin@pairpad.test', emailVerified: true, name: 'Erin Admin', groups: [] },
} as const satisfies Record<string, TestAccount>;

export type TestAccountId = keyof typeof TEST_ACCOUNTS;

export const TEST_CLIENT = { id: 'pairpad-test', secret: 'pairpad-test-secret-that-is-long-enough' };

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/**
 * Starts the IdP; `redirectUris` are the callback URLs the client may use (exact match);
 * `port` 0 picks a free one (a fixed one brings a provider back where it was down).
 */
export async function startTestProvider(redirectUris: string[], port = 0): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // As the fact sheet found: by default only public clients must use PKCE; ours is confidential.
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    cookies: { keys: ['test-cookie-key-one'] },
    // Explicit lifetimes keep the provider's "default ttl" notices out of the test output.
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub): OidcAccount | undefined => {
      const account = (TEST_ACCOUNTS as Record<string, TestAccount>)[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: account.name, groups: account.groups }),
      };
    },
  });
  const handler = provider.callback();
  server.on('request', handler);
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A cookie jar for one browserless user agent (names only: enough for one host per jar). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      // An expired or emptied cookie is a deletion.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** One request as a browser would make it, without following redirects. */
export async function browse(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.store(response);
  return response;
}

/**
 * Signs `account` in at the IdP from its authorization URL, through the login and consent
 * pages, and answers the URL the IdP sends the browser back to (the client's callback with
 * `code` and `state`), without visiting it.
 */
export async function signInAtProvider(authorizationUrl: string, account: TestAccountId, callbackPrefix: string): Promise<string> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    if (url.startsWith(callbackPrefix)) return url;
    const interaction = /\/interaction\/([\w-]+)$/.exec(new URL(url).pathname);
    let response: Response;
    if (interaction) {
      const page = await (await browse(jar, url)).text();
      const prompt = page.includes('name="login"') ? 'login' : 'consent';
      const body = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt });
      response = await browse(jar, url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } else {
      response = await browse(jar, url);
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`the IdP answered ${response.status} at ${url} without a redirect: ${(await response.text()).slice(0, 300)}`);
    url = new URL(location, url).toString();
  }
  throw new Error('the IdP never redirected back to the client');
}
