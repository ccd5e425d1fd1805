import type { AwarenessUser, PresenceStatus } from '@pairpad/protocol';
import { AwarenessUserSchema } from '@pairpad/protocol/first-load-schemas';
import type { Awareness } from 'y-protocols/awareness';

/** One person in the room, however many tabs they have open. */
export interface Participant extends AwarenessUser {
  /** Stable key for the list: the person id, else the Yjs client id of their only tab. */
  key: string;
  /** The Yjs client id of each of this person's tabs (first: the one shown). */
  clientIds: number[];
  isSelf: boolean;
  /** The name as shown (list, cursor tags): `name`, or "Ivy (2)" when another person has it too. */
  label: string;
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
      people.set(key, { ...parsed.data, key, clientIds: [clientId], isSelf: clientId === awareness.clientID, label: parsed.data.name });
      continue;
    }
    known.clientIds.push(clientId);
    if (STATUS_ORDER[parsed.data.status] < STATUS_ORDER[known.status]) known.status = parsed.data.status;
  }
  labelSameNames([...people.values()]);
  return [...people.values()].sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name) ||
      a.clientIds[0]! - b.clientIds[0]!,
  );
}

/**
 * Two people with one name are told apart: the first keeps it, the others become "Ivy (2)",
 * "Ivy (3)". Every page numbers them the same way, whoever looks: by role (interviewers first),
 * then by the lowest Yjs client id among each person's tabs.
 */
function labelSameNames(people: Participant[]): void {
  const byName = new Map<string, Participant[]>();
  for (const person of people) {
    const key = person.name.trim().toLocaleLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), person]);
  }
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || Math.min(...a.clientIds) - Math.min(...b.clientIds));
    group.forEach((person, index) => {
      person.label = index === 0 ? person.name : `${person.name} (${index + 1})`;
    });
  }
}

/** Each client's awareness state with `user.name` replaced by its participant label where it differs. */
function labelledStates(awareness: Awareness): Map<number, unknown> {
  const states = awareness.getStates();
  const relabelled = participantsFrom(awareness).filter((person) => person.label !== person.name);
  if (relabelled.length === 0) return states;
  const copy = new Map<number, unknown>(states);
  for (const person of relabelled) {
    for (const clientId of person.clientIds) {
      const state = states.get(clientId) as { user?: object } | undefined;
      if (state?.user) copy.set(clientId, { ...state, user: { ...state.user, name: person.label } });
    }
  }
  return copy;
}

/**
 * The room's awareness as the editor's remote cursors should read it: the same object, except
 * that `getStates()` carries the participant labels, so a cursor tag says "Ivy (2)" as the
 * participants list does. Everything else (listeners, the local cursor) goes to the real one.
 */
export function withParticipantLabels(awareness: Awareness): Awareness {
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'getStates') return () => labelledStates(target);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
