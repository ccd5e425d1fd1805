import { RUN_HISTORY_LIMIT, type RunRecord } from '@pairpad/protocol';

/**
 * The last runs of each room (newest first), kept in memory while the session lives. A run is
 * recorded when queued and replaced as it changes state, so a late joiner sees running runs too.
 */
export class RunHistory {
  private readonly rooms = new Map<string, RunRecord[]>();

  constructor(private readonly limit = RUN_HISTORY_LIMIT) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  record(run: RunRecord): void {
    const runs = this.rooms.get(run.sessionId) ?? [];
    const index = runs.findIndex((existing) => existing.jobId === run.jobId);
    if (index >= 0) runs[index] = run;
    // Every run is first recorded as queued; a later state for an unknown run belongs to a room
    // already forgotten (its session went while the run was stopping) and must not revive it.
    else if (run.state !== 'queued') return;
    else runs.unshift(run);
    if (runs.length > this.limit) runs.length = this.limit;
    this.rooms.set(run.sessionId, runs);
  }

  list(sessionId: string): RunRecord[] {
    return [...(this.rooms.get(sessionId) ?? [])];
  }

  forget(sessionId: string): void {
    this.rooms.delete(sessionId);
  }
}
