import type { LanguageId } from '@pairpad/protocol';

/** A session as stored. Times are epoch milliseconds; the token is kept only as a hash. */
export interface SessionRecord {
  id: string;
  /** New on every (re)creation of an id, so a stale client copy can be told apart and refused. */
  generation: string;
  title: string | null;
  language: LanguageId;
  /** The language the session was created with: it decides the starter code the room is seeded with. */
  initialLanguage: LanguageId;
  createdAt: number;
  lastActivityAt: number;
  interviewerTokenHash: string;
  interviewerName: string | null;
  ended: boolean;
  /** The member who created it (absent on records written before accounts existed). */
  createdBy?: string | null;
  /** Who is interviewed, for the team's archive; never shown in the room. */
  candidateName?: string | null;
  candidateEmail?: string | null;
  /** A team member revoked the guest interviewer link: its token is refused from then on. */
  guestLinkRevoked?: boolean;
}

export type SessionRemovalReason = 'expired' | 'deleted';
