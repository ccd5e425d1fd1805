import type { ConsoleEntry, TimelineRunEvent } from '@pairpad/protocol';
import { formatClock } from '@/lib/format';
import { ConsoleTranscript } from './console-transcript';
import styles from './playback-view.module.css';
import review from './review.module.css';

/**
 * One line of playback's Runs list: a program run (who, its result, its console as it was at
 * `at`) or a test run (who, "3 / 5 passed"). Both are runs: the list and its count hold both.
 */
export function PlaybackRunItem({
  event,
  transcripts,
  at,
}: {
  event: TimelineRunEvent;
  transcripts: ReadonlyMap<string, readonly ConsoleEntry[]>;
  at: number;
}) {
  if (event.kind === 'tests') {
    return (
      <li data-testid="playback-test-run">
        <span className={styles.when}>{formatClock(event.at)}</span> {event.name}: tests, {event.summary}
      </li>
    );
  }
  const { run } = event;
  const transcript = transcripts.get(run.jobId);
  return (
    <li data-testid="playback-run">
      <span className={styles.when}>{formatClock(run.queuedAt)}</span> {run.startedBy.name}:{' '}
      {run.result?.statusText ?? run.error?.message ?? run.state}
      {transcript ? (
        // The console as it was at this moment: output so far, lines typed so far.
        <ConsoleTranscript entries={transcript} until={at} />
      ) : run.result?.run?.output ? (
        <pre className={review.runSnippet}>{run.result.run.output.slice(0, 400)}</pre>
      ) : null}
    </li>
  );
}
