'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { languageLabel, reportRunCounts, type InterviewReport, type RunCounts } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatDuration } from '@/lib/format';
import { highlightCode } from '@/lib/highlight';
import { getReport } from '@/lib/interview-api';
import { REPORT_CLASS, downloadHtml, reportDocument } from '@/lib/report-document';
import { fileLanguage } from '@pairpad/protocol/workspace';
import { ReviewMessage } from './review-message';
import { ReportTestRuns } from './report-test-runs';
import { ReportScorecards } from './report-scorecards';
import { useInterviewerData } from '@/lib/use-interviewer-data';
import { ConsoleTranscript } from './console-transcript';
import runStyles from './report-runs.module.css';
import styles from './report-view.module.css';
import review from './review.module.css';
import ui from './ui.module.css';

export interface ReportViewProps {
  sessionId: string;
  tokenFromUrl: string | null;
}

/** "3 (1 program run, 2 test runs)": program runs and test runs are both runs. */
function runCountWords(counts: RunCounts): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (counts.total === 0) return '0';
  return `${counts.total} (${plural(counts.runs, 'program run')}, ${plural(counts.testRuns, 'test run')})`;
}

function dateTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** Interviewer-only report: final code, facts, participants, every run, notes; printable and downloadable. */
export function ReportView({ sessionId, tokenFromUrl }: ReportViewProps) {
  const loaded = useInterviewerData(
    sessionId,
    tokenFromUrl,
    useCallback((apiUrl, token, signal) => getReport(apiUrl, sessionId, token, signal), [sessionId]),
  );
  if (loaded.state !== 'ready') return <ReviewMessage what="report" sessionId={sessionId} loaded={loaded} />;
  return <Report report={loaded.data} />;
}

function Report({ report }: { report: InterviewReport }) {
  const article = useRef<HTMLElement>(null);
  const title = report.title?.trim() || 'Untitled interview';
  const highlighted = useMemo(() => highlightCode(report.code, report.language), [report.code, report.language]);
  const consoles = useMemo(
    () => new Map((report.consoles ?? []).map((transcript) => [transcript.jobId, transcript.entries])),
    [report.consoles],
  );

  useEffect(() => {
    document.title = `Report: ${title} · PairPad`;
  }, [title]);

  const download = () => {
    if (!article.current) return;
    const day = new Date(report.startedAt).toISOString().slice(0, 10);
    downloadHtml(
      `pairpad-report-${day}-${report.sessionId.slice(0, 8)}.html`,
      reportDocument(`Report: ${title}`, article.current.outerHTML),
    );
  };

  return (
    <div className={review.review}>
      <header className={cx(review.header, styles.noPrint)}>
        <Link href={`/interview/${report.sessionId}`}>← Back to the room</Link>
        <div className={ui.spacer} />
        <Link href={`/interview/${report.sessionId}/playback`}>Playback</Link>
        <button type="button" className={ui.button} onClick={() => window.print()}>
          Print
        </button>
        <button type="button" className={cx(ui.button, ui.primary)} onClick={download}>
          Download report
        </button>
      </header>
      <main>
        <article className={styles.report} ref={article}>
          <h1>{title}</h1>
          <p className={cx(ui.muted, REPORT_CLASS.muted)}>PairPad interview report</p>
          <dl className={cx(styles.facts, REPORT_CLASS.facts)}>
            <dt>Language</dt>
            <dd data-testid="report-language">{languageLabel(report.language)}</dd>
            <dt>Started</dt>
            <dd>{dateTime(report.startedAt)}</dd>
            <dt>Duration</dt>
            <dd data-testid="report-duration">
              {formatDuration(report.durationMs)}
              {report.endedAt === null ? ' (still going on)' : ''}
            </dd>
            <dt>Runs</dt>
            <dd data-testid="report-run-count">{runCountWords(reportRunCounts(report))}</dd>
          </dl>

          <h2>Participants</h2>
          <table aria-label="Participants">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Joined</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {report.participants.map((participant) => (
                <tr key={`${participant.role}:${participant.name}`}>
                  <td>{participant.name}</td>
                  <td>{participant.role === 'interviewer' ? 'Interviewer' : 'Candidate'}</td>
                  <td>{dateTime(participant.firstJoinedAt)}</td>
                  <td>{dateTime(participant.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Final code</h2>
          {report.files && report.files.length > 1 ? <h3>{report.files[0]!.name} (entry)</h3> : null}
          <pre className={cx(review.codeView, styles.code, 'hljs')}>
            <code data-testid="report-code" dangerouslySetInnerHTML={{ __html: highlighted }} />
          </pre>
          {report.files?.slice(1).map((file) => (
            <section key={file.name} aria-label={file.name}>
              <h3>{file.name}</h3>
              <pre className={cx(review.codeView, styles.code, 'hljs')}>
                <code
                  data-testid="report-file"
                  dangerouslySetInnerHTML={{ __html: highlightCode(file.content, fileLanguage(file.name)?.id ?? '') }}
                />
              </pre>
            </section>
          ))}

          <h2>Runs</h2>
          {report.runs.length === 0 ? <p className={cx(ui.muted, REPORT_CLASS.muted)}>No runs.</p> : null}
          <ol className={cx(runStyles.runs, REPORT_CLASS.runs)} aria-label="Runs">
            {report.runs.map((run) => {
              const result = run.result;
              const good = result?.outcome === 'success';
              // A stop someone made ("Stopped by Ivy") is neither a success nor the program's failure.
              const tone =
                result?.stoppedBy !== undefined
                  ? undefined
                  : good
                    ? cx(runStyles.success, REPORT_CLASS.success)
                    : cx(runStyles.bad, REPORT_CLASS.bad);
              return (
                <li key={run.jobId}>
                  <strong className={tone}>{result?.statusText ?? run.error?.message ?? run.state}</strong> — {run.startedBy.name},{' '}
                  {new Date(run.queuedAt).toLocaleTimeString()} · {languageLabel(run.language)} {result?.version ?? run.version}
                  {run.interactive ? <span className={cx(ui.muted, REPORT_CLASS.muted)}> · interactive</span> : null}
                  {run.interactive && consoles.has(run.jobId) ? (
                    <ConsoleTranscript entries={consoles.get(run.jobId) ?? []} label="Interactive console transcript" />
                  ) : result?.run?.output || result?.compile?.output ? (
                    <pre className={cx(review.runSnippet, REPORT_CLASS.snippet)}>
                      {(result.compile?.output ?? '') + (result.run?.output ?? '')}
                    </pre>
                  ) : null}
                </li>
              );
            })}
          </ol>

          <ReportTestRuns report={report} />

          <ReportScorecards sessionId={report.sessionId} />

          <h2>Notes</h2>
          {report.notes.trim() ? (
            <p className={cx(styles.notes, REPORT_CLASS.notes)}>{report.notes}</p>
          ) : (
            <p className={cx(ui.muted, REPORT_CLASS.muted)}>No notes.</p>
          )}
        </article>
      </main>
    </div>
  );
}
