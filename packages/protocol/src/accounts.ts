/**
 * Team accounts over REST: sign-in, first-run setup, invites, password resets and the members
 * admin. Interviewers are members; candidates never have an account (they hold a link).
 */
import { z } from 'zod';
import { DisplayNameSchema } from './sessions';

/** The auth cookie: httpOnly, SameSite=Lax, Secure behind TLS. Its value is a random secret. */
export const AUTH_COOKIE_NAME = 'pairpad_session';
/** Every cookie-authenticated POST/PUT/PATCH/DELETE sends the session's CSRF token here. */
export const CSRF_HEADER = 'x-csrf-token';

export const MEMBER_ROLES = ['admin', 'interviewer'] as const;
export const MemberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

/** Emails are compared and stored lowercased. */
export const EmailSchema = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an email address');

/**
 * At least 8 characters (NIST SP 800-63B's floor; length beats composition rules), at most 256
 * so a hash request cannot be made arbitrarily expensive.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

/** Setup codes, invite and reset tokens: 32 random bytes as base64url (43 characters). */
export const LinkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a link token');

/** A member as the member and the page see them. */
export const MemberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: MemberRoleSchema,
});
export type Member = z.infer<typeof MemberSchema>;

/** `GET /api/auth/me`. */
export const AuthMeResponseSchema = z.object({
  member: MemberSchema.nullable(),
  csrfToken: z.string().nullable(),
  /** No admin exists yet: the page sends visitors to /setup (the code is in the server log). */
  setupRequired: z.boolean(),
  oidc: z.object({ enabled: z.boolean(), label: z.string() }),
});
export type AuthMeResponse = z.infer<typeof AuthMeResponseSchema>;

/** The answer to setup, sign-in and an accepted invite (the cookie rides in Set-Cookie). */
export const AuthSuccessSchema = z.object({ member: MemberSchema, csrfToken: z.string() });
export type AuthSuccess = z.infer<typeof AuthSuccessSchema>;

/** `POST /api/auth/setup`: the first admin, with the one-time code from the server log. */
export const SetupBodySchema = z.strictObject({
  setupCode: LinkTokenSchema,
  email: EmailSchema,
  name: DisplayNameSchema,
  password: PasswordSchema,
});
export type SetupBody = z.infer<typeof SetupBodySchema>;

/** `POST /api/auth/sign-in`. The password is only length-checked: any wrong one is SIGN_IN_FAILED. */
export const SignInBodySchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});
export type SignInBody = z.infer<typeof SignInBodySchema>;

/** `GET /api/auth/invites/:token`: who the invite is for. */
export const InviteInfoSchema = z.object({ email: z.string(), role: MemberRoleSchema });
export type InviteInfo = z.infer<typeof InviteInfoSchema>;

/** `POST /api/auth/invites/:token`: the invited teammate picks a name and a password. */
export const AcceptInviteBodySchema = z.strictObject({ name: DisplayNameSchema, password: PasswordSchema });
export type AcceptInviteBody = z.infer<typeof AcceptInviteBodySchema>;

/** `POST /api/auth/reset/:token`. */
export const ResetPasswordBodySchema = z.strictObject({ password: PasswordSchema });
export type ResetPasswordBody = z.infer<typeof ResetPasswordBodySchema>;

/** A row of `GET /api/members` (admin). Times are ISO strings. */
export const MemberListItemSchema = MemberSchema.extend({ disabled: z.boolean(), createdAt: z.string() });
export type MemberListItem = z.infer<typeof MemberListItemSchema>;
export const MembersListResponseSchema = z.object({ members: z.array(MemberListItemSchema) });
export type MembersListResponse = z.infer<typeof MembersListResponseSchema>;

/** `POST /api/members/invites` (admin). */
export const CreateInviteBodySchema = z.strictObject({ email: EmailSchema, role: MemberRoleSchema.default('interviewer') });
export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;
export const InviteCreatedSchema = z.object({ inviteUrl: z.string(), expiresAt: z.string() });
export type InviteCreated = z.infer<typeof InviteCreatedSchema>;

/** `PATCH /api/members/:id` (admin): at least one field. */
export const UpdateMemberBodySchema = z
  .strictObject({ role: MemberRoleSchema.optional(), disabled: z.boolean().optional() })
  .refine((body) => body.role !== undefined || body.disabled !== undefined, 'give role or disabled');
export type UpdateMemberBody = z.infer<typeof UpdateMemberBodySchema>;

/** `POST /api/members/:id/reset-link` (admin): a link the admin hands over (no mail needed). */
export const ResetLinkSchema = z.object({ resetUrl: z.string(), expiresAt: z.string() });
export type ResetLink = z.infer<typeof ResetLinkSchema>;

export const MemberIdSchema = z.string().uuid('must be a member id');
