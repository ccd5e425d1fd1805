/** Gaps longer than this between two recorded moments play as this long: idle time is skipped. */
export const IDLE_GAP_MS = 2_000;

export interface PlaybackClock {
  /** Playback length in ms, after idle gaps were shortened. */
  duration: number;
  toReal(position: number): number;
  toPosition(real: number): number;
}

/**
 * Maps playback positions to session time. Between consecutive moments (checkpoints, events) time
 * runs 1:1, except that a gap longer than IDLE_GAP_MS is squeezed into IDLE_GAP_MS.
 */
export function playbackClock(moments: number[], start: number, end: number): PlaybackClock {
  const real = [...new Set([start, ...moments.filter((at) => at > start && at < end), end])].sort((a, b) => a - b);
  const play: number[] = [0];
  for (let i = 1; i < real.length; i++) play.push(play[i - 1]! + Math.min(real[i]! - real[i - 1]!, IDLE_GAP_MS));
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
  return {
    duration,
    toReal(position) {
      if (real.length < 2) return start;
      const clamped = Math.max(0, Math.min(duration, position));
      const i = segment(play, clamped);
      const span = play[i + 1]! - play[i]!;
      const fraction = span === 0 ? 0 : (clamped - play[i]!) / span;
      return real[i]! + fraction * (real[i + 1]! - real[i]!);
    },
    toPosition(at) {
      if (real.length < 2) return 0;
      const clamped = Math.max(start, Math.min(end, at));
      const i = segment(real, clamped);
      const span = real[i + 1]! - real[i]!;
      const fraction = span === 0 ? 0 : (clamped - real[i]!) / span;
      return play[i]! + fraction * (play[i + 1]! - play[i]!);
    },
  };
}

/** "m:ss" for a playback position. */
export function formatPosition(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
