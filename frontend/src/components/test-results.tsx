'use client';

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { TestCaseResult, TestRunRecord } from '@pairpad/protocol';
import { formatBytes, formatDuration } from '@/lib/format';
import { diffLines, type DiffLine } from '@/lib/text-diff';
import type { QuestionsState } from '@/room/use-questions';

export interface TestResultsProps {
  questions: QuestionsState;
  /** Cases in the room (the question's count; 0 hides the button's purpose). */
  caseCount: number;
  canRun: boolean;
  runOffReason?: string | null;
}

const VERDICT_WORDS: Record<TestCaseResult['verdict'], string> = { pending: 'Waiting', passed: 'Passed', failed: 'Failed', error: 'Failed' };

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
    <section className="panel tests-panel" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} className="panel-title">
          <button type="button" className="link-button disclosure" aria-expanded={open} aria-controls={`${id}-body`} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> Tests
          </button>
          <span className="count-badge">{caseCount}</span>
          {!open && latest ? <span className="tests-collapsed-summary">{latest.statusText}</span> : null}
        </h2>
        <button type="button" className="button primary" onClick={() => void questions.runTests()} disabled={!enabled} aria-describedby={`${id}-hint`}>
          Run tests
        </button>
      </div>
      {questions.error ? (
        <p className="run-refused" role="alert">
          {questions.error}{' '}
          <button type="button" className="link-button" onClick={questions.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      <div id={`${id}-body`} hidden={!open}>
        <p id={`${id}-hint`} className="hint">
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
    <div className="test-run" data-testid="test-run" data-state={run.state} aria-busy={run.state === 'queued' || run.state === 'running'}>
      <p className={`run-status tone-${tone(run)}`} data-testid="test-summary" aria-live="polite">
        {run.statusText}
      </p>
      <p className="run-meta">
        Run by {run.startedBy.name}
        {run.version !== '*' ? ` · ${run.language} ${run.version}` : ''}
      </p>
      {run.error ? (
        <p className="run-error" role="alert">
          {run.error.message}
        </p>
      ) : null}
      {run.compileOutput !== null ? (
        <div className="stream stderr">
          <div className="stream-label">Compiler output</div>
          <pre>{run.compileOutput}</pre>
        </div>
      ) : null}
      <table className="test-table" aria-label="Test results">
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
      <tr className={`case-${verdict}`} data-testid="test-case" data-case={result.name} data-verdict={verdict}>
        <th scope="row">
          {result.name}
          {result.hidden ? <span className="hidden-badge">hidden</span> : null}
          {hasDetail && !detailRow ? (
            <details className="case-fold">
              <summary>details</summary>
              <CaseDetail result={result} />
            </details>
          ) : null}
        </th>
        <td>
          <span className={`verdict verdict-${verdict}`}>
            <span aria-hidden="true">{verdict === 'passed' ? '✓ ' : verdict === 'failed' ? '✗ ' : '… '}</span>
            {VERDICT_WORDS[result.verdict]}
          </span>
          {result.statusText && result.verdict !== 'passed' ? <span className="case-status"> · {result.statusText}</span> : null}
        </td>
        <td>{result.timeMs !== undefined && result.timeMs !== null ? formatDuration(result.timeMs) : '—'}</td>
        <td>{result.memory !== undefined && result.memory !== null ? formatBytes(result.memory) : '—'}</td>
      </tr>
      {detailRow ? (
        <tr className="case-detail-row">
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
    () => (result.verdict === 'failed' && result.expected !== undefined && result.actual !== undefined ? diffLines(result.expected, result.actual) : null),
    [result],
  );
  return (
    <div className="case-detail">
      {result.args && result.args.length > 0 ? (
        <p className="hint">
          Arguments: <code>{result.args.join(' ')}</code>
        </p>
      ) : null}
      <div className="case-io">
        <div>
          <div className="stream-label">Input</div>
          <pre>{result.stdin || '(empty)'}</pre>
        </div>
        {!diff ? (
          <>
            <div>
              <div className="stream-label">Expected</div>
              <pre>{result.expected ?? ''}</pre>
            </div>
            <div>
              <div className="stream-label">Actual</div>
              <pre>{result.actual ?? ''}</pre>
            </div>
          </>
        ) : null}
      </div>
      {diff ? <DiffView lines={diff} truncated={result.actualTruncated === true || result.caseTruncated === true} /> : null}
      {result.stderr ? (
        <div className="stream stderr">
          <div className="stream-label">stderr</div>
          <pre>{result.stderr}</pre>
        </div>
      ) : null}
    </div>
  );
}

/** Expected vs actual, line by line: "−" expected lines missing, "+" actual lines extra, the differing part marked. */
function DiffView({ lines, truncated }: { lines: DiffLine[]; truncated: boolean }) {
  return (
    <figure className="diff" aria-label="Difference between expected and actual output" data-testid="test-diff">
      <figcaption className="stream-label">
        Difference: <span className="diff-legend-missing">− expected</span> <span className="diff-legend-extra">+ actual</span>
        {truncated ? ' (long output: shown in part)' : ''}
      </figcaption>
      <pre>
        {lines.map((line, index) => {
          if (line.kind === 'same') return <span key={index} className="diff-same">{`  ${line.text}\n`}</span>;
          if (line.kind === 'missing') return <span key={index} className="diff-missing">{`− ${line.text}\n`}</span>;
          if (line.kind === 'extra') return <span key={index} className="diff-extra">{`+ ${line.text}\n`}</span>;
          return (
            <span key={index}>
              <span className="diff-missing">
                {'− '}
                {line.expected.slice(0, line.from)}
                <mark>{line.expected.slice(line.from, line.expectedTo)}</mark>
                {line.expected.slice(line.expectedTo)}
                {'\n'}
              </span>
              <span className="diff-extra">
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
