/**
 * The OIDC core (identity/oidc.ts) against a real provider: the flow's checks, the access
 * policy and the member-linking rule, with the members table as a map (the store's own
 * contract suite covers the database; the routes test covers the whole backend).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OidcSignIn, safeReturnTo, type OidcMember, type OidcMemberDirectory } from '../../src/identity/oidc';
import type { NewOidcMember } from '../../src/identity/oidc-members';
import type { OidcSettings } from '../../src/identity/oidc';
import { AppError } from '@pairpad/protocol';
import { signInAtProvider, startTestProvider, TEST_CLIENT, type TestAccountId, type TestProvider } from '../helpers/oidc-provider';

const CALLBACK = 'http://127.0.0.1:5999/api/auth/oidc/callback';

class MapDirectory implements OidcMemberDirectory {
  readonly members = new Map<string, OidcMember>();
  readonly invites = new Map<string, 'admin' | 'interviewer'>();
  private next = 1;

  add(fields: Partial<OidcMember> & { email: string }): OidcMember {
    const member: OidcMember = {
      id: `m${this.next++}`,
      name: fields.email,
      role: 'interviewer',
      disabled: false,
      oidcIssuer: null,
      oidcSubject: null,
      ...fields,
    };
    this.members.set(member.id, member);
    return member;
  }
  async findByOidcSubject(issuer: string, subject: string): Promise<OidcMember | null> {
    return [...this.members.values()].find((m) => m.oidcIssuer === issuer && m.oidcSubject === subject) ?? null;
  }
  async findByEmail(email: string): Promise<OidcMember | null> {
    return [...this.members.values()].find((m) => m.email === email) ?? null;
  }
  async linkOidcSubject(memberId: string, issuer: string, subject: string): Promise<void> {
    const member = this.members.get(memberId)!;
    this.members.set(memberId, { ...member, oidcIssuer: issuer, oidcSubject: subject });
  }
  async acceptInviteFor(profile: NewOidcMember): Promise<OidcMember | null> {
    const role = this.invites.get(profile.email);
    if (!role) return null;
    this.invites.delete(profile.email);
    return this.add({ email: profile.email, name: profile.name, role, oidcIssuer: profile.issuer, oidcSubject: profile.subject });
  }
  async createInterviewer(profile: NewOidcMember): Promise<OidcMember> {
    return this.add({ email: profile.email, name: profile.name, oidcIssuer: profile.issuer, oidcSubject: profile.subject });
  }
}

let provider: TestProvider;

before(async () => {
  provider = await startTestProvider([CALLBACK]);
});
after(async () => {
  await provider.close();
});

function settingsFor(overrides: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer: provider.issuer,
    clientId: TEST_CLIENT.id,
    clientSecret: TEST_CLIENT.secret,
    allowInsecureRequests: true,
    label: 'Test IdP',
    scopes: 'openid email profile groups',
    allowedDomains: ['example.com'],
    allowedGroups: [],
    requireVerifiedEmail: true,
    ...overrides,
  };
}

function signInWith(directory: OidcMemberDirectory, overrides: Partial<OidcSettings> = {}): OidcSignIn {
  return new OidcSignIn({ settings: settingsFor(overrides), members: directory, transactionSecret: 'test-secret' });
}

/** begin → the provider's login and consent → the callback URL and the transaction cookie. */
async function throughProvider(
  oidc: OidcSignIn,
  account: TestAccountId,
  returnTo?: string,
): Promise<{ callbackUrl: URL; transaction: string }> {
  const start = await oidc.begin({ returnTo, redirectUri: CALLBACK });
  const authorization = new URL(start.authorizationUrl);
  assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorization.searchParams.get('nonce'));
  return { callbackUrl: new URL(await signInAtProvider(start.authorizationUrl, account, CALLBACK)), transaction: start.transaction };
}

