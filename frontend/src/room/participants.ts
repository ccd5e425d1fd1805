import { AwarenessUserSchema, type AwarenessUser } from '@pairpad/backend/protocol';
import type { Awareness } from 'y-protocols/awareness';

export interface Participant extends AwarenessUser {
  /** The Yjs client id: one per open tab. */
  clientId: number;
  isSelf: boolean;
}

const ROLE_ORDER = { interviewer: 0, candidate: 1 } as const;

/**
 * The participants list, derived from awareness so it always matches the cursors in the editor.
 * States without a valid `user` field (still joining, or malformed) are left out.
 */
export function participantsFrom(awareness: Awareness): Participant[] {
  const participants: Participant[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const parsed = AwarenessUserSchema.safeParse((state as { user?: unknown }).user);
    if (!parsed.success) continue;
    participants.push({ ...parsed.data, clientId, isSelf: clientId === awareness.clientID });
  }
  return participants.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name) ||
      a.clientId - b.clientId,
  );
}
