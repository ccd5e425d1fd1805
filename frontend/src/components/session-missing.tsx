import { MessagePage } from './message-page';

export type MissingReason = 'not-found' | 'expired' | 'ended' | 'deleted' | 'shutdown' | 'refused';

const HEADLINE: Record<MissingReason, string> = {
  'not-found': 'This session does not exist or has expired',
  expired: 'This session has expired',
  ended: 'This interview has ended',
  deleted: 'This session was deleted',
  shutdown: 'The server is restarting',
  refused: 'You could not join this session',
};

/** Full-page message for a session that cannot be joined, with a way home. */
export function SessionMissing({ reason, detail }: { reason: MissingReason; detail?: string }) {
  return (
    <MessagePage title={HEADLINE[reason]} linkLabel="Start a new session" role="alert">
      {detail ?? 'Check the link you were given, or ask the interviewer for a new one.'}
    </MessagePage>
  );
}
