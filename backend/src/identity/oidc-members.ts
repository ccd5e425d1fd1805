import { AppError } from '@pairpad/protocol';

/** Who the provider says signed in, from the ID token and the userinfo endpoint. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** Lowercased; null when the provider gave none (the `email` scope missing). */
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The `groups` claim (empty without it). */
  groups: string[];
}

export interface OidcMember {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'interviewer';
  disabled: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
}

/** The members table as OIDC sign-in needs it; the store implements it. */
export interface OidcMemberDirectory {
  findByOidcSubject(issuer: string, subject: string): Promise<OidcMember | null>;
  findByEmail(email: string): Promise<OidcMember | null>;
  linkOidcSubject(memberId: string, issuer: string, subject: string): Promise<void>;
  /** Creates the member a pending (unexpired, unused) invite for `email` describes, linked, and spends the invite; null without one. */
  acceptInviteFor(profile: NewOidcMember): Promise<OidcMember | null>;
  /** Creates an `interviewer`, linked to the provider's subject. */
  createInterviewer(profile: NewOidcMember): Promise<OidcMember>;
}

export interface NewOidcMember {
  email: string;
  name: string;
  issuer: string;
  subject: string;
}

export interface OidcAccessPolicy {
  /** Lowercased email domains (exact match, no subdomains); empty: any. */
  allowedDomains: string[];
  /** Values of the `groups` claim, one of which is needed; empty: any. */
  allowedGroups: string[];
  /** Refuse a provider that does not say `email_verified: true`. */
  requireVerifiedEmail: boolean;
}

/**
 * Who may come in at all, before any member is looked at: an email the provider vouches for,
 * on an allowed domain, in an allowed group (both when both are set). Applies to existing
 * members too, so narrowing the lists locks people out at their next sign-in.
 */
export function assertAllowed(identity: OidcIdentity, policy: OidcAccessPolicy): asserts identity is OidcIdentity & { email: string } {
  if (!identity.email)
    throw new AppError(
      'OIDC_EMAIL_UNVERIFIED',
      'Your single sign-on provider did not share your email address (the `email` scope is needed).',
    );
  if (policy.requireVerifiedEmail && !identity.emailVerified) {
    throw new AppError('OIDC_EMAIL_UNVERIFIED', 'Your single sign-on provider has not verified your email address.');
  }
  const domain = identity.email.slice(identity.email.lastIndexOf('@') + 1);
  if (policy.allowedDomains.length > 0 && !policy.allowedDomains.includes(domain)) {
    throw new AppError('OIDC_NOT_ALLOWED', `Accounts on ${domain} cannot sign in to this PairPad.`);
  }
  if (policy.allowedGroups.length > 0 && !identity.groups.some((group) => policy.allowedGroups.includes(group))) {
    throw new AppError('OIDC_NOT_ALLOWED', 'Your account is not in a group allowed to sign in to this PairPad.');
  }
}

/**
 * Finds or makes the member for an allowed identity. The rule, in order:
 * 1. the member already linked to this (issuer, subject): the provider's stable id, so a
 *    changed email at the provider still finds the same member;
 * 2. else the member with this email, linked now; not when it is linked to another subject of
 *    this same provider (an email moving between provider accounts must not carry a PairPad
 *    account with it); a link to another issuer is left from a previous OIDC_ISSUER, which can
 *    never sign in again, so it is replaced;
 * 3. else a pending invite for this email: the member is created with the invite's role;
 * 4. else, only when OIDC_ALLOWED_DOMAINS or OIDC_ALLOWED_GROUPS draws the team's boundary, a
 *    new `interviewer`; with neither, anyone with an account at a public provider (Google)
 *    could join, so they need an invite.
 * OIDC never makes an admin by itself: only an existing admin, or an admin's invite, does.
 * A disabled member is refused (ACCOUNT_DISABLED) whichever way they are found.
 */
export async function linkMember(
  identity: OidcIdentity & { email: string },
  directory: OidcMemberDirectory,
  policy: OidcAccessPolicy,
): Promise<OidcMember> {
  const linked = await directory.findByOidcSubject(identity.issuer, identity.subject);
  if (linked) return active(linked);
  const byEmail = await directory.findByEmail(identity.email);
  if (byEmail) {
    active(byEmail);
    if (byEmail.oidcIssuer === identity.issuer && byEmail.oidcSubject !== null && byEmail.oidcSubject !== identity.subject) {
      throw new AppError('OIDC_NOT_ALLOWED', 'This email belongs to a member who signs in with another single sign-on account.');
    }
    await directory.linkOidcSubject(byEmail.id, identity.issuer, identity.subject);
    return { ...byEmail, oidcIssuer: identity.issuer, oidcSubject: identity.subject };
  }
  const profile: NewOidcMember = {
    email: identity.email,
    name: identity.name?.trim() || identity.email.split('@')[0]!,
    issuer: identity.issuer,
    subject: identity.subject,
  };
  const invited = await directory.acceptInviteFor(profile);
  if (invited) return invited;
  if (policy.allowedDomains.length === 0 && policy.allowedGroups.length === 0) {
    throw new AppError('OIDC_NOT_ALLOWED', 'You are not a member of this PairPad yet; ask an admin for an invite.');
  }
  return directory.createInterviewer(profile);
}

function active(member: OidcMember): OidcMember {
  if (member.disabled) throw new AppError('ACCOUNT_DISABLED', 'This account has been disabled; ask an admin of your team.');
  return member;
}