async function refusedWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('OIDC sign-in flow', () => {
  it('provisions a newcomer on an allowed domain as an interviewer, linked to the provider subject, and goes back to returnTo', async () => {
    const directory = new MapDirectory();
    const oidc = signInWith(directory);
    const { member, returnTo } = await oidc.complete(await throughProvider(oidc, 'alice', '/dashboard?tab=team'));
    assert.equal(returnTo, '/dashboard?tab=team');
    assert.deepEqual(
      { email: member.email, name: member.name, role: member.role, issuer: member.oidcIssuer, subject: member.oidcSubject },
      { email: 'alice@example.com', name: 'Alice Allowed', role: 'interviewer', issuer: provider.issuer, subject: 'alice' },
    );
    // Signing in again finds the same member by (issuer, subject), even after an email change here.
    directory.members.set(member.id, { ...member, email: 'renamed@example.com' });
    const again = await oidc.complete(await throughProvider(oidc, 'alice'));
    assert.equal(again.member.id, member.id);
    assert.equal(again.returnTo, '/dashboard');
  });

  it("a callback whose state is not the transaction's gets OIDC_STATE_MISMATCH; a missing or forged cookie too", async () => {
    const oidc = signInWith(new MapDirectory());
    const { callbackUrl, transaction } = await throughProvider(oidc, 'alice');
    const wrongState = new URL(callbackUrl);
    wrongState.searchParams.set('state', 'not-the-state');
    await refusedWith(oidc.complete({ callbackUrl: wrongState, transaction }), 'OIDC_STATE_MISMATCH');
    const other = await throughProvider(oidc, 'alice');
    await refusedWith(oidc.complete({ callbackUrl: other.callbackUrl, transaction: undefined }), 'OIDC_STATE_MISMATCH');
    const forged = `${other.transaction.slice(0, -4)}AAAA`;
    await refusedWith(oidc.complete({ callbackUrl: other.callbackUrl, transaction: forged }), 'OIDC_STATE_MISMATCH');
  });

  it('a transaction is accepted once, and a replayed code is refused by the provider as OIDC_CODE_INVALID', async () => {
    const directory = new MapDirectory();
    const oidc = signInWith(directory);
    const first = await throughProvider(oidc, 'alice');
    await oidc.complete(first);
    // The same cookie again: this node has seen the transaction.
    await refusedWith(oidc.complete(first), 'OIDC_STATE_MISMATCH');
    // The same code with a fresh transaction for the same state (another node, or a copied
    // cookie on a restarted one): the provider refuses the code.
    const otherNode = signInWith(directory);
    await refusedWith(otherNode.complete(first), 'OIDC_CODE_INVALID');
  });

  it('a transaction older than ten minutes is refused', async () => {
    let now = Date.now();
    const oidc = new OidcSignIn({ settings: settingsFor(), members: new MapDirectory(), transactionSecret: 'test-secret', now: () => now });
    const flow = await throughProvider(oidc, 'alice');
    now += 10 * 60_000 + 1;
    await refusedWith(oidc.complete(flow), 'OIDC_STATE_MISMATCH');
  });

  it("the provider's access_denied is OIDC_CANCELLED", async () => {
    const oidc = signInWith(new MapDirectory());
    const start = await oidc.begin({ redirectUri: CALLBACK });
    const { state } = Object.fromEntries(new URL(start.authorizationUrl).searchParams);
    const callbackUrl = new URL(`${CALLBACK}?error=access_denied&state=${state}`);
    await refusedWith(oidc.complete({ callbackUrl, transaction: start.transaction }), 'OIDC_CANCELLED');
  });
});

describe('OIDC access policy', () => {
  it('an email on a domain not in OIDC_ALLOWED_DOMAINS is OIDC_NOT_ALLOWED, even for an existing member', async () => {
    const directory = new MapDirectory();
    directory.add({ email: 'bob@elsewhere.test' });
    const oidc = signInWith(directory);
    await refusedWith(oidc.complete(await throughProvider(oidc, 'bob')), 'OIDC_NOT_ALLOWED');
  });

  it('without an allowed group in the groups claim: OIDC_NOT_ALLOWED; with both lists, both must hold', async () => {
    const directory = new MapDirectory();
    const oidc = signInWith(directory, { allowedGroups: ['interviewers'] });
    await refusedWith(oidc.complete(await throughProvider(oidc, 'carol')), 'OIDC_NOT_ALLOWED');
    const { member } = await oidc.complete(await throughProvider(oidc, 'alice'));
    assert.equal(member.role, 'interviewer');
    const groupsOnly = signInWith(new MapDirectory(), { allowedDomains: [], allowedGroups: ['interviewers'] });
    assert.equal((await groupsOnly.complete(await throughProvider(groupsOnly, 'bob'))).member.email, 'bob@elsewhere.test');
  });

  it('an unverified email is refused unless OIDC_REQUIRE_VERIFIED_EMAIL=false', async () => {
    const strict = signInWith(new MapDirectory());
    await refusedWith(strict.complete(await throughProvider(strict, 'dave')), 'OIDC_EMAIL_UNVERIFIED');
    const lenient = signInWith(new MapDirectory(), { requireVerifiedEmail: false });
    assert.equal((await lenient.complete(await throughProvider(lenient, 'dave'))).member.email, 'dave@example.com');
  });
});

