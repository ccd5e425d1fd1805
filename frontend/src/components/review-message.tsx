import Link from 'next/link';
import type { InterviewerData } from '@/lib/use-interviewer-data';
import ui from './ui.module.css';

/** What the playback and report pages show before their data is there, or instead of it. */
export function ReviewMessage({ what, sessionId, loaded }: { what: string; sessionId: string; loaded: InterviewerData<unknown> }) {
  if (loaded.state === 'loading' || loaded.state === 'ready') {
    return (
      <main className={ui.centeredPage} aria-busy="true">
        <p className={ui.loadingLine}>Loading the {what}…</p>
      </main>
    );
  }
  return (
    <main className={ui.centeredPage}>
      <div className={ui.card} role="alert">
        <h1>{loaded.state === 'no-token' ? `The ${what} is for the interviewer` : `Cannot open the ${what}`}</h1>
        <p>
          {loaded.state === 'no-token'
            ? 'Sign in as a member of the team, or open it from the interviewer link of this session.'
            : loaded.message}
        </p>
        <p>
          {loaded.state === 'no-token' ? (
            <>
              <Link
                href={`/sign-in?${new URLSearchParams({ returnTo: `/interview/${sessionId}/${what === 'report' ? 'report' : 'playback'}` }).toString()}`}
              >
                Sign in
              </Link>
              {' · '}
            </>
          ) : null}
          <Link href={`/interview/${sessionId}`}>Back to the room</Link>
        </p>
      </div>
    </main>
  );
}
