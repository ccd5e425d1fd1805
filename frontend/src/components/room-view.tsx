'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect, useMemo } from 'react';
import type { LanguageId, SessionPublicView } from '@pairpad/protocol';
import { decide } from '@pairpad/protocol/wire';
import { cx } from '@/lib/cx';
import { useRoom } from '@/room/use-room';
import { ChatPanel } from './chat-panel';
import { ConnectionStatus } from './connection-status';
import { SavingStatus } from './saving-status';
import { CopyLinkButton } from './copy-link-button';
import { EditorShortcuts } from './editor-shortcuts';
import { LanguageSelector } from './language-selector';
import { OutputPanel } from './output-panel';
import { Participants } from './participants';
import { RecordingNotice } from './recording-notice';
import { SessionMissing } from './session-missing';
import { QuestionPanel } from './question-panel';
import { SettingsMenu } from './settings-menu';
import styles from './room-view.module.css';
import ui from './ui.module.css';

// CodeMirror and its collaboration plugin are the heaviest part of the page: load them after first paint.
const CodeEditor = dynamic(() => import('./code-editor'), {
  ssr: false,
  loading: () => <div className={styles.editorLoading}>Loading editor…</div>,
});

// Parts not every first view shows, each loaded when it first renders (issue 21: a candidate's
// first load carries none of the interviewer's panels; test results come with a question's tests,
// "keep your code" with the end of the room).
const InterviewControls = dynamic(() => import('./interview-controls').then((module) => module.InterviewControls));
const PrivateNotes = dynamic(() => import('./private-notes').then((module) => module.PrivateNotes));
const KeepCode = dynamic(() => import('./keep-code').then((module) => module.KeepCode));
const TestResults = dynamic(() => import('./test-results').then((module) => module.TestResults));
const ScorecardPanel = dynamic(() => import('./scorecard-panel').then((module) => module.ScorecardPanel));

export interface RoomViewProps {
  apiUrl: string;
  session: SessionPublicView;
  name: string;
  token: string | null;
  personId?: string;
}

const CLOSED_HEADLINE = {
  expired: 'This session has expired.',
  deleted: 'This session was deleted.',
  ended: 'This interview has ended.',
  shutdown: 'The server is shutting down.',
} as const;