describe('OIDC member linking', () => {
  it('links an existing member by email (an admin stays admin) and never provisions an admin', async () => {
    const directory = new MapDirectory();
    const admin = directory.add({ email: 'alice@example.com', role: 'admin' });
    const oidc = signInWith(directory);
    const { member } = await oidc.complete(await throughProvider(oidc, 'alice'));
    assert.equal(member.id, admin.id);
    assert.equal(member.role, 'admin');
    assert.equal(directory.members.get(admin.id)!.oidcSubject, 'alice');
  });

  it('refuses a member linked to another subject of this provider, and a disabled member', async () => {
    const directory = new MapDirectory();
    const taken = directory.add({ email: 'alice@example.com', oidcIssuer: provider.issuer, oidcSubject: 'someone-else' });
    const oidc = signInWith(directory);
    await refusedWith(oidc.complete(await throughProvider(oidc, 'alice')), 'OIDC_NOT_ALLOWED');
    directory.members.set(taken.id, { ...taken, oidcIssuer: null, oidcSubject: null, disabled: true });
    await refusedWith(oidc.complete(await throughProvider(oidc, 'alice')), 'ACCOUNT_DISABLED');
  });

  it('a link left from a previous provider (another issuer) is replaced by the current one', async () => {
    const directory = new MapDirectory();
    const moved = directory.add({ email: 'alice@example.com', oidcIssuer: 'https://old-idp.example', oidcSubject: 'alice-at-old' });
    const oidc = signInWith(directory);
    const { member } = await oidc.complete(await throughProvider(oidc, 'alice'));
    assert.equal(member.id, moved.id);
    assert.deepEqual(
      [directory.members.get(moved.id)!.oidcIssuer, directory.members.get(moved.id)!.oidcSubject],
      [provider.issuer, 'alice'],
    );
  });

  it('without allowed domains or groups only members and invited emails come in; an invite gives its role', async () => {
    const directory = new MapDirectory();
    const oidc = signInWith(directory, { allowedDomains: [] });
    await refusedWith(oidc.complete(await throughProvider(oidc, 'bob')), 'OIDC_NOT_ALLOWED');
    assert.equal(directory.members.size, 0);
    directory.invites.set('bob@elsewhere.test', 'admin');
    const { member } = await oidc.complete(await throughProvider(oidc, 'bob'));
    assert.equal(member.role, 'admin', "an admin's invite, not OIDC, made this admin");
    assert.equal(directory.invites.size, 0);
  });
});

describe('OIDC discovery', () => {
  it('a provider that is down answers OIDC_UNAVAILABLE at once, and is asked again after the pause', async () => {
    const placeholder = createServer((_request, response) => response.destroy());
    await new Promise<void>((resolve) => placeholder.listen(0, '127.0.0.1', resolve));
    const port = (placeholder.address() as AddressInfo).port;
    await new Promise<void>((resolve) => placeholder.close(() => resolve()));
    const issuer = `http://127.0.0.1:${port}`;
    let now = Date.now();
    const oidc = new OidcSignIn({
      settings: settingsFor({ issuer }),
      members: new MapDirectory(),
      transactionSecret: 'x',
      now: () => now,
      discovery: { now: () => now, minBackoffMs: 1_000 },
    });
    await refusedWith(oidc.begin({ redirectUri: CALLBACK }), 'OIDC_UNAVAILABLE');
    // The provider comes back; inside the pause nobody asks it (sign-ins fail fast).
    const back = await startTestProvider([CALLBACK], port);
    try {
      await refusedWith(oidc.begin({ redirectUri: CALLBACK }), 'OIDC_UNAVAILABLE');
      now += 1_001;
      const start = await oidc.begin({ redirectUri: CALLBACK });
      assert.ok(start.authorizationUrl.startsWith(`${issuer}/`), start.authorizationUrl);
    } finally {
      await back.close();
    }
  });

  it('safeReturnTo keeps frontend paths only', () => {
    assert.equal(safeReturnTo('/interview/abc?x=1'), '/interview/abc?x=1');
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'dashboard', '/a\nb', '', undefined, ['/x']]) {
      assert.equal(safeReturnTo(bad), '/dashboard', String(bad));
    }
  });
});
