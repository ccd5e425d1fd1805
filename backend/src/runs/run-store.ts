import type { RunRecord } from '@pairpad/protocol';

/**
 * Runs shared between backend nodes: a job's latest record (for status lookups on any node) and
 * each room's recent runs (for late joiners on any node). Without one, a node knows only its own
 * runs (`JobQueue` + `RunHistory`), which is all a single node needs.
 */
export interface RunStore {
  /** Saves the run's latest state; a room's history starts at 'queued' and is only updated after. */
  record(run: RunRecord): Promise<void>;
  get(jobId: string): Promise<RunRecord | undefined>;
  /** The room's recent runs, newest first. */
  list(sessionId: string): Promise<RunRecord[]>;
  forget(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

const STATE_ORDER: Record<RunRecord['state'], number> = { queued: 0, running: 1, completed: 2, failed: 2 };

/** Newest first, one record per job (the furthest along wins: a node's own copy can be fresher). */
export function mergeRuns(limit: number, ...lists: RunRecord[][]): RunRecord[] {
  const byJob = new Map<string, RunRecord>();
  for (const run of lists.flat()) {
    const known = byJob.get(run.jobId);
    if (!known || STATE_ORDER[run.state] > STATE_ORDER[known.state]) byJob.set(run.jobId, run);
  }
  return [...byJob.values()].sort((a, b) => b.queuedAt - a.queuedAt).slice(0, limit);
}
