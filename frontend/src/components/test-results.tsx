'use client';

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { TestCaseResult, TestRunRecord } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatBytes, formatDuration } from '@/lib/format';
import { diffLines, type DiffLine } from '@/lib/text-diff';
import type { QuestionsState } from '@/room/use-questions';
import styles from './test-results.module.css';
import ui from './ui.module.css';

export interface TestResultsProps {
  questions: QuestionsState;
  /** Cases in the room (the question's count; 0 hides the button's purpose). */
  caseCount: number;
  canRun: boolean;
  runOffReason?: string | null;
}

const VERDICT_WORDS: Record<TestCaseResult['verdict'], string> = {
  pending: 'Waiting',
  passed: 'Passed',
  failed: 'Failed',
  error: 'Failed',
};

function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

/** Ctrl/Cmd+Shift+Enter runs the tests from anywhere in the room (Ctrl/Cmd+Enter is Run). */
function useRunTestsShortcut(run: () => void, enabled: boolean): void {
  const latest = useRef({ run, enabled });
  latest.current = { run, enabled };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return;
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat && latest.current.enabled) latest.current.run();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}

/** "Run tests", the shortcut, and the live results of the room's latest test run (the same for everyone). */
export function TestResults({ questions, caseCount, canRun, runOffReason = null }: TestResultsProps) {
  const id = useId();
  const latest = questions.testRuns[0] ?? null;
  const busy = latest?.state === 'queued' || latest?.state === 'running';
  const enabled = canRun && caseCount > 0 && !busy && !questions.starting;
  useRunTestsShortcut(() => void questions.runTests(), enabled);
  const mod = isMac() ? 'Cmd' : 'Ctrl';
  const [open, setOpen] = useState(true);
  // A new run opens the results again.
  const latestId = latest?.runId;
  useEffect(() => {
    if (latestId) setOpen(true);
  }, [latestId]);

  return (
    <section className={cx(ui.panel, styles.panel)} aria-labelledby={`${id}-title`}>
      <div className={ui.panelHeader}>
        <h2 id={`${id}-title`} className={ui.panelTitle}>
          <button
            type="button"
            className={cx(ui.linkButton, ui.disclosure)}
            aria-expanded={open}
            aria-controls={`${id}-body`}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> Tests
          </button>
          <span className={ui.countBadge} data-testid="test-case-count">
            {caseCount}
          </span>
          {!open && latest ? <span className={styles.collapsedSummary}>{latest.statusText}</span> : null}
        </h2>
        <button
          type="button"
          className={cx(ui.button, ui.primary)}
          onClick={() => void questions.runTests()}
          disabled={!enabled}
          aria-describedby={`${id}-hint`}
        >
          Run tests
        </button>
      </div>
      {questions.error ? (
        <p className={ui.refused} role="alert">
          {questions.error}{' '}
          <button type="button" className={ui.linkButton} onClick={questions.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      <div id={`${id}-body`} hidden={!open}>
        <p id={`${id}-hint`} className={ui.hint}>
          {runOffReason ??
            (caseCount === 0 ? (
              'No test cases in this room yet.'
            ) : (
              <>
                <kbd>{mod}</kbd>+<kbd>Shift</kbd>+<kbd>Enter</kbd> compiles once and runs every case, for everyone in the room.
              </>
            ))}
        </p>
        {latest ? <TestRunView run={latest} /> : null}
      </div>
    </section>
  );
}

function tone(run: TestRunRecord): 'pending' | 'ok' | 'bad' {
  if (run.state === 'queued' || run.state === 'running') return 'pending';
  return run.state === 'completed' && run.passed === run.total ? 'ok' : 'bad';
}

/** One test run: summary line, compile error, and the per-case table. */
export function TestRunView({ run }: { run: TestRunRecord }) {
  return (
    <div className={styles.run} data-testid="test-run" data-state={run.state} aria-busy={run.state === 'queued' || run.state === 'running'}>
      <p className={cx(styles.status, styles[tone(run)])} data-testid="test-summary" aria-live="polite">
        {run.statusText}
      </p>
      <p className={styles.meta}>
        Run by {run.startedBy.name}
        {run.version !== '*' ? ` · ${run.language} ${run.version}` : ''}
      </p>
      {run.error ? (
        <p className={styles.error} role="alert">
          {run.error.message}
        </p>
      ) : null}
      {run.compileOutput !== null ? (
        <div className={styles.stderr}>
          <div className={styles.streamLabel}>Compiler output</div>
          <pre>{run.compileOutput}</pre>
        </div>
      ) : null}
      <table className={styles.table} aria-label="Test results">
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Result</th>
            <th scope="col">Time</th>
            <th scope="col">Memory</th>
          </tr>
        </thead>
        <tbody>
          {run.cases.map((result, index) => (
            <CaseRow key={index} result={result} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CaseRow({ result }: { result: TestCaseResult }) {
  const hasDetail = result.verdict !== 'pending' && (result.expected !== undefined || result.actual !== undefined);
  // A failing visible case opens its detail under the row; a passing one keeps it folded in its cell.
  const detailRow = hasDetail && result.verdict !== 'passed';
  const verdict = result.verdict === 'pending' ? 'pending' : result.verdict === 'passed' ? 'passed' : 'failed';
  return (
    <>
      <tr data-testid="test-case" data-case={result.name} data-verdict={verdict}>
        <th scope="row">
          {result.name}
          {result.hidden ? <span className={styles.hiddenBadge}>hidden</span> : null}
          {hasDetail && !detailRow ? (
            <details className={styles.fold}>
              <summary>details</summary>
              <CaseDetail result={result} />
            </details>
          ) : null}
        </th>
        <td>
          <span className={cx(styles.verdict, styles[verdict])}>
            <span aria-hidden="true">{verdict === 'passed' ? '✓ ' : verdict === 'failed' ? '✗ ' : '… '}</span>
            {VERDICT_WORDS[result.verdict]}
          </span>
          {result.statusText && result.verdict !== 'passed' ? <span className={styles.caseStatus}> · {result.statusText}</span> : null}
        </td>
        <td>{result.timeMs !== undefined && result.timeMs !== null ? formatDuration(result.timeMs) : '—'}</td>
        <td>{result.memory !== undefined && result.memory !== null ? formatBytes(result.memory) : '—'}</td>
      </tr>
      {detailRow ? (
        <tr className={styles.detailRow}>
          <td colSpan={4}>
            <details open>
              <summary>Input, expected and actual output</summary>
              <CaseDetail result={result} />
            </details>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function CaseDetail({ result }: { result: TestCaseResult }) {
  const diff = useMemo(
    () =>
      result.verdict === 'failed' && result.expected !== undefined && result.actual !== undefined
        ? diffLines(result.expected, result.actual)
        : null,
    [result],
  );
  return (
    <div className={styles.detail}>
      {result.args && result.args.length > 0 ? (
        <p className={ui.hint}>
          Arguments: <code>{result.args.join(' ')}</code>
        </p>
      ) : null}
      <div className={styles.io}>
        <div>
          <div className={styles.streamLabel}>Input</div>
          <pre className={ui.textBlock}>{result.stdin || '(empty)'}</pre>
        </div>
        {!diff ? (
          <>
            <div>
              <div className={styles.streamLabel}>Expected</div>
              <pre className={ui.textBlock}>{result.expected ?? ''}</pre>
            </div>
            <div>
              <div className={styles.streamLabel}>Actual</div>
              <pre className={ui.textBlock}>{result.actual ?? ''}</pre>
            </div>
          </>
        ) : null}
      </div>
      {diff ? <DiffView lines={diff} truncated={result.actualTruncated === true || result.caseTruncated === true} /> : null}
      {result.stderr ? (
        <div className={styles.stderr}>
          <div className={styles.streamLabel}>stderr</div>
          <pre>{result.stderr}</pre>
        </div>
      ) : null}
    </div>
  );
}

/** Expected vs actual, line by line: "−" expected lines missing, "+" actual lines extra, the differing part marked. */
function DiffView({ lines, truncated }: { lines: DiffLine[]; truncated: boolean }) {
  return (
    <figure className={styles.diff} aria-label="Difference between expected and actual output" data-testid="test-diff">
      <figcaption className={styles.streamLabel}>
        Difference: <span className={styles.legendMissing}>− expected</span> <span className={styles.legendExtra}>+ actual</span>
        {truncated ? ' (long output: shown in part)' : ''}
      </figcaption>
      <pre className={ui.textBlock}>
        {lines.map((line, index) => {
          if (line.kind === 'same') return <span key={index} className={styles.same}>{`  ${line.text}\n`}</span>;
          if (line.kind === 'missing') return <span key={index} className={styles.missing} data-diff="missing">{`− ${line.text}\n`}</span>;
          if (line.kind === 'extra') return <span key={index} className={styles.extra} data-diff="extra">{`+ ${line.text}\n`}</span>;
          return (
            <span key={index}>
              <span className={styles.missing} data-diff="missing">
                {'− '}
                {line.expected.slice(0, line.from)}
                <mark>{line.expected.slice(line.from, line.expectedTo)}</mark>
                {line.expected.slice(line.expectedTo)}
                {'\n'}
              </span>
              <span className={styles.extra} data-diff="extra">
                {'+ '}
                {line.actual.slice(0, line.from)}
                <mark>{line.actual.slice(line.from, line.actualTo)}</mark>
                {line.actual.slice(line.actualTo)}
                {'\n'}
              </span>
            </span>
          );
        })}
      </pre>
    </figure>
  );
}
