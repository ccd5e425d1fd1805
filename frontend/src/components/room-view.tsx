'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LanguageId, SessionPublicView } from '@pairpad/protocol';
import { decide } from '@pairpad/protocol/wire';
import { cx } from '@/lib/cx';
import { readStoredNumber, writeStoredNumber } from '@/lib/stored-number';
import { useMediaQuery } from '@/lib/use-media-query';
import { useMultiFile } from '@/room/use-multi-file';
import { useRoom } from '@/room/use-room';
import { useUnreadChat, useUnreadNotes } from '@/room/use-unread';
import { ChatPanel } from './chat-panel';
import { EditorShortcuts } from './editor-shortcuts';
import { LanguageSelector } from './language-selector';
import { OutputPanel } from './output-panel';
import { PaneSplitter } from './pane-splitter';
import { RoomHeader } from './room-header';
import { RoomTabs, type RoomTab } from './room-tabs';
import { SessionMissing } from './session-missing';
import styles from './room-view.module.css';
import ui from './ui.module.css';

// CodeMirror and its collaboration plugin are the heaviest part of the page: load them after first paint.
const CodeEditor = dynamic(() => import('./code-editor'), {
  ssr: false,
  loading: () => <div className={styles.editorLoading}>Loading editor…</div>,
});

// Parts not every first view shows, each loaded when it first renders (issue 21: a candidate's
// first load carries none of the interviewer's panels; test results come with a question's tests,
// the question panel with a question, "keep your code" with the end of the room).
const PrivateNotes = dynamic(() => import('./private-notes').then((module) => module.PrivateNotes));
const KeepCode = dynamic(() => import('./keep-code').then((module) => module.KeepCode));
const TestResults = dynamic(() => import('./test-results').then((module) => module.TestResults));
const ScorecardPanel = dynamic(() => import('./scorecard-panel').then((module) => module.ScorecardPanel));
// The question panel: a room with a question, or an interviewer's (who may pick one).
const QuestionPanel = dynamic(() => import('./question-panel').then((module) => module.QuestionPanel));
// The file tree, tabs and per-file editor: loaded once the room has a second file or someone adds one.
const WorkspaceEditor = dynamic(() => import('./workspace/workspace-editor'), {
  ssr: false,
  loading: () => <div className={styles.editorLoading}>Loading files…</div>,
});
const PreviewPanel = dynamic(() => import('./preview-panel').then((module) => module.PreviewPanel));

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

/** The side area's tabs; a phone shows the editor as one more tab ("Code"). */
type SideTab = 'output' | 'tests' | 'question' | 'preview' | 'chat' | 'notes' | 'scorecard';
type Pane = 'code' | SideTab;

/** At this width and below, one pane at a time with a tab bar (phones, tablets held upright). */
export const COMPACT_QUERY = '(max-width: 820px)';
/** A touch screen without a mouse: no keyboard hints. */
const TOUCH_QUERY = '(hover: none) and (pointer: coarse)';
/** Where this browser keeps the side area's width (px), as the user left it. */
const SIDE_WIDTH_KEY = 'pairpad.room.sideWidth';
/** The side area at its narrowest, and the least the editor keeps. */
const SIDE_MIN_PX = 300;
const EDITOR_MIN_PX = 360;

