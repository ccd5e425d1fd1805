'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { cx } from '@/lib/cx';
import type { RunsState } from '@/room/use-runs';
import { RunList } from './run-list';
import { RunConsole } from './run-console';
import { RunOutput } from './run-output';
import { SharedTextarea } from './shared-textarea';
import styles from './output-panel.module.css';
import ui from './ui.module.css';

export interface OutputPanelProps {
  runs: RunsState;
  /** False while disconnected or after the session closed. */
  canRun: boolean;
  /** Why Run is off for this user (run disabled by the interviewer, interview ended), if it is. */
  runOffReason?: string | null;
  /** The shared input is read-only too while editing is locked or the interview has ended. */
  inputReadOnly?: boolean;
}

/**
 * Run controls, the shared program input and the room's output. Everyone in the room sees the
 * same runs: who started each, its elapsed time while it waits or runs, and then its result.
 */
export function OutputPanel({ runs, canRun, runOffReason = null, inputReadOnly = false }: OutputPanelProps) {
  const inputId = useId();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const newestId = runs.runs[0]?.jobId ?? null;
  const run = useRef(runs.run);
  run.current = runs.run;
  const enabled = useRef(canRun);
  enabled.current = canRun;

  // A new run (from anyone) takes over the output; picking an older one from the list shows it until then.
  useEffect(() => setSelectedId(null), [newestId]);

  useEffect(() => {
    // Capture phase on window: Ctrl/Cmd+Enter runs from anywhere in the room, including the
    // editor, before CodeMirror's own Mod-Enter (insert blank line) sees the key.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat && enabled.current) void run.current();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);

  const shown = runs.runs.find((candidate) => candidate.jobId === selectedId) ?? runs.runs[0] ?? null;
  // One place for stdin at a time: while a program reads the console, the Input box steps aside.
  const consoleTakesInput = runs.runs.some((candidate) => candidate.state === 'running' && candidate.interactive === true);

  return (
    <section className={cx(ui.panel, styles.panel)} aria-labelledby={`${inputId}-title`}>
      <div className={ui.panelHeader}>
        <h2 id={`${inputId}-title`} className={ui.panelTitle}>
          Run
        </h2>
        <button
          type="button"
          className={cx(ui.button, ui.primary)}
          onClick={() => void runs.run()}
          disabled={!canRun || runs.starting}
          aria-describedby={`${inputId}-hint`}
        >
          <span aria-hidden="true">▶</span> Run
        </button>
      </div>
      <p id={`${inputId}-hint`} className={ui.hint}>
        {runOffReason ?? (
          <>
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs the code for everyone in the room.
          </>
        )}
      </p>
      {runs.error ? (
        <p className={ui.refused} role="alert">
          {runs.error}{' '}
          <button type="button" className={ui.linkButton} onClick={runs.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      {consoleTakesInput ? (
        <p className={ui.hint} data-testid="stdin-rule">
          The program reads the console now: type its input there, under the output.
        </p>
      ) : (
        <>
          <label htmlFor={inputId} className={ui.fieldLabel}>
            Input
          </label>
          <SharedTextarea
            id={inputId}
            text={runs.stdin}
            className={styles.stdin}
            rows={3}
            readOnly={inputReadOnly}
            placeholder="stdin for your program (shared with the room)"
            spellCheck={false}
            aria-describedby={`${inputId}-rule`}
          />
          <p id={`${inputId}-rule`} className={ui.hint} data-testid="stdin-rule">
            Given to the program when Run starts. Leave it empty to type input in the console while the program runs.
          </p>
        </>
      )}
      <div role="region" aria-label="Output" className={styles.output} tabIndex={0}>
        {shown ? (
          <RunOutput
            key={shown.jobId}
            run={shown}
            clockOffsetMs={runs.clockOffsetMs}
            console={
              // A running program gets its console at once (its prompt may take a moment); a finished one if it printed or was typed to.
              shown.state === 'running' || runs.consoles.has(shown.jobId) ? (
                <RunConsole run={shown} runs={runs} canControl={canRun} />
              ) : undefined
            }
          />
        ) : (
          <p className={styles.empty}>Output will appear here.</p>
        )}
      </div>
      <RunList runs={runs.runs} selectedId={shown?.jobId ?? null} onSelect={setSelectedId} />
    </section>
  );
}
