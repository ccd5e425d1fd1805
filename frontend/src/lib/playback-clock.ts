/** A stretch this long with nothing recorded (no edit, no event) is idle: it is compressed, and marked. */
export const IDLE_GAP_MS = 30_000;
/** How long an idle stretch lasts on the slider. */
export const IDLE_SHOWN_MS = 3_000;

/** An idle stretch, compressed on the slider: where it sits and how long it really lasted. */
export interface IdleGap {
  /** Its start on the slider (playback ms). */
  position: number;
  /** Session time (epoch ms) it began and ended. */
  from: number;
  to: number;
}

export interface PlaybackClock {
  /** Playback length in ms, after idle stretches were compressed. */
  duration: number;
  /** Session time at the slider's start and end: every moment given lies between them. */
  start: number;
  end: number;
  gaps: IdleGap[];
  toReal(position: number): number;
  toPosition(real: number): number;
}

/**
 * Maps playback positions to session time. Between consecutive moments (edits, events) time runs
 * 1:1, except that a stretch longer than IDLE_GAP_MS plays as IDLE_SHOWN_MS and is listed in
 * `gaps`. The range runs from the earlier of `start` and the first moment to the later of `end`
 * and the last moment, so no moment falls outside the slider. A moment maps to a position and
 * back exactly (it is a segment's end), so seeking to an event shows the state at that event.
 */
export function playbackClock(moments: readonly number[], start: number, end: number): PlaybackClock {
  const sorted = [...moments].sort((a, b) => a - b);
  const first = Math.min(start, sorted[0] ?? start);
  const last = Math.max(end, sorted.at(-1) ?? end, first);
  const real: number[] = [first];
  for (const at of sorted) if (at > real.at(-1)!) real.push(at);
  if (last > real.at(-1)!) real.push(last);
  const play: number[] = [0];
  const gaps: IdleGap[] = [];
  for (let i = 1; i < real.length; i++) {
    const span = real[i]! - real[i - 1]!;
    if (span > IDLE_GAP_MS) gaps.push({ position: play[i - 1]!, from: real[i - 1]!, to: real[i]! });
    play.push(play[i - 1]! + (span > IDLE_GAP_MS ? IDLE_SHOWN_MS : span));
  }
  const duration = play.at(-1) ?? 0;
  const segment = (values: number[], value: number): number => {
    let low = 0;
    let high = values.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (values[middle]! <= value) low = middle;
      else high = middle - 1;
    }
    return Math.min(low, values.length - 2);
  };
  const map = (from: number[], to: number[], value: number): number => {
    if (from.length < 2) return to[0]!;
    const clamped = Math.max(from[0]!, Math.min(from.at(-1)!, value));
    const i = segment(from, clamped);
    const span = from[i + 1]! - from[i]!;
    // A segment's ends map exactly: no rounding puts an event's own state a hair before it.
    if (clamped === from[i]) return to[i]!;
    if (clamped === from[i + 1]) return to[i + 1]!;
    return to[i]! + ((clamped - from[i]!) / span) * (to[i + 1]! - to[i]!);
  };
  return {
    duration,
    start: first,
    end: last,
    gaps,
    toReal: (position) => map(play, real, position),
    toPosition: (at) => map(real, play, at),
  };
}

/** "m:ss" (or "h:mm:ss") for a playback position or a length. */
export function formatPosition(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
