import * as Y from 'yjs';
import type { Logger } from '../logging/logger';
import type { TeamEvent } from '../events/team-events';
import type { SavingStatus } from '@pairpad/protocol';
import type { Room, RoomConnection, RoomExtension } from '../rooms';
import type { SessionRecord } from '../sessions';
import type { InterviewRepository, InterviewSnapshot, NewInterview, SavedSnapshot, SnapshotWrite } from './interview-repository';
import { encodeRoomState } from './room-state-codec';

export interface InterviewArchiveOptions {
  interviews: InterviewRepository;
  /** The session records (title, creation time, token hash), read when a room loads. */
  sessions: { get(id: string): Promise<SessionRecord | undefined> };
  /** A live room that changed is written this often (CHECKPOINT_INTERVAL_MS), never per keystroke. */
  checkpointIntervalMs: number;
  logger: Logger;
  /**
   * Told of each interview's creation, start and end (TeamEvents), once per interview across
   * nodes: only the write that actually inserted the row, or changed its status, publishes.
   */
  events?: { publish(event: TeamEvent): void };
  /** First retry after a failed write; doubles up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  now?: () => number;
}

export interface ArchiveHealth {
  status: SavingStatus['status'];
  /** Interviews whose latest state is not in the database yet. */
  pending: number;
  /** When the oldest delay began (ms), null when saved. */
  delayedSince: number | null;
  lastError: string | null;
}

/** One interview the archive knows: its live room (if loaded here) and what is waiting to be written. */
interface Entry {
  readonly id: string;
  room: Room | null;
  record: SessionRecord | null;
  /** Changed on this node since the last snapshot was taken. */
  dirty: boolean;
  /** Changed on any node (relayed ones too) since the last snapshot: the unload writes it then. */
  active: boolean;
  checkpointTimer: NodeJS.Timeout | undefined;
  /** The session record to insert (POST /api/sessions), until it is written. */
  pendingCreate: NewInterview | null;
  /** The newest snapshot not written yet: a newer one replaces it (Yjs states only grow). */
  pendingSnapshot: InterviewSnapshot | null;
  writing: boolean;
  /** What this node's last write left in the row (its next write skips the merge if still there). */
  saved: SavedSnapshot | null;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
  delayedSince: number | null;
}

const RETRY_INITIAL_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Writes every interview to the database as it goes, as a room extension: the session record
 * when it is created, then the room's whole state (code document, interview document — timeline,
 * runs, consoles, chat, question — and the private notes) at the first join, every
 * `checkpointIntervalMs` while it changes, when a run finishes, at the end, and when the room
 * unloads (expired, or the node stopping).
 *
 * A database that is down or full never stops a room: the newest snapshot waits in memory and is
 * retried with backoff; the room's participants are told saving is delayed (`room:saving`), the
 * log says it once, the health check shows it, and everything is written once it is back.
 */
export class InterviewArchive implements RoomExtension {
  readonly name = 'interview-archive';
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private lastError: string | null = null;
  /** Logged once per outage: the first failure, then the recovery. */
  private outageLogged = false;
  private idleWaiters: Array<() => void> = [];
  /** Session records waiting for the next multi-row INSERT (see `createRecord`). */
  private readonly createQueue: Array<{ interview: NewInterview; resolve: (created: boolean) => void; reject: (error: unknown) => void }> =
    [];
  /** A multi-row INSERT of session records is under way. */
  private creating = false;

  constructor(private readonly options: InterviewArchiveOptions) {
    this.now = options.now ?? Date.now;
  }

  /** POST /api/sessions: the session record goes in as `upcoming` (retried like any write). */
  sessionCreated(interview: NewInterview): void {
    const entry = this.entry(interview.id);
    entry.pendingCreate = interview;
    void this.pump(entry);
  }

  async onLoad(room: Room): Promise<void> {
    const entry = this.entry(room.sessionId);
    entry.room = room;
    // A room loaded again may not hold what an earlier one wrote: its first write merges.
    entry.saved = null;
    // The record outlives nothing: when the session expires it is gone before the room closes.
    entry.record = (await this.options.sessions.get(room.sessionId).catch(() => undefined)) ?? entry.record;
  }

