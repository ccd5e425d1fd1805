'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import { cx } from '@/lib/cx';
import type { InterviewRoomState } from '@/room/use-interview';
import styles from './interview-controls.module.css';
import ui from './ui.module.css';

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
    <section className={cx(ui.panel, styles.controls)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={ui.panelTitle}>
        Interview
      </h2>
      <label className={ui.toggle}>
        <input
          type="checkbox"
          checked={state.locked}
          disabled={disabled}
          onChange={(event) => void interview.setLocked(event.target.checked)}
        />
        Lock editing
      </label>
      <label className={ui.toggle}>
        <input
          type="checkbox"
          checked={state.runDisabled}
          disabled={disabled}
          onChange={(event) => void interview.setRunDisabled(event.target.checked)}
        />
        Disable Run for candidates
      </label>
      {interview.error ? (
        <p className={ui.refused} role="alert">
          {interview.error}{' '}
          <button type="button" className={ui.linkButton} onClick={interview.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      {state.ended ? (
        <p className={ui.hint}>The interview has ended.</p>
      ) : confirming ? (
        <div className={ui.confirm} role="group" aria-label="Confirm ending the interview">
          <p>End for everyone? The room becomes read-only.</p>
          <div className={ui.confirmButtons}>
            <button
              type="button"
              className={cx(ui.button, ui.danger)}
              onClick={() => {
                setConfirming(false);
                void interview.end();
              }}
            >
              Yes, end it
            </button>
            <button type="button" className={ui.button} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className={cx(ui.button, ui.dangerOutline)} disabled={disabled} onClick={() => setConfirming(true)}>
          End interview
        </button>
      )}
      <nav className={styles.links} aria-label="Review">
        <Link href={`/interview/${sessionId}/playback`}>Playback</Link>
        <Link href={`/interview/${sessionId}/report`}>Report</Link>
      </nav>
    </section>
  );
}
