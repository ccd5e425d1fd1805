import { z } from 'zod';
import { JobIdSchema } from './execution';
import type { Role } from './realtime';

/**
 * The room's console: a run's output as it is produced, the lines participants typed into its
 * stdin (with who typed them), end of input and stops, in order. One transcript per run, kept in
 * the replicated interview state, so every node's participants see it live and playback and the
 * report replay it.
 */

export type ConsoleEntryKind = 'stdout' | 'stderr' | 'stdin' | 'eof' | 'signal';

export interface ConsoleEntry {
  /** Server clock, epoch ms. */
  at: number;
  kind: ConsoleEntryKind;
  /** Output or the typed line (with its newline); the signal's name for `signal`; '' for `eof`. */
  text: string;
  /** Who typed, closed or stopped (absent for output). */
  name?: string;
  role?: Role;
}

/** Defaults of the backend's CONSOLE_* settings. One line a participant may send at once, UTF-8 bytes (a pasted paragraph fits). */
export const CONSOLE_LINE_MAX_BYTES = 4096;
/** Everything typed into one run, bytes: past it, more input is refused. */
export const CONSOLE_INPUT_MAX_BYTES = 65_536;
/** Output a transcript keeps per stream, bytes: the executor's output cap (EXECUTOR_OUTPUT_MAX_SIZE's default). */
export const CONSOLE_OUTPUT_MAX_BYTES = 65_536;
/** Transcripts a room keeps; older runs keep their result, not their console. */
export const CONSOLE_TRANSCRIPTS_KEPT = 50;
/** Output is sent to participants at most this often per run (chunks in between are merged). */
export const CONSOLE_FLUSH_MS = 40;

/** `console:input`: a line for the running program's stdin. Size is checked by the server (PAYLOAD_TOO_LARGE). */
export const ConsoleInputSchema = z.strictObject({
  jobId: JobIdSchema,
  text: z.string(),
});
export type ConsoleInput = z.infer<typeof ConsoleInputSchema>;

/** `console:signal`: Ctrl+C (SIGINT) or Stop (SIGKILL); `console:eof`: Ctrl+D. */
export const ConsoleSignalSchema = z.strictObject({
  jobId: JobIdSchema,
  signal: z.enum(['SIGINT', 'SIGKILL']),
});
export type ConsoleSignal = z.infer<typeof ConsoleSignalSchema>;

/**
 * What a room's console asks of a running job (stdin, end of input, a stop), handed by the room
 * to the node where the job runs: one type for the console and the run.
 */
export type RunControl =
  | { kind: 'stdin'; text: string }
  | { kind: 'eof' }
  /** `by`: who pressed Stop or Ctrl+C (their display name), carried to the run's result ("Stopped by Ivy"). */
  | { kind: 'signal'; signal: ConsoleSignal['signal']; by?: string };

export const ConsoleEofSchema = z.strictObject({ jobId: JobIdSchema });

/** `console:entries` (server → client): entries `start`, `start + 1`, … of a run's transcript. */
export interface ConsoleEntries {
  jobId: string;
  start: number;
  entries: ConsoleEntry[];
}

/** A run's whole transcript (join, timeline, report). */
export interface ConsoleTranscript {
  jobId: string;
  entries: ConsoleEntry[];
}
