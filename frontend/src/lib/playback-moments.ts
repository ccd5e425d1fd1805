import type { Timeline } from '@pairpad/protocol';
import { formatDuration } from './format';
import { formatPosition, type IdleGap } from './playback-clock';
import { describeEvent } from './timeline-words';

/** What a tick on the slider stands for (its colour and its word in the legend). */
export type MomentKind = 'run' | 'tests' | 'console' | 'chat' | 'focus' | 'paste' | 'room' | 'idle';

export const MOMENT_KINDS: ReadonlyArray<{ kind: MomentKind; label: string }> = [
  { kind: 'run', label: 'Run' },
  { kind: 'tests', label: 'Tests' },
  { kind: 'console', label: 'Console' },
  { kind: 'chat', label: 'Chat' },
  { kind: 'focus', label: 'Focus' },
  { kind: 'paste', label: 'Paste' },
  { kind: 'room', label: 'Room' },
  { kind: 'idle', label: 'Idle' },
];

/** One thing on the slider and in the events list. */
export interface Moment {
  at: number;
  kind: MomentKind;
  text: string;
  /** The file it happened in (a paste in a room of several files): choosing the moment shows that file. */
  path?: string;
}

/**
 * Everything the playback marks, oldest first: the timeline's events, the chat, and what people
 * did in a run's console (typed lines, end of input, stops); idle stretches are added by the page.
 */
export function playbackMoments(timeline: Timeline): Moment[] {
  const moments: Moment[] = timeline.events.map((event) => ({
    at: event.at,
    kind: event.kind === 'run' || event.kind === 'tests' || event.kind === 'focus' || event.kind === 'paste' ? event.kind : 'room',
    text: describeEvent(event),
    ...(event.kind === 'paste' && event.path ? { path: event.path } : {}),
  }));
  for (const message of timeline.chat ?? [])
    moments.push({ at: message.at, kind: 'chat', text: `${message.name} in the chat: ${message.text}` });
  for (const transcript of timeline.consoles ?? []) {
    for (const entry of transcript.entries) {
      if (entry.kind === 'stdin')
        moments.push({ at: entry.at, kind: 'console', text: `${entry.name ?? 'Someone'} typed into the console: ${entry.text.trimEnd()}` });
      else if (entry.kind === 'eof')
        moments.push({ at: entry.at, kind: 'console', text: `${entry.name ?? 'Someone'} closed the console's input` });
      else if (entry.kind === 'signal')
        moments.push({ at: entry.at, kind: 'console', text: `${entry.name ?? 'Someone'} stopped the program (${entry.text})` });
    }
  }
  // Stable: events at the same time keep the timeline's order.
  return moments.sort((a, b) => a.at - b.at);
}

/** An idle stretch as a moment of the list: when it began, and how long it really lasted. */
export function idleMoment(gap: IdleGap): Moment {
  return { at: gap.from, kind: 'idle', text: `Idle for ${formatDuration(gap.to - gap.from)} (shortened on the slider)` };
}

/** "4:12 idle" for a gap marker. */
export function idleLabel(gap: IdleGap): string {
  return `${formatPosition(gap.to - gap.from)} idle`;
}
