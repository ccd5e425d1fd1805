'use client';

import dynamic from 'next/dynamic';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { RunRecord } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import type { RunsState } from '@/room/use-runs';
import styles from './run-console.module.css';
import ui from './ui.module.css';

// xterm.js is loaded only once a run has a console: it stays out of the room's first load.
const ConsoleTerminal = dynamic(() => import('./console-terminal'), {
  ssr: false,
  loading: () => <div className={styles.loading}>Loading console…</div>,
});

/** After Stop's SIGINT, how long the program may take to exit before SIGKILL follows. */
const KILL_AFTER_MS = 1500;

export interface RunConsoleProps {
  run: RunRecord;
  runs: Pick<RunsState, 'consoles' | 'sendInput' | 'endInput' | 'stop'>;
  /** This participant may run code now (and so type into and stop a run). */
  canControl: boolean;
}

/**
 * A run's shared console: the terminal everyone sees, an input line for the program's stdin
 * while it runs (Enter sends the line, Ctrl+C interrupts, Ctrl+D ends the input) and Stop.
 */
export function RunConsole({ run, runs, canControl }: RunConsoleProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [line, setLine] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const running = run.state === 'running';
  const accepting = running && run.interactive === true && canControl;
  const killTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(killTimer.current), []);
  useEffect(() => {
    if (!running) {
      clearTimeout(killTimer.current);
      setStopping(false);
    }
  }, [running]);

  const report = (message: string | null) => setProblem(message);

  const send = async () => {
    const text = `${line}\n`;
    setLine('');
    report(await runs.sendInput(run.jobId, text));
  };

  const stop = async () => {
    setStopping(true);
    report(await runs.stop(run.jobId, 'SIGINT'));
    // SIGINT first, so the program can say goodbye; one that ignores it is killed.
    clearTimeout(killTimer.current);
    killTimer.current = setTimeout(() => void runs.stop(run.jobId, 'SIGKILL').then(report), KILL_AFTER_MS);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      void send();
    } else if (event.ctrlKey && !event.metaKey && event.key.toLowerCase() === 'c') {
      const field = event.currentTarget;
      // With text selected, Ctrl+C copies as usual; otherwise it interrupts, as in a terminal.
      if (field.selectionStart !== field.selectionEnd) return;
      event.preventDefault();
      void runs.stop(run.jobId, 'SIGINT').then(report);
    } else if (event.ctrlKey && !event.metaKey && event.key.toLowerCase() === 'd') {
      event.preventDefault();
      void runs.endInput(run.jobId).then(report);
    }
  };

  return (
    <section className={styles.console} aria-label="Console">
      <ConsoleTerminal jobId={run.jobId} consoles={runs.consoles} onFocusRequest={() => input.current?.focus()} />
      {running && canControl ? (
        <div className={styles.controls}>
          {run.interactive ? (
            <>
              <label htmlFor={inputId} className={ui.visuallyHidden}>
                Console input
              </label>
              <span className={styles.prompt} aria-hidden="true">
                ›
              </span>
              <input
                ref={input}
                id={inputId}
                className={styles.input}
                value={line}
                onChange={(event) => setLine(event.target.value)}
                onKeyDown={onKeyDown}
                disabled={!accepting}
                placeholder="Type input here while the program runs (Enter sends)"
                title="Enter sends the line · Ctrl+C interrupts · Ctrl+D ends the input"
                autoComplete="off"
                spellCheck={false}
                data-testid="console-input"
              />
            </>
          ) : (
            <span className={styles.note}>This run reads the Input box; typing here is off until it ends.</span>
          )}
          <button
            type="button"
            className={cx(ui.button, ui.danger, styles.stop)}
            onClick={() => void stop()}
            disabled={stopping}
            data-testid="console-stop"
          >
            <span aria-hidden="true">■</span> {stopping ? 'Stopping…' : 'Stop'}
          </button>
        </div>
      ) : null}
      {problem ? (
        <p className={styles.problem} role="alert">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
