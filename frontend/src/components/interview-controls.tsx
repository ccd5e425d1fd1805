'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import type { InterviewRoomState } from '@/room/use-interview';

export interface InterviewControlsProps {
  sessionId: string;
  interview: InterviewRoomState;
  /** False while disconnected. */
  connected: boolean;
}

/**
 * The interviewer's controls: lock editing and Run for the candidate, end the interview (asked
 * twice, it cannot be undone), and the way to playback and the report. The server checks every
 * one of these; hiding this panel from candidates is only the UI's courtesy.
 */
export function InterviewControls({ sessionId, interview, connected }: InterviewControlsProps) {
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const { state } = interview;
  const disabled = !connected || state.ended;

  return (
    <section className="panel interview-controls" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="panel-title">
        Interview
      </h2>
      <label className="toggle">
        <input type="checkbox" checked={state.locked} disabled={disabled} onChange={(event) => void interview.setLocked(event.target.checked)} />
        Lock editing
      </label>
      <label className="toggle">
        <input type="checkbox" checked={state.runDisabled} disabled={disabled} onChange={(event) => void interview.setRunDisabled(event.target.checked)} />
        Disable Run for candidates
      </label>
      {interview.error ? (
        <p className="run-refused" role="alert">
          {interview.error}{' '}
          <button type="button" className="link-button" onClick={interview.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      {state.ended ? (
        <p className="hint">The interview has ended.</p>
      ) : confirming ? (
        <div className="confirm-end" role="group" aria-label="Confirm ending the interview">
          <p>End for everyone? The room becomes read-only.</p>
          <div className="confirm-buttons">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                setConfirming(false);
                void interview.end();
              }}
            >
              Yes, end it
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button danger-outline" disabled={disabled} onClick={() => setConfirming(true)}>
          End interview
        </button>
      )}
      <nav className="interview-links" aria-label="Review">
        <Link href={`/interview/${sessionId}/playback`}>Playback</Link>
        <Link href={`/interview/${sessionId}/report`}>Report</Link>
      </nav>
    </section>
  );
}
