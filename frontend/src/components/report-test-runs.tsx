import type { InterviewReport } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatDuration } from '@/lib/format';
import { REPORT_CLASS } from '@/lib/report-document';
import runStyles from './report-runs.module.css';
import review from './review.module.css';
import ui from './ui.module.css';

/** The report's question and test runs: each run's summary, then every case (hidden ones included: the report is the interviewer's). */
export function ReportTestRuns({ report }: { report: InterviewReport }) {
  const runs = report.testRuns ?? [];
  const question = report.question;
  return (
    <>
      <h2>Question</h2>
      {question && (question.title || question.description.trim()) ? (
        <p data-testid="report-question">
          <strong>{question.title ?? 'Untitled question'}</strong> · {question.tests.length} test cases ({question.hiddenCount} hidden)
        </p>
      ) : (
        <p className={cx(ui.muted, REPORT_CLASS.muted)}>No question was loaded.</p>
      )}
      <h2>Test runs</h2>
      {runs.length === 0 ? <p className={cx(ui.muted, REPORT_CLASS.muted)}>No test runs.</p> : null}
      <ol className={cx(runStyles.runs, REPORT_CLASS.runs)} aria-label="Test runs">
        {runs.map((run) => (
          <li key={run.runId}>
            <strong
              className={
                run.state === 'completed' && run.passed === run.total
                  ? cx(runStyles.success, REPORT_CLASS.success)
                  : cx(runStyles.bad, REPORT_CLASS.bad)
              }
              data-testid="report-test-summary"
            >
              {run.statusText}
            </strong>{' '}
            — {run.startedBy.name}, {new Date(run.queuedAt).toLocaleTimeString()} · {run.language} {run.version !== '*' ? run.version : ''}
            {run.error ? <p className={cx(ui.muted, REPORT_CLASS.muted)}>{run.error.message}</p> : null}
            {run.compileOutput ? <pre className={cx(review.runSnippet, REPORT_CLASS.snippet)}>{run.compileOutput}</pre> : null}
            <table className={runStyles.cases} aria-label={`Cases of the test run at ${new Date(run.queuedAt).toLocaleTimeString()}`}>
              <thead>
                <tr>
                  <th>Case</th>
                  <th>Result</th>
                  <th>Time</th>
                </tr>
              </thead>
              <tbody>
                {run.cases.map((result, index) => (
                  <tr key={index}>
                    <td>
                      {result.name}
                      {result.hidden ? ' (hidden)' : ''}
                    </td>
                    <td>{result.statusText ?? result.verdict}</td>
                    <td>{typeof result.timeMs === 'number' ? formatDuration(result.timeMs) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ol>
    </>
  );
}
