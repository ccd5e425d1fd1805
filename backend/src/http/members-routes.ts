import { Router } from 'express';
import {
  CreateInviteBodySchema,
  MemberIdSchema,
  UpdateMemberBodySchema,
  parseOrThrow,
  type InviteCreated,
  type MemberListItem,
  type MembersListResponse,
  type ResetLink,
} from '@pairpad/protocol';
import { memberListItem, type IdentityService } from '../identity';
import { requireAdmin } from './authentication';

export interface MembersRoutesOptions {
  identity: IdentityService;
  /** The frontend's base URL: invite and reset links point at its pages. */
  publicUrl: string;
  /** Called once a member is disabled: the realtime layer closes their sockets. */
  onMemberDisabled?: (memberId: string) => void;
}

/** `/api/members*`: the team, for admins. Links are handed to the admin (no mail needed). */
export function membersRoutes({ identity, publicUrl, onMemberDisabled }: MembersRoutesOptions): Router {
  const router = Router();

  router.get('/api/members', async (_request, response) => {
    requireAdmin(response);
    const body: MembersListResponse = { members: (await identity.listMembers()).map(memberListItem) };
    response.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/api/members/invites', async (request, response) => {
    const admin = requireAdmin(response);
    const body = parseOrThrow(CreateInviteBodySchema, request.body ?? {}, 'invite');
    const { token, expiresAt } = await identity.createInvite(admin, body.email, body.role);
    const created: InviteCreated = { inviteUrl: `${publicUrl}/invite/${token}`, expiresAt: new Date(expiresAt).toISOString() };
    response.status(201).set('Cache-Control', 'no-store').json(created);
  });

  router.patch('/api/members/:id', async (request, response) => {
    const admin = requireAdmin(response);
    const id = parseOrThrow(MemberIdSchema, request.params.id, 'member id');
    const body = parseOrThrow(UpdateMemberBodySchema, request.body ?? {}, 'member update');
    const updated: MemberListItem = memberListItem(await identity.updateMember(admin, id, body));
    if (body.disabled === true) onMemberDisabled?.(id);
    response.json(updated);
  });

  router.post('/api/members/:id/reset-link', async (request, response) => {
    const admin = requireAdmin(response);
    const id = parseOrThrow(MemberIdSchema, request.params.id, 'member id');
    const { token, expiresAt } = await identity.createResetLink(admin, id);
    const link: ResetLink = { resetUrl: `${publicUrl}/reset/${token}`, expiresAt: new Date(expiresAt).toISOString() };
    response.set('Cache-Control', 'no-store').json(link);
  });

  return router;
}
