'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { EditReplay } from '@pairpad/client';
import { languageLabel, timelineRuns, type LanguageId, type Timeline } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatClock } from '@/lib/format';
import { highlightCode } from '@/lib/highlight';
import { getTimeline } from '@/lib/interview-api';
import { fileLanguage } from '@pairpad/protocol/workspace';
import { formatPosition, playbackClock } from '@/lib/playback-clock';
import { MOMENT_KINDS, idleLabel, idleMoment, playbackMoments, type Moment } from '@/lib/playback-moments';
import { colorForName } from '@/room/user-color';
import { PlaybackRunItem } from './playback-run-item';
import { ReviewMessage } from './review-message';
import { useInterviewerData } from '@/lib/use-interviewer-data';
import styles from './playback-view.module.css';
import review from './review.module.css';
import ui from './ui.module.css';

const SPEEDS = [1, 2, 4, 8, 16, 32] as const;
const TICK_MS = 100;
const SLIDER_STEP_MS = 100;
/** Arrow keys move this far on the slider (Shift: ten times). */
const ARROW_STEP_MS = 5_000;

export interface PlaybackViewProps {
  sessionId: string;
  tokenFromUrl: string | null;
}

/** Interviewer-only replay of a session: every edit by its author, runs and events at any moment, idle stretches marked. */
export function PlaybackView({ sessionId, tokenFromUrl }: PlaybackViewProps) {
  const loaded = useInterviewerData(
    sessionId,
    tokenFromUrl,
    useCallback((apiUrl, token, signal) => getTimeline(apiUrl, sessionId, token, signal), [sessionId]),
  );
  if (loaded.state !== 'ready') return <ReviewMessage what="playback" sessionId={sessionId} loaded={loaded} />;
  return <Player sessionId={sessionId} timeline={loaded.data} />;
}

/** The replay of the code document, built once per timeline and freed with the page. */
function useReplay(timeline: Timeline): EditReplay {
  const replay = useMemo(() => new EditReplay(timeline.edits, timeline.startedAt), [timeline]);
  useEffect(() => () => replay.destroy(), [replay]);
  return replay;
}

