import type { ConsoleEntry } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { REPORT_CLASS } from '@/lib/report-document';
import styles from './console-transcript.module.css';

/** Terminal escape sequences (colours, cursor moves), which a plain transcript leaves out. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(?:\x07|\x1b\\)/g;

/** Output as a terminal would leave it on screen: escapes dropped, a carriage return rewrites its line. */
function plain(text: string): string {
  return text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1))
    .join('\n');
}

/**
 * A run's console as text (playback, report): output, each typed line with who typed it, stops.
 * `until`: only what had happened by then (playback keeps the console in step with the code).
 */
export function ConsoleTranscript({
  entries,
  until,
  label = 'Console transcript',
}: {
  entries: readonly ConsoleEntry[];
  until?: number;
  label?: string;
}) {
  const shown = until === undefined ? entries : entries.filter((entry) => entry.at <= until);
  if (shown.length === 0) return null;
  return (
    <pre className={cx(styles.transcript, REPORT_CLASS.transcript)} aria-label={label} data-testid="console-transcript">
      {shown.map((entry, index) => {
        switch (entry.kind) {
          case 'stdout':
            return <span key={index}>{plain(entry.text)}</span>;
          case 'stderr':
            return (
              <span key={index} className={cx(styles.stderr, REPORT_CLASS.transcriptStderr)}>
                {plain(entry.text)}
              </span>
            );
          case 'stdin':
            return (
              <span key={index} className={cx(styles.stdin, REPORT_CLASS.transcriptStdin)}>
                {entry.text.replace(/\n$/, '')}
                <span className={cx(styles.who, REPORT_CLASS.transcriptWho)}> ← {entry.name}</span>
                {'\n'}
              </span>
            );
          case 'eof':
            return (
              <span key={index} className={cx(styles.who, REPORT_CLASS.transcriptWho)}>
                ^D end of input ({entry.name}){'\n'}
              </span>
            );
          case 'signal':
            return (
              <span key={index} className={cx(styles.who, REPORT_CLASS.transcriptWho)}>
                {entry.text === 'SIGINT' ? '^C' : '■ Stop'} by {entry.name}
                {'\n'}
              </span>
            );
        }
      })}
    </pre>
  );
}
