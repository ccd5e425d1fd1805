import Link from 'next/link';
import { cx } from '@/lib/cx';
import ui from './ui.module.css';

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
    <main className={ui.centeredPage}>
      <div className={ui.card} role="alert">
        <h1>{HEADLINE[reason]}</h1>
        <p>{detail ?? 'Check the link you were given, or ask the interviewer for a new one.'}</p>
        <p>
          <Link href="/" className={cx(ui.button, ui.primary)}>
            Start a new session
          </Link>
        </p>
      </div>
    </main>
  );
}
