import { AwarenessUserSchema, type AwarenessUser, type PresenceStatus } from '@pairpad/protocol';
import type { Awareness } from 'y-protocols/awareness';

/** One person in the room, however many tabs they have open. */
export interface Participant extends AwarenessUser {
  /** Stable key for the list: the person id, else the Yjs client id of their only tab. */
  key: string;
  /** The Yjs client id of each of this person's tabs (first: the one shown). */
  clientIds: number[];
  isSelf: boolean;
}

const ROLE_ORDER = { interviewer: 0, candidate: 1 } as const;
const STATUS_ORDER: Record<PresenceStatus, number> = { active: 0, idle: 1, away: 2 };

/**
 * Tabs of one person share a person id; the server forces each tab's role, so the role is part
 * of the key: nobody joins an interviewer's entry by copying their id.
 */
function personKey(user: AwarenessUser, clientId: number): string {
  return user.personId ? `${user.role}:${user.personId}` : `tab:${clientId}`;
}

/**
 * The participants list, derived from awareness so it always matches the cursors in the editor.
 * One entry per person: their most present status, the self tab's name first. States without a
 * valid `user` field (still joining, or malformed) are left out.
 */
export function participantsFrom(awareness: Awareness): Participant[] {
  const people = new Map<string, Participant>();
  const clientIds = [...awareness.getStates().keys()].sort(
    (a, b) => Number(b === awareness.clientID) - Number(a === awareness.clientID) || a - b,
  );
  for (const clientId of clientIds) {
    const parsed = AwarenessUserSchema.safeParse((awareness.getStates().get(clientId) as { user?: unknown }).user);
    if (!parsed.success) continue;
    const key = personKey(parsed.data, clientId);
    const known = people.get(key);
    if (!known) {
      people.set(key, { ...parsed.data, key, clientIds: [clientId], isSelf: clientId === awareness.clientID });
      continue;
    }
    known.clientIds.push(clientId);
    if (STATUS_ORDER[parsed.data.status] < STATUS_ORDER[known.status]) known.status = parsed.data.status;
  }
  return [...people.values()].sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name) ||
      a.clientIds[0]! - b.clientIds[0]!,
  );
}
