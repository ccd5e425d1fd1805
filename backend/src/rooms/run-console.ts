import * as Y from 'yjs';
import {
  AppError,
  CONSOLE_FLUSH_MS,
  CONSOLE_INPUT_MAX_BYTES,
  CONSOLE_LINE_MAX_BYTES,
  CONSOLE_OUTPUT_MAX_BYTES,
  CONSOLE_TRANSCRIPTS_KEPT,
  INTERVIEW_DOC,
  type ConsoleEntries,
  type ConsoleEntry,
  type ConsoleTranscript,
  type Role,
  type RunControl,
} from '@pairpad/protocol';
import type { InterviewStateDoc } from './interview-state';

/** What the console needs to know of who acts. */
interface Actor {
  readonly name: string;
  readonly role: Role;
}

/** The console's limits (backend settings CONSOLE_*; the protocol's constants are the defaults). */
export interface RunConsoleLimits {
  /** One typed line, UTF-8 bytes. */
  maxLineBytes: number;
  /** Everything typed into one run, bytes. */
  maxInputBytes: number;
  /** Output kept per stream and run, bytes. */
  maxOutputBytes: number;
  /** Transcripts a room keeps. */
  transcriptsKept: number;
}

export const DEFAULT_CONSOLE_LIMITS: RunConsoleLimits = {
  maxLineBytes: CONSOLE_LINE_MAX_BYTES,
  maxInputBytes: CONSOLE_INPUT_MAX_BYTES,
  maxOutputBytes: CONSOLE_OUTPUT_MAX_BYTES,
  transcriptsKept: CONSOLE_TRANSCRIPTS_KEPT,
};

export interface RunConsoleOptions {
  now: () => number;
  limits?: Partial<RunConsoleLimits>;
  /** New entries of a transcript, from this node or another (the room tells its connections). */
  onEntries: (entries: ConsoleEntries) => void;
  /** An input, eof or stop entry was added anywhere; the node running the job acts on it. */
  onControl: (jobId: string, control: RunControl) => void;
}

interface PendingOutput {
  kind: 'stdout' | 'stderr';
  text: string;
  at: number;
}

/**
 * The room's run transcripts, in the replicated interview state (`consoles`: job id → array of
 * entries). Output from the node running the job is merged into one entry per stream and
 * flushed at most every CONSOLE_FLUSH_MS (the first chunk at once, so an echo is not delayed),
 * so a flood becomes a few large entries instead of thousands of small updates; it is capped
 * per stream like the executor's output (CONSOLE_MAX_OUTPUT_BYTES). Input is appended by the node the typist is on; the
 * relay brings it to the node that runs the job, whose observer hands it to the program.
 */
export class RunConsole {
  /** Made at the first output on this node: most rooms run nothing while idle. */
  private pendingByJob: Map<string, { chunks: PendingOutput[]; timer: NodeJS.Timeout | undefined; lastFlush: number }> | undefined;
  private outputBytesByJob: Map<string, { stdout: number; stderr: number }> | undefined;
  private readonly limits: RunConsoleLimits;

  constructor(
    private readonly state: InterviewStateDoc,
    private readonly options: RunConsoleOptions,
  ) {
    this.limits = options.limits ? { ...DEFAULT_CONSOLE_LIMITS, ...options.limits } : DEFAULT_CONSOLE_LIMITS;
  }

  get map(): Y.Map<Y.Array<ConsoleEntry>> {
    return consolesOf(this.state.doc);
  }

  private get pending(): Map<string, { chunks: PendingOutput[]; timer: NodeJS.Timeout | undefined; lastFlush: number }> {
    return (this.pendingByJob ??= new Map());
  }

  private get outputBytes(): Map<string, { stdout: number; stderr: number }> {
    return (this.outputBytesByJob ??= new Map());
  }

  /** Output of a job running on this node. */
  output(jobId: string, stream: 'stdout' | 'stderr', text: string): void {
    const used = this.outputBytes.get(jobId) ?? { stdout: 0, stderr: 0 };
    this.outputBytes.set(jobId, used);
    const room = this.limits.maxOutputBytes - used[stream];
    if (room <= 0) return;
    const kept =
      Buffer.byteLength(text) > room
        ? Buffer.from(text)
            .subarray(0, room)
            .toString('utf8')
            .replace(/\uFFFD$/, '')
        : text;
    used[stream] += Buffer.byteLength(kept);
    const pending = this.pending.get(jobId) ?? { chunks: [], timer: undefined, lastFlush: 0 };
    this.pending.set(jobId, pending);
    const last = pending.chunks.at(-1);
    if (last && last.kind === stream) last.text += kept;
    else pending.chunks.push({ kind: stream, text: kept, at: this.options.now() });
    if (pending.timer) return;
    const wait = pending.lastFlush + CONSOLE_FLUSH_MS - Date.now();
    if (wait <= 0) this.flush(jobId);
    else pending.timer = setTimeout(() => this.flush(jobId), wait);
  }

  /** Writes a job's merged output now (its run just finished: the transcript must be whole first). */
  flush(jobId: string): void {
    const pending = this.pendingByJob?.get(jobId);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.timer = undefined;
    const chunks = pending.chunks.splice(0);
    // Only written output counts against the rate: an echo right after a typed line is not held back.
    if (chunks.length === 0) return;
    pending.lastFlush = Date.now();
    this.append(
      jobId,
      chunks.map(({ kind, text, at }) => ({ at, kind, text })),
    );
  }