/** The interview room: the header, the shared editor as the largest pane, and the side area's tabs. */
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
  const compact = useMediaQuery(COMPACT_QUERY);
  const touch = useMediaQuery(TOUCH_QUERY);
  const ids = useId();
  const [chosenTab, setChosenTab] = useState<SideTab | null>(null);
  const [chosenPane, setChosenPane] = useState<Pane>('code');
  const [sideWidth, setSideWidth] = useState<number | null>(null);
  const multiFile = useMultiFile(room.text?.doc ?? null);
  /** Grows with each "Add file": the first one loads the tree, each one opens its new-file field. */
  const [addFileRequest, setAddFileRequest] = useState(0);
  const workspaceShown = multiFile || addFileRequest > 0;

  useEffect(() => setSideWidth(readStoredNumber(SIDE_WIDTH_KEY)), []);
  const resizeSide = useCallback((width: number) => {
    setSideWidth(width);
    writeStoredNumber(SIDE_WIDTH_KEY, width);
  }, []);

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

  const isInterviewer = room.role === 'interviewer';
  const { question, testRuns } = room.questions;
  const hasQuestion = question !== null && (question.description.trim() !== '' || question.tests.length > 0 || question.title !== null);
  const hasTests = (question?.tests.length ?? 0) > 0 || testRuns.length > 0;
  const showsQuestion = hasQuestion || isInterviewer;
  // Until someone picks a tab: the question when there is one to read, else the output (and Run).
  const sideTab: SideTab = chosenTab ?? (hasQuestion ? 'question' : 'output');
  const pane: Pane = compact ? chosenPane : 'code';
  const visible = (tab: SideTab) => (compact ? pane === tab : sideTab === tab);
  const chatUnread = useUnreadChat(room.interview.messages, name, visible('chat'));
  const notesUnread = useUnreadNotes(room.interview.notes, visible('notes'));

  const show = useCallback((tab: SideTab) => {
    setChosenTab(tab);
    setChosenPane(tab);
  }, []);

  // A new run or test run brings its results into view, unless the person is busy elsewhere
  // (chat, notes, or the code on a phone). Finished runs that arrive with the room's history are not news.
  const newestRun = room.runs.runs[0];
  const newestTestRun = testRuns[0];
  const freshRun = newestRun && newestRun.state !== 'completed' && newestRun.state !== 'failed' ? newestRun.jobId : null;
  const freshTestRun =
    newestTestRun && newestTestRun.state !== 'completed' && newestTestRun.state !== 'failed' ? newestTestRun.runId : null;
  const where = useRef<Pane>('code');
  where.current = compact ? pane : sideTab;
  const follow = useCallback(
    (tab: SideTab) => {
      if (where.current === 'question' || where.current === 'output' || where.current === 'tests') show(tab);
    },
    [show],
  );
  useEffect(() => {
    if (freshRun) follow('output');
  }, [freshRun, follow]);
  useEffect(() => {
    if (freshTestRun) follow('tests');
  }, [freshTestRun, follow]);

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
  // The same policy the server enforces on every message (protocol/permissions.ts).
  const editing = decide('edit', room.role, interviewState);
  const running = decide('run', room.role, interviewState);
  const lockedForMe = !editing.allowed && editing.code === 'EDITING_LOCKED';
  const readOnly = closed || !editing.allowed;
  const runOff = running.allowed ? null : running.message;
  const canRun = !closed && room.status === 'connected' && runOff === null;
  const language = {
    value: room.language,
    onChange: (next: LanguageId) => void room.setLanguage(next),
    disabled: readOnly || room.status !== 'connected',
  };

  const sideTabs: Array<RoomTab<SideTab>> = [
    { id: 'output', label: compact ? 'Run' : 'Output & console' },
    ...(hasTests ? [{ id: 'tests' as const, label: 'Tests' }] : []),
    ...(showsQuestion ? [{ id: 'question' as const, label: 'Question' }] : []),
    { id: 'preview', label: 'Preview' },
    { id: 'chat', label: 'Chat', unread: chatUnread },
    // Interviewers' own tabs: private notes (and, beside them, whatever else only they see).
    ...(isInterviewer ? [{ id: 'notes' as const, label: 'Notes', unread: notesUnread }] : []),
    ...(isInterviewer ? [{ id: 'scorecard' as const, label: compact ? 'Score' : 'Scorecard' }] : []),
  ];
  const activeSide = sideTabs.some((tab) => tab.id === sideTab) ? sideTab : 'output';
  const activePane: Pane = pane === 'code' || sideTabs.some((tab) => tab.id === pane) ? pane : 'code';
  const tabId = (id: Pane) => `${ids}-tab-${id}`;
  const panelId = (id: Pane) => `${ids}-panel-${id}`;
  const panelShown = (id: SideTab) => (compact ? activePane === id : activeSide === id);

  const panel = (id: SideTab, children: ReactNode, className?: string) => (
    <div
      key={id}
      id={panelId(id)}
      role="tabpanel"
      aria-labelledby={tabId(id)}
      className={cx(styles.tabPanel, className)}
      hidden={!panelShown(id)}
      data-testid={`${id}-panel`}
    >
      {children}
    </div>
  );

  return (
    <div className={cx(styles.room, compact && styles.compact)}>
      <RoomHeader
        sessionId={session.id}
        title={title}
        role={room.role}
        status={room.status}
        interview={room.interview}
        participants={room.participants}
        token={isInterviewer ? token : null}
        language={compact ? null : language}
        compact={compact}
      />

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
          {room.joined && room.text ? (
            <KeepCode code={() => room.text?.toString() ?? ''} language={room.language} doc={room.text.doc ?? undefined} />
          ) : null}{' '}
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
        <section
          id={panelId('code')}
          className={styles.editorPane}
          aria-label="Editor"
          {...(compact ? { role: 'tabpanel', 'aria-labelledby': tabId('code') } : {})}
          hidden={compact && activePane !== 'code'}
        >
          {compact ? (
            <div className={styles.codeBar}>
              <LanguageSelector value={language.value} onChange={language.onChange} disabled={language.disabled} />
              <button
                type="button"
                className={cx(ui.button, ui.primary)}
                disabled={!canRun || room.runs.starting}
                onClick={() => {
                  show('output');
                  void room.runs.run();
                }}
              >
                <span aria-hidden="true">▶</span> Run
              </button>
            </div>
          ) : null}
          <div className={styles.editorFrame}>
            {room.text?.doc && room.awareness && workspaceShown ? (
              <WorkspaceEditor
                doc={room.text.doc}
                awareness={room.awareness}
                participants={room.participants}
                roomLanguage={room.language}
                readOnly={readOnly}
                compact={compact}
                createRequest={addFileRequest}
              />
            ) : room.text && room.awareness ? (
              <CodeEditor text={room.text} awareness={room.awareness} language={room.language} readOnly={readOnly} />
            ) : (
              <div className={styles.editorLoading}>Connecting…</div>
            )}
          </div>
          <div className={styles.editorFooter}>
            {touch ? null : <EditorShortcuts />}
            {workspaceShown || readOnly || !room.text ? null : (
              <button type="button" className={cx(ui.linkButton, styles.addFile)} onClick={() => setAddFileRequest((count) => count + 1)}>
                Add file
              </button>
            )}
          </div>
        </section>
        {compact ? null : (
          <PaneSplitter
            controls={`${ids}-side`}
            label="Resize the editor and the side panel"
            size={sideWidth}
            onResize={resizeSide}
            minSize={SIDE_MIN_PX}
            minOther={EDITOR_MIN_PX}
          />
        )}
        <section
          id={`${ids}-side`}
          className={styles.side}
          aria-label="Side panel"
          style={compact || sideWidth === null ? undefined : { width: sideWidth }}
          hidden={compact && activePane === 'code'}
        >
          {compact ? null : (
            <RoomTabs label="Side panel" tabs={sideTabs} active={activeSide} onSelect={show} tabId={tabId} panelId={panelId} />
          )}
          {panel('output', <OutputPanel runs={room.runs} canRun={canRun} runOffReason={runOff} inputReadOnly={readOnly} />, styles.fill)}
          {hasTests
            ? panel(
                'tests',
                <TestResults questions={room.questions} caseCount={question?.tests.length ?? 0} canRun={canRun} runOffReason={runOff} />,
              )
            : null}
          {showsQuestion
            ? panel(
                'question',
                <QuestionPanel
                  apiUrl={apiUrl}
                  guest={guest}
                  questions={room.questions}
                  language={room.language}
                  text={room.text}
                  canChangeQuestion={!closed && room.status === 'connected' && decide('question', room.role, interviewState).allowed}
                  canEditCode={!readOnly && room.status === 'connected'}
                />,
              )
            : null}
          {panelShown('preview') || room.preview.status.state !== 'off'
            ? panel(
                'preview',
                <PreviewPanel
                  preview={room.preview}
                  questionTemplate={question?.template ?? null}
                  consoles={room.runs.consoles}
                  canStart={!closed && room.status === 'connected' && running.allowed && editing.allowed}
                  startOffReason={closed ? 'The room is closed.' : (runOff ?? (editing.allowed ? null : editing.message))}
                />,
                styles.fill,
              )
            : null}
          {panel(
            'chat',
            <ChatPanel
              messages={room.interview.messages}
              selfName={name}
              disabled={closed || interviewState.ended || room.status !== 'connected'}
              send={room.interview.sendMessage}
            />,
            styles.fill,
          )}
          {isInterviewer ? panel('notes', <PrivateNotes notes={room.interview.notes} />, styles.fill) : null}
          {isInterviewer ? panel('scorecard', <ScorecardPanel apiUrl={apiUrl} interviewId={session.id} />, styles.fill) : null}
        </section>
      </main>
      {compact ? (
        <nav className={styles.tabBar} aria-label="Room panes">
          <RoomTabs
            label="Room"
            variant="bar"
            tabs={[{ id: 'code', label: 'Code' }, ...sideTabs]}
            active={activePane}
            onSelect={(id: Pane) => (id === 'code' ? setChosenPane('code') : show(id))}
            tabId={tabId}
            panelId={panelId}
          />
        </nav>
      ) : null}
    </div>
  );
}
