'use client';

import { useEffect, useState, type ReactNode } from 'react';
import type { RunRecord, RunResult, StageView } from '@pairpad/protocol';
import { languageLabel } from '@pairpad/protocol/language-table';
import { cx } from '@/lib/cx';
import { formatBytes, formatDuration } from '@/lib/format';
import styles from './run-output.module.css';

/** The run's state or outcome in words: what the status line says. */
export function runStatusText(run: RunRecord): string {
  if (run.state === 'queued') return 'Queued';
  if (run.state === 'running') return 'Running…';
  if (run.state === 'failed') return run.error?.code === 'EXECUTOR_TIMEOUT' ? 'Executor timed out' : 'Could not run';
  return run.result?.statusText ?? 'Finished';
}

/** The CSS tone of a run's status line: a stop someone made is neutral, not a crash. */
function tone(run: RunRecord): 'pending' | 'ok' | 'bad' | 'warn' | 'neutral' {
  if (run.state === 'queued' || run.state === 'running') return 'pending';
  if (run.state === 'failed') return 'bad';
  if (run.result?.stoppedBy !== undefined) return 'neutral';
  const outcome = run.result?.outcome;
  if (outcome === 'success') return 'ok';
  if (outcome === 'output-truncated') return 'warn';
  return 'bad';
}

/** Ticks every 100 ms while `active`, so an elapsed time counts up on screen. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function Stream({ stream, text }: { stream: 'stdout' | 'stderr'; text: string }) {
  if (text.length === 0) return null;
  return (
    <div className={cx(styles.stream, stream === 'stderr' && styles.stderr)} data-stream={stream}>
      <div className={styles.streamLabel}>{stream}</div>
      {/* Program output is untrusted: it is only ever rendered as a text node, never as HTML. */}
      <pre>{text}</pre>
    </div>
  );
}

function StageFacts({ stage, label }: { stage: StageView; label?: string }) {
  const facts: string[] = [];
  if (stage.code !== null) facts.push(`exit code ${stage.code}`);
  if (stage.signal) facts.push(`signal ${stage.signal}`);
  if (stage.wallTime !== null) facts.push(`wall ${formatDuration(stage.wallTime)}`);
  if (stage.cpuTime !== null) facts.push(`cpu ${formatDuration(stage.cpuTime)}`);
  if (stage.memory !== null) facts.push(`memory ${formatBytes(stage.memory)}`);
  if (facts.length === 0) return null;
  return (
    <p className={styles.facts} data-testid={label ? `${label}-facts` : 'run-facts'}>
      {label ? `${label}: ` : ''}
      {facts.join(' · ')}
    </p>
  );
}

/** One run as everyone in the room sees it: who started it, elapsed time, status in words, output. */
export function RunOutput({ run, clockOffsetMs, console: consoleView }: { run: RunRecord; clockOffsetMs: number; console?: ReactNode }) {
  const pending = run.state === 'queued' || run.state === 'running';
  const now = useNow(pending) + clockOffsetMs;
  const elapsed = (run.finishedAt ?? now) - run.queuedAt;
  const result = run.result;
  const who = run.startedBy.via === 'api' ? 'the API' : run.startedBy.name;
  const language = `${languageLabel(result?.language ?? run.language)}${result?.version ? ` ${result.version}` : ''}`;
  const programOutput = result ? <ProgramOutput result={result} underConsole={consoleView !== undefined} /> : null;
  return (
    <article className={styles.run} aria-busy={pending} data-state={run.state} data-job-id={run.jobId}>
      <p className={cx(styles.status, styles[tone(run)])} data-testid="run-status" data-tone={tone(run)} aria-live="polite">
        {runStatusText(run)}
      </p>
      <p className={styles.meta} data-testid="run-meta">
        Run by {who} · {language} · <span data-testid="run-elapsed">{formatDuration(elapsed)}</span>
        {run.state === 'queued' ? ' · waiting for the previous run' : ''}
      </p>
      {run.error ? (
        <p className={styles.error} role="alert">
          {run.error.message}
        </p>
      ) : null}
      {result?.compile && (result.outcome === 'compile-error' || result.compile.output.length > 0) ? (
        <section className={cx(styles.stage, styles.compiler)} aria-label="Compiler output">
          <h3 className={styles.stageTitle}>Compiler output</h3>
          <Stream stream="stdout" text={result.compile.stdout} />
          <Stream stream="stderr" text={result.compile.stderr} />
          <StageFacts stage={result.compile} label="compile" />
        </section>
      ) : null}
      {result?.stoppedBy !== undefined ? (
        // What a stopped program printed on its way out (a KeyboardInterrupt traceback) is one click away.
        <details className={styles.apart} data-testid="stopped-output">
          <summary>Output up to the stop</summary>
          {consoleView}
          {programOutput}
        </details>
      ) : (
        <>
          {consoleView}
          {programOutput}
        </>
      )}
    </article>
  );
}

/** The program's stdout and stderr (apart, under the console when there is one), facts, message. */
function ProgramOutput({ result, underConsole }: { result: RunResult; underConsole: boolean }) {
  if (!result.run) return null;
  return (
    <section className={styles.stage} aria-label="Program output">
      {underConsole ? (
        // The console above shows the output as it came; the streams apart are one click away.
        result.run.stdout.length + result.run.stderr.length > 0 ? (
          <details className={styles.apart}>
            <summary>stdout and stderr apart</summary>
            <Stream stream="stdout" text={result.run.stdout} />
            <Stream stream="stderr" text={result.run.stderr} />
          </details>
        ) : null
      ) : (
        <>
          <Stream stream="stdout" text={result.run.stdout} />
          <Stream stream="stderr" text={result.run.stderr} />
        </>
      )}
      {result.run.stdout.length === 0 && result.run.stderr.length === 0 ? <p className={styles.empty}>No output.</p> : null}
      {result.run.message && result.outcome !== 'success' ? <p className={styles.message}>{result.run.message}</p> : null}
      <StageFacts stage={result.run} />
    </section>
  );
}
