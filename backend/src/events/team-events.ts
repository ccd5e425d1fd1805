/**
 * What happened to a team's interviews, for whoever listens (webhooks today). Publishers are the
 * places that know: the sessions route (created), the interview archive (started, ended), the
 * scorecards (submitted). They know nothing of the listeners; a listener that fails is logged,
 * never thrown back into the publisher's request or room.
 */
export type TeamEvent =
  | { type: 'interview.created'; interviewId: string; occurredAt: number }
  | { type: 'interview.started'; interviewId: string; occurredAt: number }
  | { type: 'interview.ended'; interviewId: string; occurredAt: number }
  | { type: 'scorecard.submitted'; interviewId: string; scorecardId: string; memberId: string; occurredAt: number };

export type TeamEventType = TeamEvent['type'];

export const TEAM_EVENT_TYPES: readonly TeamEventType[] = [
  'interview.created',
  'interview.started',
  'interview.ended',
  'scorecard.submitted',
];

export type TeamEventListener = (event: TeamEvent) => void | Promise<void>;

export class TeamEvents {
  private readonly listeners = new Set<TeamEventListener>();

  constructor(private readonly onListenerError: (error: unknown, event: TeamEvent) => void = () => {}) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: TeamEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: TeamEvent): void {
    for (const listener of this.listeners) {
      try {
        const done = listener(event);
        if (done) done.catch((error: unknown) => this.onListenerError(error, event));
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