  onLocalUpdate(room: Room): void {
    // Per keystroke: a flag and, at most once per interval, a timer.
    const entry = this.entries.get(room.sessionId);
    if (!entry || entry.room !== room) return;
    entry.dirty = true;
    if (entry.checkpointTimer) return;
    // ±20 %: rooms that started together (a hiring day, a load test) do not all write at once.
    entry.checkpointTimer = setTimeout(() => this.checkpoint(entry), this.options.checkpointIntervalMs * (0.8 + Math.random() * 0.4));
    entry.checkpointTimer.unref();
  }

  /**
   * Any change, relayed ones included. Each node writes only its own changes as it goes (the
   * other nodes write theirs); when the room unloads here, what it saw is written once more, so
   * a node that crashed before its checkpoint loses nothing another node still holds.
   */
  onActivity(room: Room): void {
    const entry = this.entries.get(room.sessionId);
    if (entry && entry.room === room) entry.active = true;
  }

  onConnect(room: Room, connection: RoomConnection): void {
    const entry = this.entries.get(room.sessionId);
    if (!entry || entry.room !== room) return;
    connection.notify?.({ type: 'saving', saving: { status: this.statusOf(entry) } });
    // The first join makes the interview live: written at once. Later ones (reconnects, a
    // second interviewer) go with the next checkpoint.
    if (!entry.saved || entry.saved.status === 'upcoming') this.saveNow(room.sessionId);
    else this.onLocalUpdate(room);
  }

  onEnd(room: Room): void {
    this.saveNow(room.sessionId);
  }

  onClose(room: Room, { purge }: { purge: boolean }): void {
    const entry = this.entries.get(room.sessionId);
    if (!entry || entry.room !== room) return;
    // The room is freed right after this hook: its state is taken now, written after.
    this.clearCheckpoint(entry);
    // `purge`: the session expired (or was deleted): an interview that took place is over, though
    // nobody pressed End; it ended when its last participant left.
    if (entry.dirty || entry.active || entry.pendingSnapshot || entry.failures > 0 || purge)
      this.queue(entry, this.snapshot(entry, room, purge));
    entry.room = null;
    this.forgetIfDone(entry);
  }

