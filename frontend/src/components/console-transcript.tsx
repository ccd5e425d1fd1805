import type { ConsoleEntry } from '@pairpad/protocol';

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
export function ConsoleTranscript({ entries, until, label = 'Console transcript' }: { entries: readonly ConsoleEntry[]; until?: number; label?: string }) {
  const shown = until === undefined ? entries : entries.filter((entry) => entry.at <= until);
  if (shown.length === 0) return null;
  return (
    <pre className="console-transcript" aria-label={label} data-testid="console-transcript">
      {shown.map((entry, index) => {
        switch (entry.kind) {
          case 'stdout':
            return <span key={index}>{plain(entry.text)}</span>;
          case 'stderr':
            return (
              <span key={index} className="transcript-stderr">
                {plain(entry.text)}
              </span>
            );
          case 'stdin':
            return (
              <span key={index} className="transcript-stdin">
                {entry.text.replace(/\n$/, '')}
                <span className="transcript-who"> ← {entry.name}</span>
                {'\n'}
              </span>
            );
          case 'eof':
            return (
              <span key={index} className="transcript-who">
                ^D end of input ({entry.name}){'\n'}
              </span>
            );
          case 'signal':
            return (
              <span key={index} className="transcript-who">
                {entry.text === 'SIGINT' ? '^C' : '■ Stop'} by {entry.name}
                {'\n'}
              </span>
            );
        }
      })}
    </pre>
  );
}