  /** The job is over on this node: flush and forget its counters. */
  finish(jobId: string): void {
    this.flush(jobId);
    this.pendingByJob?.delete(jobId);
    this.outputBytesByJob?.delete(jobId);
  }

  /** A typed line for a running job; throws PAYLOAD_TOO_LARGE past the line or per-run limit. */
  input(actor: Actor, jobId: string, text: string): void {
    const bytes = Buffer.byteLength(text);
    const { maxLineBytes, maxInputBytes } = this.limits;
    if (bytes > maxLineBytes) throw new AppError('PAYLOAD_TOO_LARGE', `A console line may be at most ${maxLineBytes} bytes.`);
    if (this.inputBytes(jobId) + bytes > maxInputBytes) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `This run has received its ${Math.floor(maxInputBytes / 1024)} KiB of console input; no more is sent.`,
      );
    }
    this.flush(jobId);
    this.append(jobId, [{ at: this.options.now(), kind: 'stdin', text, name: actor.name, role: actor.role }]);
  }

  eof(actor: Actor, jobId: string): void {
    this.flush(jobId);
    this.append(jobId, [{ at: this.options.now(), kind: 'eof', text: '', name: actor.name, role: actor.role }]);
  }

  signal(actor: Actor, jobId: string, signal: 'SIGINT' | 'SIGKILL'): void {
    this.flush(jobId);
    this.append(jobId, [{ at: this.options.now(), kind: 'signal', text: signal, name: actor.name, role: actor.role }]);
  }

  transcript(jobId: string): ConsoleEntry[] {
    return this.map.get(jobId)?.toArray() ?? [];
  }

  /** Every kept transcript, in no particular order. */
  transcripts(): ConsoleTranscript[] {
    return [...this.map.entries()].map(([jobId, entries]) => ({ jobId, entries: entries.toArray() }));
  }

  destroy(): void {
    for (const pending of this.pendingByJob?.values() ?? []) clearTimeout(pending.timer);
    this.pendingByJob?.clear();
  }

  private inputBytes(jobId: string): number {
    let total = 0;
    for (const entry of this.map.get(jobId) ?? []) if (entry.kind === 'stdin') total += Buffer.byteLength(entry.text);
    return total;
  }

  private append(jobId: string, entries: ConsoleEntry[]): void {
    this.state.doc.transact(() => {
      let list = this.map.get(jobId);
      if (!list) {
        list = new Y.Array<ConsoleEntry>();
        this.map.set(jobId, list);
        this.dropOldTranscripts(jobId);
      }
      list.push(entries);
    });
  }

  /** Past `transcriptsKept`, the transcripts of the oldest runs go (their results stay). */
  private dropOldTranscripts(keep: string): void {
    const excess = this.map.size - this.limits.transcriptsKept;
    if (excess <= 0) return;
    const queuedAt = (jobId: string) => this.state.runs.get(jobId)?.queuedAt ?? 0;
    const oldest = [...this.map.keys()].filter((jobId) => jobId !== keep).sort((a, b) => queuedAt(a) - queuedAt(b));
    for (const jobId of oldest.slice(0, excess)) this.map.delete(jobId);
  }

  /** Observes a document the interview state is held in (the interview calls it each time one is made). */
  observe(doc: Y.Doc): void {
    consolesOf(doc).observeDeep((events) => this.watch(events));
  }

  private watch(events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
    for (const event of events) {
      if (event.target === this.map) {
        // A transcript created in this transaction (here or on another node) arrives whole:
        // Yjs reports a new type's first entries as the map's change, not as the array's.
        for (const [jobId, change] of event.changes.keys) {
          const list = this.map.get(jobId);
          if (change.action !== 'delete' && list) this.announce(jobId, 0, list.toArray());
        }
        continue;
      }
      const jobId = event.path[0];
      if (!(event.target instanceof Y.Array) || typeof jobId !== 'string') continue;
      let index = 0;
      for (const change of event.changes.delta) {
        if (change.retain) index += change.retain;
        if (!Array.isArray(change.insert)) continue;
        const entries = change.insert as ConsoleEntry[];
        this.announce(jobId, index, entries);
        index += entries.length;
      }
    }
  }

  private announce(jobId: string, start: number, entries: ConsoleEntry[]): void {
    this.options.onEntries({ jobId, start, entries });
    for (const entry of entries) {
      if (entry.kind === 'stdin') this.options.onControl(jobId, { kind: 'stdin', text: entry.text });
      else if (entry.kind === 'eof') this.options.onControl(jobId, { kind: 'eof' });
      else if (entry.kind === 'signal' && (entry.text === 'SIGINT' || entry.text === 'SIGKILL'))
        this.options.onControl(jobId, { kind: 'signal', signal: entry.text, ...(entry.name ? { by: entry.name } : {}) });
    }
  }
}

function consolesOf(doc: Y.Doc): Y.Map<Y.Array<ConsoleEntry>> {
  return doc.getMap<Y.Array<ConsoleEntry>>(INTERVIEW_DOC.consoles);
}
