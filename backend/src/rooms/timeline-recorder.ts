import type { ReportParticipant, RunRecord, TimelineCheckpoint, TimelineEvent } from '../protocol';

export interface TimelineRecorderOptions {
  /** While the text keeps changing, a checkpoint at most this often (default 2 s). */
  checkpointIntervalMs?: number;
  /** Every this many checkpoints carries the whole text, so seeking never replays far (default 50). */
  keyframeEvery?: number;
  /** Past these, the oldest entries are dropped: memory per room stays bounded. */
  maxCheckpoints?: number;
  maxEvents?: number;
  now?: () => number;
}

/** One splice turning `before` into `after` (common prefix and suffix kept). */
function splice(before: string, after: string): { from: number; remove: number; insert: string } {
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { from: start, remove: endBefore - start, insert: after.slice(start, endAfter) };
}

/**
 * Records a session for playback: document checkpoints (a keyframe, then one splice per
 * checkpoint, taken a few seconds apart while the text changes) and events (joins, leaves, runs,
 * pastes, focus, controls). Knows no transport; the room feeds it.
 */
export class TimelineRecorder {
  readonly startedAt: number;
  private readonly checkpoints: TimelineCheckpoint[] = [];
  private readonly events: TimelineEvent[] = [];
  private readonly runIndex = new Map<string, TimelineEvent & { kind: 'run' }>();
  private lastText: string;
  private sinceKeyframe = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly keyframeEvery: number;
  private readonly maxCheckpoints: number;
  private readonly maxEvents: number;

  constructor(
    private readonly readText: () => string,
    options: TimelineRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.checkpointIntervalMs ?? 2_000;
    this.keyframeEvery = options.keyframeEvery ?? 50;
    this.maxCheckpoints = options.maxCheckpoints ?? 20_000;
    this.maxEvents = options.maxEvents ?? 10_000;
    this.startedAt = this.now();
    this.lastText = readText();
    this.checkpoints.push({ at: this.startedAt, text: this.lastText });
  }

  /** The document changed: make sure a checkpoint follows within the interval. */
  noteChange(): void {
    this.timer ??= setTimeout(() => this.checkpoint(), this.intervalMs);
    // A pending checkpoint must not keep a process alive on its own.
    this.timer.unref?.();
  }

  /** Records the text now if it changed since the last checkpoint. */
  checkpoint(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.readText();
    if (text === this.lastText) return;
    const at = this.now();
    this.sinceKeyframe++;
    if (this.sinceKeyframe >= this.keyframeEvery) {
      this.sinceKeyframe = 0;
      this.checkpoints.push({ at, text });
    } else {
      this.checkpoints.push({ at, ...splice(this.lastText, text) });
    }
    this.lastText = text;
    if (this.checkpoints.length > this.maxCheckpoints) this.dropOldestCheckpoint();
  }

  record(event: TimelineEvent): void {
    this.events.push(event);
    if (this.events.length > this.maxEvents) {
      const dropped = this.events.shift();
      if (dropped?.kind === 'run') this.runIndex.delete(dropped.run.jobId);
    }
  }

  /** A run changed state: the code it ran is checkpointed when queued, and its entry shows its latest state. */
  recordRun(run: RunRecord): void {
    const existing = this.runIndex.get(run.jobId);
    if (existing) {
      existing.run = run;
      return;
    }
    if (run.state !== 'queued') return;
    this.checkpoint();
    const event = { at: run.queuedAt, kind: 'run' as const, run };
    this.runIndex.set(run.jobId, event);
    this.record(event);
  }

  timeline(): { startedAt: number; checkpoints: TimelineCheckpoint[]; events: TimelineEvent[] } {
    this.checkpoint();
    return { startedAt: this.startedAt, checkpoints: [...this.checkpoints], events: this.events.map((event) => ({ ...event })) };
  }

  runs(): RunRecord[] {
    return this.events.flatMap((event) => (event.kind === 'run' ? [event.run] : []));
  }

  participants(until: number): ReportParticipant[] {
    const byKey = new Map<string, ReportParticipant>();
    for (const event of this.events) {
      if (event.kind !== 'join' && event.kind !== 'leave') continue;
      const key = `${event.role}\u0000${event.name}`;
      const entry = byKey.get(key) ?? { name: event.name, role: event.role, firstJoinedAt: event.at, lastSeenAt: event.at };
      entry.lastSeenAt = event.at;
      byKey.set(key, entry);
    }
    // Someone still connected was seen until now.
    const present = new Map<string, number>();
    for (const event of this.events) {
      if (event.kind !== 'join' && event.kind !== 'leave') continue;
      const key = `${event.role}\u0000${event.name}`;
      present.set(key, (present.get(key) ?? 0) + (event.kind === 'join' ? 1 : -1));
    }
    for (const [key, count] of present) if (count > 0) byKey.get(key)!.lastSeenAt = until;
    return [...byKey.values()].sort((a, b) => a.firstJoinedAt - b.firstJoinedAt);
  }

  /** When the first participant joined (the report's start), else when recording began. */
  firstJoinAt(): number {
    return this.events.find((event) => event.kind === 'join')?.at ?? this.startedAt;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops the oldest checkpoint and turns the new first one into a keyframe. */
  private dropOldestCheckpoint(): void {
    const first = this.checkpoints[0]!;
    const second = this.checkpoints[1]!;
    if (!('text' in second)) {
      const base = 'text' in first ? first.text : '';
      this.checkpoints[1] = { at: second.at, text: base.slice(0, second.from) + second.insert + base.slice(second.from + second.remove) };
    }
    this.checkpoints.shift();
  }
}
