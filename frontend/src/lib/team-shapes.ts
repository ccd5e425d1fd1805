import { z } from 'zod';

/*
 * The team REST answers of issue 22 (LEAD-NOTES "Teams contract"), written here until the
 * backend's protocol/accounts.ts and protocol/interviews.ts land; then this file only re-exports
 * them through `@pairpad/backend/protocol`, so the pages do not change.
 */

export const MemberRoleSchema = z.enum(['admin', 'interviewer']);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

export const MemberSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: MemberRoleSchema });
export type Member = z.infer<typeof MemberSchema>;

export const AuthMeResponseSchema = z.object({
  member: MemberSchema.nullable(),
  csrfToken: z.string().nullable(),
  setupRequired: z.boolean(),
  oidc: z.object({ enabled: z.boolean(), label: z.string() }),
});
export type AuthMeResponse = z.infer<typeof AuthMeResponseSchema>;

export const SignedInResponseSchema = z.object({ member: MemberSchema, csrfToken: z.string() });
export type SignedInResponse = z.infer<typeof SignedInResponseSchema>;

export const InviteViewSchema = z.object({ email: z.string(), role: MemberRoleSchema });
export type InviteView = z.infer<typeof InviteViewSchema>;

export const MemberListItemSchema = MemberSchema.extend({ disabled: z.boolean(), createdAt: z.union([z.number(), z.string()]) });
export type MemberListItem = z.infer<typeof MemberListItemSchema>;

export const MemberListResponseSchema = z.object({ members: z.array(MemberListItemSchema) });

export const InviteCreatedResponseSchema = z.object({ inviteUrl: z.string(), expiresAt: z.union([z.number(), z.string()]) });
export type InviteCreatedResponse = z.infer<typeof InviteCreatedResponseSchema>;

export const ResetLinkResponseSchema = z.object({ resetUrl: z.string(), expiresAt: z.union([z.number(), z.string()]) });
export type ResetLinkResponse = z.infer<typeof ResetLinkResponseSchema>;

export const InterviewStatusSchema = z.enum(['upcoming', 'live', 'ended']);
export type InterviewStatus = z.infer<typeof InterviewStatusSchema>;

export const InterviewScopeSchema = z.enum(['mine', 'team']);
export type InterviewScope = z.infer<typeof InterviewScopeSchema>;

const Instant = z.union([z.number(), z.string()]);

export const InterviewSummarySchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  language: z.string(),
  questionId: z.string().nullable(),
  questionTitle: z.string().nullable(),
  candidateName: z.string().nullable(),
  status: InterviewStatusSchema,
  createdAt: Instant,
  startedAt: Instant.nullable(),
  endedAt: Instant.nullable(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type InterviewSummary = z.infer<typeof InterviewSummarySchema>;

export const InterviewListResponseSchema = z.object({ items: z.array(InterviewSummarySchema), nextCursor: z.string().nullable() });
export type InterviewListResponse = z.infer<typeof InterviewListResponseSchema>;

/** The candidate fields POST /api/sessions gains for the dashboard. */
export const CandidateFieldsSchema = z.object({
  candidateName: z.string().trim().max(80, 'must be at most 80 characters').optional(),
  candidateEmail: z.string().trim().email('must be an email address').max(254).optional(),
});
export type CandidateFields = z.infer<typeof CandidateFieldsSchema>;