function Player({ sessionId, timeline }: { sessionId: string; timeline: Timeline }) {
  const replay = useReplay(timeline);
  const events = useMemo(() => playbackMoments(timeline), [timeline]);
  const clock = useMemo(
    () =>
      playbackClock(
        [...replay.edits.map((edit) => edit.at), ...events.map((moment) => moment.at)],
        timeline.startedAt,
        timeline.endedAt ?? timeline.now,
      ),
    [replay, events, timeline],
  );
  // The list: every event, and each idle stretch where it began.
  const moments = useMemo(() => [...events, ...clock.gaps.map(idleMoment)].sort((a, b) => a.at - b.at), [events, clock]);
  const [position, setPosition] = useState(0);
  /** The workspace file shown (null: the entry, the code of a single-file room). */
  const [file, setFile] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(4);
  const duration = clock.duration;

  useEffect(() => {
    document.title = 'Playback · PairPad';
  }, []);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const elapsed = (now - last) * speed;
      last = now;
      setPosition((current) => {
        const next = current + elapsed;
        if (next >= duration) setPlaying(false);
        return Math.min(next, duration);
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, duration]);

  const togglePlay = useCallback(() => {
    setPlaying((wasPlaying) => {
      if (!wasPlaying) setPosition((current) => (current >= duration ? 0 : current));
      return !wasPlaying;
    });
  }, [duration]);
  const seekBy = useCallback((delta: number) => setPosition((current) => Math.max(0, Math.min(duration, current + delta))), [duration]);

  // Space plays and pauses, the arrows move: anywhere on the page but in a field, a list box or a button (which use them).
  const keys = useRef({ togglePlay, seekBy });
  keys.current = { togglePlay, seekBy };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, select, textarea, button, a, [contenteditable="true"]')) return;
      if (event.key === ' ') {
        event.preventDefault();
        keys.current.togglePlay();
      } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        event.preventDefault();
        keys.current.seekBy((event.key === 'ArrowLeft' ? -1 : 1) * ARROW_STEP_MS * (event.shiftKey ? 10 : 1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // On the slider: arrows move by seconds (a 100 ms step would take minutes to cross), space plays.
  const onSliderKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === ' ') {
      event.preventDefault();
      togglePlay();
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      const sign = event.key === 'ArrowLeft' || event.key === 'ArrowDown' ? -1 : 1;
      seekBy(sign * ARROW_STEP_MS * (event.shiftKey ? 10 : 1));
    }
  };

  const shown = Math.min(position, duration);
  const at = clock.toReal(position);
  const frame = replay.frameAt(at, file ?? undefined);
  const past = timeline.events.filter((event) => event.at <= at);
  const language: LanguageId = past.findLast((event) => event.kind === 'language')?.language ?? timeline.language;
  const runs = timelineRuns(past);
  const transcripts = useMemo(
    () => new Map((timeline.consoles ?? []).map((transcript) => [transcript.jobId, transcript.entries])),
    [timeline],
  );
  const shownLanguage = frame.path === frame.paths[0] ? language : (fileLanguage(frame.path)?.id ?? '');
  const highlighted = useMemo(() => highlightCode(frame.text, shownLanguage), [frame.text, shownLanguage]);
  const lastEdit = frame.last;
  // The lines the last edit touched (a paste spans several), marked in its author's colour.
  const range = lastEdit?.from !== undefined && lastEdit.to !== undefined ? { from: lastEdit.from, to: lastEdit.to } : null;
  const lastLine = range ? lineOf(frame.text, range.from) : null;
  const lastLines = range && lastLine !== null ? Math.max(1, lineOf(frame.text, Math.max(range.from, range.to - 1)) - lastLine + 1) : 1;
  const authorColor = lastEdit?.author ? colorForName(lastEdit.author.name) : null;
  const editLine = useRef<HTMLSpanElement>(null);
  // While it plays, the edit being shown stays in view.
  useEffect(() => {
    if (playing) editLine.current?.scrollIntoView({ block: 'nearest' });
  }, [playing, lastLine]);
  const percent = (value: number) => `${duration === 0 ? 0 : (value / duration) * 100}%`;

  return (
    <div className={review.review}>
      <header className={review.header}>
        <Link href={`/interview/${sessionId}`}>← Back to the room</Link>
        <h1>Playback</h1>
        <Link href={`/interview/${sessionId}/report`}>Report</Link>
      </header>
      <section aria-label="Playback controls">
        <div className={styles.controls}>
          <button type="button" className={cx(ui.button, ui.primary, styles.play)} onClick={togglePlay} aria-keyshortcuts="Space">
            {playing ? 'Pause' : 'Play'}
          </button>
          <div className={styles.track}>
            <input
              type="range"
              aria-label="Position"
              aria-keyshortcuts="Space ArrowLeft ArrowRight Home End"
              min={0}
              // A whole number of steps, so the last one reaches the end: the clock's end is the
              // last moment (or the interview's end, if later), so every event is on the slider.
              max={Math.max(SLIDER_STEP_MS, Math.ceil(duration / SLIDER_STEP_MS) * SLIDER_STEP_MS)}
              step={SLIDER_STEP_MS}
              value={Math.round(position)}
              aria-valuetext={`${formatPosition(shown)} of ${formatPosition(duration)}, ${formatClock(at)}`}
              onChange={(event) => setPosition(Number(event.target.value))}
              onKeyDown={onSliderKey}
            />
            {/* The ticks repeat the events list below, which is what assistive technology reads. */}
            <div className={styles.ticks} aria-hidden="true" data-testid="playback-ticks">
              {events.map((moment, index) => (
                <span
                  key={index}
                  className={cx(styles.tick, styles[moment.kind])}
                  style={{ left: percent(clock.toPosition(moment.at)) }}
                  title={`${formatClock(moment.at)} ${moment.text}`}
                  data-kind={moment.kind}
                  data-position={clock.toPosition(moment.at)}
                />
              ))}
              {clock.gaps.map((gap) => (
                <span
                  key={gap.from}
                  className={styles.gap}
                  style={{ left: percent(gap.position) }}
                  title={`Idle from ${formatClock(gap.from)} to ${formatClock(gap.to)}`}
                  data-testid="idle-gap"
                >
                  {idleLabel(gap)}
                </span>
              ))}
            </div>
          </div>
          <span className={styles.time} data-testid="playback-time">
            {formatPosition(shown)} / {formatPosition(duration)} · {formatClock(at)}
          </span>
          <label className={styles.speed}>
            Speed{' '}
            <select value={speed} onChange={(event) => setSpeed(Number(event.target.value) as (typeof SPEEDS)[number])}>
              {SPEEDS.map((value) => (
                <option key={value} value={value}>
                  {value}×
                </option>
              ))}
            </select>
          </label>
        </div>
        <ul className={styles.legend} aria-label="Tick colours">
          {MOMENT_KINDS.map(({ kind, label }) => (
            <li key={kind}>
              <span className={cx(styles.swatch, styles[kind])} aria-hidden="true" /> {label}
            </li>
          ))}
          <li className={styles.keysHint}>Space: play or pause · ←/→: 5 s (Shift: 50 s)</li>
        </ul>
      </section>
      <main className={styles.body}>
        <section className={cx(ui.panel, styles.code)} aria-label="Code at this moment">
          <h2 className={ui.panelTitle}>Code · {languageLabel(language)}</h2>
          {frame.paths.length > 1 || file !== null ? (
            <label className={styles.filePicker}>
              File{' '}
              <select value={frame.path} onChange={(event) => setFile(event.target.value === frame.paths[0] ? null : event.target.value)}>
                {(frame.paths.includes(frame.path) ? frame.paths : [...frame.paths, frame.path]).map((path) => (
                  <option key={path} value={path}>
                    {path}
                    {path === frame.paths[0] ? ' (entry)' : frame.paths.includes(path) ? '' : ' (not there yet)'}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <p className={styles.lastEdit} data-testid="playback-last-edit">
            {lastEdit ? (
              <>
                <span className={styles.swatch} style={authorColor ? { background: authorColor.color } : undefined} aria-hidden="true" />
                Last edit: {lastEdit.author ? `${lastEdit.author.name} (${lastEdit.author.role})` : 'the room (starter code)'} at{' '}
                {formatClock(lastEdit.at)}
              </>
            ) : (
              'No edit yet.'
            )}
          </p>
          <div className={styles.codeFrame}>
            <pre className={cx(review.codeView, styles.codeText, 'hljs')}>
              {lastLine !== null ? (
                <span
                  ref={editLine}
                  className={styles.editLine}
                  style={{
                    top: `calc(${lastLine} * var(--playback-line))`,
                    height: `calc(${lastLines} * var(--playback-line))`,
                    // The author's colour on the border only: a tinted fill would drop the code's text below AA.
                    ...(authorColor ? { borderColor: authorColor.color } : {}),
                  }}
                  aria-hidden="true"
                  data-testid="playback-edit-line"
                />
              ) : null}
              <code data-testid="playback-code" dangerouslySetInnerHTML={{ __html: highlighted }} />
            </pre>
          </div>
        </section>
        <aside className={styles.side}>
          <section className={ui.panel} aria-labelledby="playback-runs">
            <h2 id="playback-runs" className={ui.panelTitle}>
              Runs <span className={ui.countBadge}>{runs.length}</span>
            </h2>
            <ol className={styles.list} aria-label="Runs so far">
              {runs.length === 0 ? <li className={ui.muted}>No runs yet.</li> : null}
              {runs.map((event) => (
                <PlaybackRunItem
                  key={event.kind === 'run' ? event.run.jobId : event.runId}
                  event={event}
                  transcripts={transcripts}
                  at={at}
                />
              ))}
            </ol>
          </section>
          <section className={ui.panel} aria-labelledby="playback-events">
            <h2 id="playback-events" className={ui.panelTitle}>
              Events
            </h2>
            <ol className={styles.list} aria-label="Events so far">
              {moments.map((moment: Moment, index) => (
                <li
                  key={index}
                  className={moment.at <= at ? undefined : styles.upcoming}
                  data-kind={moment.kind}
                  data-state={moment.at <= at ? 'past' : 'upcoming'}
                >
                  <button
                    type="button"
                    className={ui.linkButton}
                    onClick={() => {
                      setPosition(clock.toPosition(moment.at));
                      if (moment.path) setFile(moment.path);
                    }}
                  >
                    {formatClock(moment.at)}
                  </button>{' '}
                  {moment.text}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </main>
    </div>
  );
}

/** The 0-based line of character `index`. */
function lineOf(text: string, index: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
