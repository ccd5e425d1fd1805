import type { RunRecord } from '@pairpad/protocol';

/**
 * Runs shared between backend nodes: a job's latest record, so its status (GET
 * /api/execute/status/:jobId) answers on any node. A room's runs need no store of their own:
 * they live in the room's replicated state. Without one, a node knows only its own runs, which
 * is all a single node needs.
 */
export interface RunStore {
  /** Saves the run's latest state. */
  record(run: RunRecord): Promise<void>;
  get(jobId: string): Promise<RunRecord | undefined>;
  close(): Promise<void>;
}
