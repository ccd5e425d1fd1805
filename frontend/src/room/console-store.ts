import type { ConsoleEntries, ConsoleEntry, ConsoleTranscript } from '@pairpad/protocol';

/** Transcripts kept in the page (the run list's length): older ones are dropped. */
const KEPT = 20;

export type ConsoleListener = (entries: readonly ConsoleEntry[], reset: boolean) => void;

/**
 * The room's console transcripts, outside React state: a flood of output must not re-render the
 * page per chunk. The terminal subscribes to its run and writes what arrives; React only hears
 * that a run got its first entries.
 */
export class ConsoleStore {
  private readonly transcripts = new Map<string, ConsoleEntry[]>();
  private readonly listeners = new Map<string, Set<ConsoleListener>>();

  constructor(private readonly onNewTranscript: () => void) {}

  entries(jobId: string): readonly ConsoleEntry[] {
    return this.transcripts.get(jobId) ?? [];
  }

  has(jobId: string): boolean {
    return (this.transcripts.get(jobId)?.length ?? 0) > 0;
  }

  /** Calls `listener` with each batch of new entries (reset: the transcript was replaced whole). */
  subscribe(jobId: string, listener: ConsoleListener): () => void {
    const set = this.listeners.get(jobId) ?? new Set<ConsoleListener>();
    set.add(listener);
    this.listeners.set(jobId, set);
    return () => set.delete(listener);
  }

  /** Live entries: appended if they continue the transcript; a gap (missed while away) is skipped by the history that follows a rejoin. */
  append({ jobId, start, entries }: ConsoleEntries): void {
    const list = this.transcripts.get(jobId) ?? [];
    if (start > list.length) return;
    const fresh = entries.slice(list.length - start);
    if (fresh.length === 0) return;
    const first = list.length === 0;
    list.push(...fresh);
    this.transcripts.set(jobId, list);
    this.trim();
    for (const listener of this.listeners.get(jobId) ?? []) listener(fresh, false);
    if (first) this.onNewTranscript();
  }

  /** Sent at (re)join: these transcripts are the truth. */
  replace(transcripts: readonly ConsoleTranscript[]): void {
    for (const { jobId, entries } of transcripts) {
      this.transcripts.set(jobId, [...entries]);
      for (const listener of this.listeners.get(jobId) ?? []) listener(entries, true);
    }
    this.trim();
    this.onNewTranscript();
  }

  clear(): void {
    this.transcripts.clear();
    this.onNewTranscript();
  }

  private trim(): void {
    while (this.transcripts.size > KEPT) {
      const oldest = this.transcripts.keys().next().value;
      if (oldest === undefined) break;
      this.transcripts.delete(oldest);
    }
  }
}
