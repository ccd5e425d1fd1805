import type { ReportParticipant, RunRecord, TimelineEvent } from '@pairpad/protocol';
import { InterviewStateDoc, type RecordedEvent } from './interview-state';

export interface TimelineRecorderOptions {
  /** Past these, the oldest entries are dropped: memory per room stays bounded. */
  maxEvents?: number;
  maxRuns?: number;
  now?: () => number;
}

/**
 * Records a session's events for playback and the report into the room's replicated interview
 * state: joins, leaves, pastes, focus, controls (a list), runs (their own map). The code's edits
 * are the `EditRecorder`'s. Knows no transport; the room feeds it.
 */
export class TimelineRecorder {
  private readonly now: () => number;
  private readonly maxEvents: number;
  private readonly maxRuns: number;

  constructor(
    private readonly state: InterviewStateDoc,
    options: TimelineRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxEvents = options.maxEvents ?? 10_000;
    this.maxRuns = options.maxRuns ?? 1_000;
  }

  record(event: RecordedEvent): void {
    InterviewStateDoc.pushBounded(this.state.events, event, this.maxEvents);
  }

  /** A run changed state: its entry shows its latest state. */
  recordRun(run: RunRecord): void {
    this.state.recordRun(run, this.maxRuns);
  }

  /** Events (runs included, at their queue time), oldest first. */
  events(): TimelineEvent[] {
    const events: TimelineEvent[] = this.state.events.toArray().map((event) => ({ ...event }));
    for (const run of this.state.runList()) events.push({ at: run.queuedAt, kind: 'run', run });
    // Stable: entries at the same time keep the shared list's order (the same on every node).
    return events.sort((a, b) => a.at - b.at);
  }

  runs(): RunRecord[] {
    return this.state.runList();
  }

  participants(until: number): ReportParticipant[] {
    const byKey = new Map<string, ReportParticipant>();
    const present = new Map<string, number>();
    for (const event of this.state.events) {
      if (event.kind !== 'join' && event.kind !== 'leave') continue;
      const key = `${event.role}\u0000${event.name}`;
      const entry = byKey.get(key) ?? { name: event.name, role: event.role, firstJoinedAt: event.at, lastSeenAt: event.at };
      entry.firstJoinedAt = Math.min(entry.firstJoinedAt, event.at);
      entry.lastSeenAt = Math.max(entry.lastSeenAt, event.at);
      byKey.set(key, entry);
      present.set(key, (present.get(key) ?? 0) + (event.kind === 'join' ? 1 : -1));
    }
    // Someone still connected was seen until now.
    for (const [key, count] of present) if (count > 0) byKey.get(key)!.lastSeenAt = until;
    return [...byKey.values()].sort((a, b) => a.firstJoinedAt - b.firstJoinedAt || (a.name < b.name ? -1 : 1));
  }

  /** When the first participant joined (the report's start), else when recording began. */
  firstJoinAt(): number {
    let first: number | null = null;
    for (const event of this.state.events) if (event.kind === 'join' && (first === null || event.at < first)) first = event.at;
    return first ?? this.state.startedAt ?? this.now();
  }
}