  /** Writes the room's state now (a run or test run finished, someone joined, the end). */
  saveNow(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry?.room) return;
    this.clearCheckpoint(entry);
    this.queue(entry, this.snapshot(entry, entry.room));
  }

  /** Health check: `delayed` while some interview waits for the database. */
  health(): ArchiveHealth {
    let pending = 0;
    let delayedSince: number | null = null;
    for (const entry of this.entries.values()) {
      if (entry.pendingCreate || entry.pendingSnapshot || entry.writing) pending += 1;
      if (entry.delayedSince !== null) delayedSince = Math.min(delayedSince ?? entry.delayedSince, entry.delayedSince);
    }
    return {
      status: delayedSince === null ? 'saved' : 'delayed',
      pending,
      delayedSince,
      lastError: delayedSince === null ? null : this.lastError,
    };
  }

  /**
   * Shutdown: takes every loaded room's state, then waits (up to `timeoutMs`) for the writes. What
   * is still pending after that is lost with the process; the last checkpoint stays in the database.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    for (const entry of this.entries.values()) {
      if (entry.room && entry.dirty) this.saveNow(entry.id);
      // Retries wait no longer: one last attempt each.
      if (entry.retryTimer) {
        clearTimeout(entry.retryTimer);
        entry.retryTimer = undefined;
        void this.pump(entry);
      }
    }
    if (this.idle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Stops every timer (after `flush`). */
  close(): void {
    for (const entry of this.entries.values()) {
      this.clearCheckpoint(entry);
      clearTimeout(entry.retryTimer);
    }
    this.entries.clear();
  }

  private entry(id: string): Entry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = {
        id,
        room: null,
        record: null,
        dirty: false,
        active: false,
        checkpointTimer: undefined,
        pendingCreate: null,
        pendingSnapshot: null,
        writing: false,
        saved: null,
        failures: 0,
        retryTimer: undefined,
        delayedSince: null,
      };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private checkpoint(entry: Entry): void {
    entry.checkpointTimer = undefined;
    if (entry.room && entry.dirty) this.queue(entry, this.snapshot(entry, entry.room));
  }

  private clearCheckpoint(entry: Entry): void {
    clearTimeout(entry.checkpointTimer);
    entry.checkpointTimer = undefined;
  }

  private queue(entry: Entry, snapshot: InterviewSnapshot): void {
    entry.pendingSnapshot = snapshot;
    entry.dirty = false;
    entry.active = false;
    void this.pump(entry);
  }

  /** Everything the dashboard and the report need, taken synchronously from the live room. */
  private snapshot(entry: Entry, room: Room, over = false): InterviewSnapshot {
    // A save is no write: an idle room's interview stays resting (rooms/interview-state.ts).
    return room.interview.quietly(() => this.takeSnapshot(entry, room, over));
  }

  private takeSnapshot(entry: Entry, room: Room, over: boolean): InterviewSnapshot {
    const at = this.now();
    const { interview } = room;
    // Edits recorded here and not yet in the shared state are part of what is saved.
    interview.flushRecording();
    const state = interview.current;
    const people = interview.timeline.participants(at);
    const ended = state.ended || (over && people.length > 0);
    const question = interview.questions.view('interviewer');
    const record = entry.record;
    return {
      id: room.sessionId,
      createdAt: record?.createdAt ?? at,
      interviewerTokenHash: record?.interviewerTokenHash ?? null,
      title: record?.title ?? question.title ?? '',
      language: room.currentLanguage,
      questionId: question.questionId,
      questionTitle: question.title,
      status: ended ? 'ended' : people.length > 0 ? 'live' : 'upcoming',
      startedAt: people.length > 0 ? interview.timeline.firstJoinAt() : null,
      endedAt: state.endedAt ?? (ended ? Math.max(...people.map((person) => person.lastSeenAt)) : null),
      candidateName: people.find((person) => person.role === 'candidate')?.name ?? null,
      roomState: encodeRoomState({ doc: Y.encodeStateAsUpdate(room.doc), interview: interview.state.encode() }),
      notesState: interview.notes.encodeState(),
      // Per language, the code last seen in it: merged with what earlier snapshots kept.
      finalCode: { [room.currentLanguage]: room.code },
      participants: people.map((person) => ({ name: person.name, role: person.role })),
      at,
    };
  }

  /** Writes what is pending for one interview, one write at a time; on failure, retries later. */
  private async pump(entry: Entry): Promise<void> {
    if (entry.writing || entry.retryTimer) return;
    const create = entry.pendingCreate;
    const snapshot = entry.pendingSnapshot;
    if (!create && !snapshot) return this.forgetIfDone(entry);
    entry.writing = true;
    entry.pendingCreate = null;
    entry.pendingSnapshot = null;
    try {
      if (create && (await this.createRecord(create))) {
        this.options.events?.publish({ type: 'interview.created', interviewId: create.id, occurredAt: create.createdAt });
      }
      if (snapshot) {
        const write = await this.options.interviews.writeSnapshot({ ...snapshot, basedOn: entry.saved });
        entry.saved = write.saved;
        this.publishStatusChange(snapshot, write);
      }
      entry.writing = false;
      this.succeeded(entry);
    } catch (error) {
      entry.writing = false;
      // Put back what failed, unless something newer is waiting already.
      if (create) entry.pendingCreate ??= create;
      if (snapshot) entry.pendingSnapshot ??= snapshot;
      this.failed(entry, error);
      return;
    }
    if (entry.pendingCreate || entry.pendingSnapshot) void this.pump(entry);
    else this.forgetIfDone(entry);
  }

  /**
   * `interviews.create`, with the records of sessions created at about the same time written
   * together: those created in the same turn of the event loop, or while an INSERT is under way,
   * go in the next one (one round trip for a burst of API creates, not one each). When a
   * multi-row INSERT fails, each of its records is written alone, so one the database refuses
   * fails by itself (and is retried by its own entry) as before.
   */
  private createRecord(interview: NewInterview): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.createQueue.push({ interview, resolve, reject });
      if (this.createQueue.length === 1 && !this.creating) setImmediate(() => void this.flushCreates());
    });
  }

  private async flushCreates(): Promise<void> {
    const batch = this.createQueue.splice(0);
    if (batch.length === 0) return;
    this.creating = true;
    const alone = async (queued: (typeof batch)[number]) => {
      try {
        queued.resolve(await this.options.interviews.create(queued.interview));
      } catch (error) {
        queued.reject(error);
      }
    };
    try {
      if (batch.length === 1) return await alone(batch[0]!);
      let written: Set<string>;
      try {
        written = await this.options.interviews.createMany(batch.map((queued) => queued.interview));
      } catch {
        await Promise.all(batch.map(alone));
        return;
      }
      for (const queued of batch) queued.resolve(written.has(queued.interview.id));
    } finally {
      this.creating = false;
      if (this.createQueue.length > 0) setImmediate(() => void this.flushCreates());
    }
  }

  /** `interview.started` when the row left `upcoming`, `interview.ended` when it became `ended` (both, if at once). */
  private publishStatusChange(snapshot: InterviewSnapshot, { saved, previousStatus }: SnapshotWrite): void {
    const events = this.options.events;
    if (!events || !saved || previousStatus === null || previousStatus === saved.status) return;
    if (previousStatus === 'upcoming') {
      events.publish({ type: 'interview.started', interviewId: snapshot.id, occurredAt: saved.started_at ?? snapshot.at });
    }
    if (saved.status === 'ended') {
      events.publish({ type: 'interview.ended', interviewId: snapshot.id, occurredAt: saved.ended_at ?? snapshot.at });
    }
  }

  private succeeded(entry: Entry): void {
    const wasDelayed = entry.delayedSince !== null;
    entry.failures = 0;
    entry.delayedSince = null;
    if (wasDelayed) this.announce(entry);
    if (this.outageLogged && this.health().status === 'saved') {
      this.outageLogged = false;
      this.options.logger.info('interviews are being saved again: every delayed change is in the database');
    }
  }

  private failed(entry: Entry, error: unknown): void {
    entry.failures += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
    if (entry.delayedSince === null) {
      entry.delayedSince = this.now();
      this.announce(entry);
    }
    if (!this.outageLogged) {
      this.outageLogged = true;
      this.options.logger.warn('saving interviews is delayed: the database did not take a write; rooms keep working and it is retried', {
        sessionId: entry.id,
        error: this.lastError,
      });
    }
    const initial = this.options.retryInitialMs ?? RETRY_INITIAL_MS;
    const delay = Math.min(this.options.retryMaxMs ?? RETRY_MAX_MS, initial * 2 ** Math.min(entry.failures - 1, 16));
    entry.retryTimer = setTimeout(
      () => {
        entry.retryTimer = undefined;
        void this.pump(entry);
      },
      delay * (0.8 + Math.random() * 0.4),
    );
    entry.retryTimer.unref();
  }

  private statusOf(entry: Entry): SavingStatus['status'] {
    return entry.delayedSince === null ? 'saved' : 'delayed';
  }

  private announce(entry: Entry): void {
    entry.room?.notifyAll({ type: 'saving', saving: { status: this.statusOf(entry) } });
  }

  /** An unloaded room with nothing left to write is forgotten. */
  private forgetIfDone(entry: Entry): void {
    if (!entry.room && !entry.writing && !entry.pendingCreate && !entry.pendingSnapshot && !entry.retryTimer) this.entries.delete(entry.id);
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private idle(): boolean {
    for (const entry of this.entries.values()) if (entry.writing || entry.pendingCreate || entry.pendingSnapshot) return false;
    return true;
  }
}
