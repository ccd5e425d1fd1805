import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { ReportParticipant, RunRecord, TimelineCheckpoint, TimelineEvent } from '@pairpad/protocol';
import { InterviewStateDoc, type RecordedEvent } from './interview-state';

export interface TimelineRecorderOptions {
  /** While the text keeps changing, a checkpoint at most this often (default 2 s). */
  checkpointIntervalMs?: number;
  /** Every this many checkpoints carries the whole text, so seeking never replays far (default 50). */
  keyframeEvery?: number;
  /** Past these, the oldest entries are dropped: memory per room stays bounded. */
  maxCheckpoints?: number;
  maxEvents?: number;
  maxRuns?: number;
  now?: () => number;
  /** This recorder's checkpoint stream id (default: a random UUID; tests fix it to replay exactly). */
  streamId?: string;
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

function applyCheckpoint(text: string, checkpoint: TimelineCheckpoint): string {
  return 'text' in checkpoint
    ? checkpoint.text
    : text.slice(0, checkpoint.from) + checkpoint.insert + text.slice(checkpoint.from + checkpoint.remove);
}

/**
 * Records a session for playback into the room's replicated interview state: document
 * checkpoints (a keyframe, then one splice per checkpoint, taken a few seconds apart while the
 * text changes here) and events (joins, leaves, pastes, focus, controls; runs are their own map).
 *
 * Each node records checkpoints into a stream of its own (its splices are against its own last
 * checkpoint, so concurrent nodes never interleave splices); reading merges every stream by time.
 * Knows no transport; the room feeds it.
 */
export class TimelineRecorder {
  /** This recorder's checkpoint stream in the shared map. */
  readonly streamId: string;
  private lastText: string | null = null;
  private sinceKeyframe = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly keyframeEvery: number;
  private readonly maxCheckpoints: number;
  private readonly maxEvents: number;
  private readonly maxRuns: number;

  constructor(
    private readonly state: InterviewStateDoc,
    private readonly readText: () => string,
    options: TimelineRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.streamId = options.streamId ?? randomUUID();
    this.intervalMs = options.checkpointIntervalMs ?? 2_000;
    this.keyframeEvery = options.keyframeEvery ?? 50;
    this.maxCheckpoints = options.maxCheckpoints ?? 20_000;
    this.maxEvents = options.maxEvents ?? 10_000;
    this.maxRuns = options.maxRuns ?? 1_000;
  }

  /** The room holds its shared state now: a brand-new room records its starting text. */
  start(): void {
    if (this.state.checkpoints.size === 0) this.write({ at: this.state.startedAt ?? this.now(), text: this.readText() }, this.readText());
    else this.lastText = this.readText();
  }

  /** The document changed here: make sure a checkpoint follows within the interval. */
  noteChange(): void {
    this.timer ??= setTimeout(() => this.checkpoint(), this.intervalMs);
    // A pending checkpoint must not keep a process alive on its own.
    this.timer.unref?.();
  }

  /** Records the text now if it changed since this node's last checkpoint. */
  checkpoint(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.readText();
    if (text === this.lastText) return;
    const at = this.now();
    const stream = this.state.checkpoints.get(this.streamId);
    if (!stream || this.lastText === null || ++this.sinceKeyframe >= this.keyframeEvery) {
      this.sinceKeyframe = 0;
      this.write({ at, text }, text);
    } else {
      this.write({ at, ...splice(this.lastText, text) }, text);
    }
  }

  record(event: RecordedEvent): void {
    InterviewStateDoc.pushBounded(this.state.events, event, this.maxEvents);
  }

  /** A run changed state: the code it ran is checkpointed when queued, and its entry shows its latest state. */
  recordRun(run: RunRecord): void {
    if (run.state === 'queued' && !this.state.runs.has(run.jobId)) this.checkpoint();
    this.state.recordRun(run, this.maxRuns);
  }

  /** Every node's checkpoints merged by time, re-encoded as keyframes and splices. */
  checkpoints(): TimelineCheckpoint[] {
    const texts: Array<{ at: number; text: string; stream: string; index: number }> = [];
    for (const stream of [...this.state.checkpoints.keys()].sort()) {
      let text = '';
      this.state.checkpoints.get(stream)!.forEach((checkpoint, index) => {
        text = applyCheckpoint(text, checkpoint);
        texts.push({ at: checkpoint.at, text, stream, index });
      });
    }
    texts.sort((a, b) => a.at - b.at || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.index - b.index));
    const merged: TimelineCheckpoint[] = [];
    let previous: string | null = null;
    let sinceKeyframe = 0;
    for (const { at, text } of texts) {
      if (text === previous) continue;
      if (previous === null || ++sinceKeyframe >= this.keyframeEvery) {
        sinceKeyframe = 0;
        merged.push({ at, text });
      } else merged.push({ at, ...splice(previous, text) });
      previous = text;
    }
    return merged;
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

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private write(checkpoint: TimelineCheckpoint, text: string): void {
    this.lastText = text;
    this.state.doc.transact(() => {
      let stream = this.state.checkpoints.get(this.streamId);
      if (!stream) {
        stream = new Y.Array<TimelineCheckpoint>();
        this.state.checkpoints.set(this.streamId, stream);
      }
      stream.push([checkpoint]);
      if (stream.length > this.maxCheckpoints) this.dropOldest(stream);
    });
  }

  /** Drops the stream's oldest checkpoint and turns the new first one into a keyframe. */
  private dropOldest(stream: Y.Array<TimelineCheckpoint>): void {
    const first = stream.get(0);
    const second = stream.get(1);
    if ('text' in second) {
      stream.delete(0, 1);
      return;
    }
    const keyframe = { at: second.at, text: applyCheckpoint('text' in first ? first.text : '', second) };
    stream.delete(0, 2);
    stream.insert(0, [keyframe]);
  }
}