/** The interview room: header with session controls, the shared editor, people and output. */
export function RoomView({ apiUrl, session, name, token, personId }: RoomViewProps) {
  const guest = useMemo(() => (token ? { sessionId: session.id, token } : null), [session.id, token]);
  const room = useRoom({
    apiUrl,
    sessionId: session.id,
    name,
    token,
    ...(personId ? { personId } : {}),
    initialLanguage: session.language,
  });
  const title = session.title?.trim() || 'Untitled interview';

  useEffect(() => {
    document.title = `${title} · PairPad`;
  }, [title]);

  useEffect(() => {
    // Ctrl/Cmd+S would open the browser's "save page" dialog; the code is saved as you type.
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Refused before this tab ever joined: there is no code here to keep, so a full-page message.
  // Refused on a reconnect, the room stays on screen (read-only) with its code to copy or download.
  if (!room.joined && room.end?.kind === 'refused' && room.end.code === 'SESSION_NOT_FOUND') {
    return <SessionMissing reason="not-found" />;
  }
  if (!room.joined && room.end?.kind === 'refused' && room.end.code === 'SESSION_ENDED') {
    return <SessionMissing reason="ended" detail={room.end.message} />;
  }

  const closed = room.end !== null;
  const { state: interviewState } = room.interview;
  const isInterviewer = room.role === 'interviewer';
  // The same policy the server enforces on every message (protocol/permissions.ts).
  const editing = decide('edit', room.role, interviewState);
  const running = decide('run', room.role, interviewState);
  const lockedForMe = !editing.allowed && editing.code === 'EDITING_LOCKED';
  const readOnly = closed || !editing.allowed;
  const runOff = running.allowed ? null : running.message;
  const changeLanguage = (language: LanguageId) => void room.setLanguage(language);

  return (
    <div className={styles.room}>
      <header className={styles.topbar}>
        <Link href="/" className={ui.brand} aria-label="PairPad home">
          <span className={ui.brandMark} aria-hidden="true">
            ⌘
          </span>
          PairPad
        </Link>
        <h1 className={styles.sessionTitle} title={title}>
          {title}
        </h1>
        <span className={cx(styles.roleBadge, styles[room.role])} data-testid="my-role">
          {room.role === 'interviewer' ? 'You are the interviewer' : 'You are the candidate'}
        </span>
        <div className={ui.spacer} />
        <ConnectionStatus status={room.status} />
        <SavingStatus status={room.interview.saving} />
        <LanguageSelector value={room.language} onChange={changeLanguage} disabled={readOnly || room.status !== 'connected'} />
        <CopyLinkButton sessionId={session.id} />
        {isInterviewer && token ? <CopyLinkButton sessionId={session.id} interviewerToken={token} /> : null}
        <SettingsMenu />
      </header>

      {room.end ? (
        <div className={cx(styles.banner, styles.bannerError)} role="alert">
          <strong>
            {room.end.kind === 'closed'
              ? CLOSED_HEADLINE[room.end.reason]
              : room.end.code === 'SESSION_NOT_FOUND'
                ? 'This session is gone: the server no longer has it.'
                : 'You were disconnected from this session.'}
          </strong>{' '}
          {room.end.message}{' '}
          {room.joined && room.text ? <KeepCode code={() => room.text?.toString() ?? ''} language={room.language} /> : null}{' '}
          <Link href="/">Start a new session</Link>
        </div>
      ) : null}
      {interviewState.ended && !room.end ? (
        <div className={cx(styles.banner, styles.bannerEnded)} role="status" data-testid="interview-ended">
          <strong>Interview ended.</strong> The code is read-only
          {isInterviewer ? '; the playback and the report are ready.' : '. Thank you for your time!'}
        </div>
      ) : lockedForMe ? (
        <div className={cx(styles.banner, styles.bannerWarning)} role="status">
          The interviewer has locked editing for now.
        </div>
      ) : null}
      {room.notice ? (
        <div className={cx(styles.banner, styles.bannerWarning)} role="status">
          {room.notice}{' '}
          <button type="button" className={ui.linkButton} onClick={room.dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}

      <main className={styles.workspace}>
        <section className={styles.editorPane} aria-label="Editor">
          <QuestionPanel
            apiUrl={apiUrl}
            guest={guest}
            questions={room.questions}
            language={room.language}
            text={room.text}
            canChangeQuestion={!closed && room.status === 'connected' && decide('question', room.role, interviewState).allowed}
            canEditCode={!readOnly && room.status === 'connected'}
          />
          <div className={styles.editorFrame}>
            {room.text && room.awareness ? (
              <CodeEditor text={room.text} awareness={room.awareness} language={room.language} readOnly={readOnly} />
            ) : (
              <div className={styles.editorLoading}>Connecting…</div>
            )}
          </div>
          {(room.questions.question?.tests.length ?? 0) > 0 || room.questions.testRuns.length > 0 ? (
            <TestResults
              questions={room.questions}
              caseCount={room.questions.question?.tests.length ?? 0}
              canRun={!closed && room.status === 'connected' && runOff === null}
              runOffReason={runOff}
            />
          ) : null}
          <EditorShortcuts />
        </section>
        <aside className={styles.sidebar}>
          <Participants participants={room.participants} />
          <OutputPanel
            runs={room.runs}
            canRun={!closed && room.status === 'connected' && runOff === null}
            runOffReason={runOff}
            inputReadOnly={readOnly}
          />
        </aside>
        <aside className={styles.interviewPane} aria-label="Interview">
          {isInterviewer ? (
            <>
              <InterviewControls sessionId={session.id} interview={room.interview} connected={room.status === 'connected'} />
              <PrivateNotes notes={room.interview.notes} />
              <ScorecardPanel apiUrl={apiUrl} interviewId={session.id} />
            </>
          ) : (
            <RecordingNotice />
          )}
          <ChatPanel
            messages={room.interview.messages}
            selfName={name}
            disabled={closed || interviewState.ended || room.status !== 'connected'}
            send={room.interview.sendMessage}
          />
        </aside>
      </main>
    </div>
  );
}
