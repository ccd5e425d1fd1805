'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { languageLabel, type InterviewReport } from '@pairpad/protocol';
import { formatDuration } from '@/lib/format';
import { highlightCode } from '@/lib/highlight';
import { getReport } from '@/lib/interview-api';
import { downloadHtml, reportDocument } from '@/lib/report-document';
import { ReviewMessage } from './review-message';
import { ReportTestRuns } from './report-test-runs';
import { useInterviewerData } from '@/lib/use-interviewer-data';
import { ConsoleTranscript } from './console-transcript';

export interface ReportViewProps {
  sessionId: string;
  tokenFromUrl: string | null;
}

function dateTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** Interviewer-only report: final code, facts, participants, every run, notes; printable and downloadable. */
export function ReportView({ sessionId, tokenFromUrl }: ReportViewProps) {
  const loaded = useInterviewerData(sessionId, tokenFromUrl, useCallback((apiUrl, token, signal) => getReport(apiUrl, sessionId, token, signal), [sessionId]));
  if (loaded.state !== 'ready') return <ReviewMessage what="report" sessionId={sessionId} loaded={loaded} />;
  return <Report report={loaded.data} />;
}

function Report({ report }: { report: InterviewReport }) {
  const article = useRef<HTMLElement>(null);
  const title = report.title?.trim() || 'Untitled interview';
  const highlighted = useMemo(() => highlightCode(report.code, report.language), [report.code, report.language]);
  const consoles = useMemo(() => new Map((report.consoles ?? []).map((transcript) => [transcript.jobId, transcript.entries])), [report.consoles]);

  useEffect(() => {
    document.title = `Report: ${title} · PairPad`;
  }, [title]);

  const download = () => {
    if (!article.current) return;
    const day = new Date(report.startedAt).toISOString().slice(0, 10);
    downloadHtml(`pairpad-report-${day}-${report.sessionId.slice(0, 8)}.html`, reportDocument(`Report: ${title}`, article.current.outerHTML));
  };

  return (
    <div className="review report-page">
      <header className="review-header no-print">
        <Link href={`/interview/${report.sessionId}`} className="back-link">
          ← Back to the room
        </Link>
        <div className="topbar-spacer" />
        <Link href={`/interview/${report.sessionId}/playback`}>Playback</Link>
        <button type="button" className="button" onClick={() => window.print()}>
          Print
        </button>
        <button type="button" className="button primary" onClick={download}>
          Download report
        </button>
      </header>
      <main>
        <article className="report" ref={article}>
          <h1>{title}</h1>
          <p className="muted">PairPad interview report</p>
          <dl className="report-facts">
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
            <dd>{report.runs.length}</dd>
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
          <pre className="code-view hljs">
            <code data-testid="report-code" dangerouslySetInnerHTML={{ __html: highlighted }} />
          </pre>

          <h2>Runs</h2>
          {report.runs.length === 0 ? <p className="muted">No runs.</p> : null}
          <ol className="report-runs" aria-label="Runs">
            {report.runs.map((run) => {
              const result = run.result;
              const good = result?.outcome === 'success';
              return (
                <li key={run.jobId}>
                  <strong className={good ? 'outcome-success' : 'outcome-bad'}>{result?.statusText ?? run.error?.message ?? run.state}</strong> — {run.startedBy.name},{' '}
                  {new Date(run.queuedAt).toLocaleTimeString()} · {languageLabel(run.language)} {result?.version ?? run.version}
                  {run.interactive ? <span className="muted"> · interactive</span> : null}
                  {run.interactive && consoles.has(run.jobId) ? (
                    <ConsoleTranscript entries={consoles.get(run.jobId) ?? []} label="Interactive console transcript" />
                  ) : result?.run?.output || result?.compile?.output ? (
                    <pre className="run-snippet">{(result.compile?.output ?? '') + (result.run?.output ?? '')}</pre>
                  ) : null}
                </li>
              );
            })}
          </ol>

          <ReportTestRuns report={report} />

          <h2>Notes</h2>
          {report.notes.trim() ? <p className="notes">{report.notes}</p> : <p className="muted">No notes.</p>}
        </article>
      </main>
    </div>
  );
}
