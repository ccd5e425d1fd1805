'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import type { ConnectionStatus as RoomStatus } from '@pairpad/client';
import type { LanguageId, Role } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import type { Participant } from '@/room/participants';
import type { InterviewRoomState } from '@/room/use-interview';
import { initials } from '@/room/user-color';
import { ConnectionStatus } from './connection-status';
import { CopyLinkButton } from './copy-link-button';
import { HeaderPopover } from './header-popover';
import { LanguageSelector } from './language-selector';
import { Participants } from './participants';
import { RecordingNotice } from './recording-notice';
import { SavingStatus } from './saving-status';
import { SettingsMenu } from './settings-menu';
import styles from './room-header.module.css';
import ui from './ui.module.css';

// Interviewers only, and only once their panel opens: not in a candidate's first load (issue 21).
const InterviewControls = dynamic(() => import('./interview-controls').then((module) => module.InterviewControls));

export interface RoomHeaderProps {
  sessionId: string;
  title: string;
  role: Role;
  status: RoomStatus;
  interview: InterviewRoomState;
  participants: Participant[];
  /** The interviewer link's token, when this tab has it (then "Copy interviewer link" is offered). */
  token: string | null;
  /** The language picker lives here on wide screens; on a phone it sits over the editor. */
  language: { value: LanguageId; onChange(language: LanguageId): void; disabled: boolean } | null;
  compact: boolean;
}

/** The faces of the first people in the room, on the People button. */
const FACES_SHOWN = 3;

/**
 * The room's one-row header: where you are and who you are on the left; the connection, the
 * language and, one click away each, the people (with the invite links), the interviewer's
 * controls and this browser's settings on the right.
 */
export function RoomHeader({ sessionId, title, role, status, interview, participants, token, language, compact }: RoomHeaderProps) {
  const isInterviewer = role === 'interviewer';
  const faces = (
    <span className={styles.faces}>
      {participants.slice(0, FACES_SHOWN).map((participant) => (
        <span key={participant.key} className={styles.face} style={{ backgroundColor: participant.color }}>
          {initials(participant.name)}
        </span>
      ))}
      {participants.length > FACES_SHOWN ? <span className={styles.more}>+{participants.length - FACES_SHOWN}</span> : null}
    </span>
  );

  return (
    <header className={styles.header}>
      <Link href="/" className={cx(ui.brand, styles.brand)} aria-label="PairPad home">
        <span className={ui.brandMark} aria-hidden="true">
          ⌘
        </span>
        <span className={styles.brandName}>PairPad</span>
      </Link>
      <h1 className={styles.title} title={title}>
        {title}
      </h1>
      <span className={cx(styles.roleBadge, styles[role])} data-testid="my-role">
        {compact ? (
          <>
            <span className={ui.visuallyHidden}>You are the </span>
            {isInterviewer ? 'Interviewer' : 'Candidate'}
          </>
        ) : isInterviewer ? (
          'You are the interviewer'
        ) : (
          'You are the candidate'
        )}
      </span>
      <span className={styles.spacer} />
      <span className={styles.status}>
        <ConnectionStatus status={status} />
      </span>
      {/* On a phone "All changes saved" goes unsaid (screen readers still hear it); a delay is always shown. */}
      <span className={cx(styles.saving, compact && interview.saving === 'saved' && ui.visuallyHidden)}>
        <SavingStatus status={interview.saving} />
      </span>
      {language ? <LanguageSelector value={language.value} onChange={language.onChange} disabled={language.disabled} /> : null}
      <HeaderPopover label="People" icon={faces} hideLabel={compact} wide>
        {isInterviewer ? (
          <section className={ui.panel} aria-label="Invite">
            <h2 className={ui.panelTitle}>Invite</h2>
            <div className={styles.links}>
              <CopyLinkButton sessionId={sessionId} />
              {token ? <CopyLinkButton sessionId={sessionId} interviewerToken={token} /> : null}
            </div>
          </section>
        ) : null}
        <Participants participants={participants} />
      </HeaderPopover>
      {isInterviewer ? null : (
        // The candidate always sees that the session is recorded; what exactly, one click away.
        <HeaderPopover label="Recorded" icon={<span className={styles.recordedDot} />} hideLabel={compact}>
          <RecordingNotice />
        </HeaderPopover>
      )}
      {isInterviewer ? (
        <HeaderPopover label="Interview controls" hideLabel={compact} icon={compact ? '☰' : null}>
          <InterviewControls sessionId={sessionId} interview={interview} connected={status === 'connected'} />
        </HeaderPopover>
      ) : null}
      <SettingsMenu iconOnly={compact} />
    </header>
  );
}
