'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { languageLabel, textAtCheckpoint, timelineRuns, type LanguageId, type Timeline } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatClock } from '@/lib/format';
import { highlightCode } from '@/lib/highlight';
import { getTimeline } from '@/lib/interview-api';
import { formatPosition, playbackClock } from '@/lib/playback-clock';
import { describeEvent } from '@/lib/timeline-words';
import { PlaybackRunItem } from './playback-run-item';
import { ReviewMessage } from './review-message';
import { useInterviewerData } from '@/lib/use-interviewer-data';
import styles from './playback-view.module.css';
import review from './review.module.css';
import ui from './ui.module.css';

const SPEEDS = [1, 2, 4, 8, 16, 32] as const;
const TICK_MS = 100;
const SLIDER_STEP_MS = 100;

export interface PlaybackViewProps {
  sessionId: string;
  tokenFromUrl: string | null;
}

/** Interviewer-only replay of a session: code, runs and events at any moment, idle gaps skipped. */
export function PlaybackView({ sessionId, tokenFromUrl }: PlaybackViewProps) {
  const loaded = useInterviewerData(
    sessionId,
    tokenFromUrl,
    useCallback((apiUrl, token, signal) => getTimeline(apiUrl, sessionId, token, signal), [sessionId]),
  );
  if (loaded.state !== 'ready') return <ReviewMessage what="playback" sessionId={sessionId} loaded={loaded} />;
  return <Player sessionId={sessionId} timeline={loaded.data} />;
}

function Player({ sessionId, timeline }: { sessionId: string; timeline: Timeline }) {
  const end = timeline.endedAt ?? timeline.now;
  const clock = useMemo(
    () =>
      playbackClock(
        [...timeline.checkpoints.map((checkpoint) => checkpoint.at), ...timeline.events.map((event) => event.at)],
        timeline.startedAt,
        end,
      ),
    [timeline, end],
  );
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(4);

  useEffect(() => {
    document.title = 'Playback · PairPad';
  }, []);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setPosition((current) => {
        const next = current + TICK_MS * speed;
        if (next >= clock.duration) setPlaying(false);
        return Math.min(next, clock.duration);
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, clock.duration]);

  const shown = Math.min(position, clock.duration);
  const at = clock.toReal(position);
  const checkpointIndex = timeline.checkpoints.findLastIndex((checkpoint) => checkpoint.at <= at);
  const code = textAtCheckpoint(timeline.checkpoints, Math.max(0, checkpointIndex));
  const past = timeline.events.filter((event) => event.at <= at);
  const language: LanguageId = past.findLast((event) => event.kind === 'language')?.language ?? timeline.language;
  const runs = timelineRuns(past);
  const transcripts = useMemo(
    () => new Map((timeline.consoles ?? []).map((transcript) => [transcript.jobId, transcript.entries])),
    [timeline],
  );
  const highlighted = useMemo(() => highlightCode(code, language), [code, language]);

  const togglePlay = () => {
    if (!playing && position >= clock.duration) setPosition(0);
    setPlaying(!playing);
  };

  return (
    <div className={review.review}>
      <header className={review.header}>
        <Link href={`/interview/${sessionId}`}>← Back to the room</Link>
        <h1>Playback</h1>
        <Link href={`/interview/${sessionId}/report`}>Report</Link>
      </header>
      <section className={styles.controls} aria-label="Playback controls">
        <button type="button" className={cx(ui.button, ui.primary, styles.play)} onClick={togglePlay}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          aria-label="Position"
          min={0}
          // A whole number of steps, so the last one reaches the end (an interview ended right after
          // its last edit keeps that edit in its final moments). A position past the end is the end
          // (the clock clamps); clamping it here would be undone by the browser snapping it to a step.
          max={Math.max(SLIDER_STEP_MS, Math.ceil(clock.duration / SLIDER_STEP_MS) * SLIDER_STEP_MS)}
          step={SLIDER_STEP_MS}
          value={Math.round(position)}
          aria-valuetext={`${formatPosition(shown)} of ${formatPosition(clock.duration)}`}
          onChange={(event) => setPosition(Number(event.target.value))}
        />
        <span className={styles.time} data-testid="playback-time">
          {formatPosition(shown)} / {formatPosition(clock.duration)} · {formatClock(at)}
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
      </section>
      <main className={styles.body}>
        <section className={cx(ui.panel, styles.code)} aria-label="Code at this moment">
          <h2 className={ui.panelTitle}>Code · {languageLabel(language)}</h2>
          <pre className={cx(review.codeView, 'hljs')}>
            <code data-testid="playback-code" dangerouslySetInnerHTML={{ __html: highlighted }} />
          </pre>
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
              {timeline.events.map((event, index) => (
                <li key={index} className={event.at <= at ? undefined : styles.upcoming}>
                  <button type="button" className={ui.linkButton} onClick={() => setPosition(clock.toPosition(event.at))}>
                    {formatClock(event.at)}
                  </button>{' '}
                  {describeEvent(event)}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </main>
    </div>
  );
}
