'use client';

import type { RunRecord } from '@pairpad/protocol';
import { formatClock } from '@/lib/format';
import { runStatusText } from './run-output';
import styles from './run-list.module.css';

export interface RunListProps {
  runs: RunRecord[];
  selectedId: string | null;
  onSelect(jobId: string): void;
}

/** The room's recent runs (newest first); picking one shows its output. */
export function RunList({ runs, selectedId, onSelect }: RunListProps) {
  if (runs.length < 2) return null;
  return (
    <details className={styles.history}>
      <summary>Recent runs ({runs.length})</summary>
      <ol aria-label="Recent runs" className={styles.list}>
        {runs.map((run, index) => (
          <li key={run.jobId}>
            <button
              type="button"
              className={styles.item}
              aria-current={run.jobId === selectedId ? 'true' : undefined}
              onClick={() => onSelect(run.jobId)}
            >
              <span className={styles.number}>#{runs.length - index}</span> {runStatusText(run)}
              <span className={styles.meta}>
                {run.startedBy.via === 'api' ? 'API' : run.startedBy.name} · {formatClock(run.queuedAt)}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </details>
  );
}
