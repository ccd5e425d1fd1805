/**
 * The team REST answers of issue 22, from the backend's protocol (accounts.ts, interviews.ts),
 * under the names the pages use.
 */
export {
  AuthMeResponseSchema,
  AuthSuccessSchema as SignedInResponseSchema,
  InviteCreatedSchema as InviteCreatedResponseSchema,
  InviteInfoSchema as InviteViewSchema,
  InterviewStatusSchema,
  ListInterviewsResponseSchema as InterviewListResponseSchema,
  MemberListItemSchema,
  MemberRoleSchema,
  MemberSchema,
  MembersListResponseSchema as MemberListResponseSchema,
  ResetLinkSchema as ResetLinkResponseSchema,
  type AuthMeResponse,
  type AuthSuccess as SignedInResponse,
  type InviteCreated as InviteCreatedResponse,
  type InviteInfo as InviteView,
  type InterviewStatus,
  type InterviewSummary,
  type ListInterviewsResponse as InterviewListResponse,
  type Member,
  type MemberListItem,
  type MemberRole,
  type ResetLink as ResetLinkResponse,
} from '@pairpad/protocol';

export type InterviewScope = 'mine' | 'team';
