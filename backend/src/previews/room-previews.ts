import { randomUUID } from 'node:crypto';
import {
  AppError,
  META_KEYS,
  ROOM_DOC,
  isLanguageId,
  isMultiFile,
  workspaceFiles,
  type PreviewAddress,
  type PreviewStatus,
  type Role,
} from '@pairpad/protocol';
import { PreviewClient, type PreviewFile, type PreviewTemplateFiles } from './preview-client';
import { seedWorkspace, type Room, type RoomConnection, type RoomExtension, type RoomManager } from '../rooms';
import { MemoryPreviewRegistry, type PreviewRegistry, type SharedPreview } from './preview-registry';
import type { PreviewTokens } from './preview-tokens';

/**
 * A room's live preview, in one place: start (the template, with the room's files on top) and
 * stop on the executor, edits written through as they are typed (debounced), the dev server's
 * output into the room's console, the status to everyone in the room, a signed address for
 * each participant, and the stop when the room ends, closes, or the executor stops it (idle).
 * One preview per room. Its record lives in a `PreviewRegistry`: in memory on one node; in Redis
 * with several, so any node answers `preview:open`, tells its participants the status and proxies
 * the preview's origin. Exactly one node writes the room's edits through and follows the
 * executor's events (the *writer*): the holder of the registry's lease, the starting node first;
 * when it dies or shuts down, another node holding the room takes the lease within
 * `writerLeaseMs` and writes every file once (the room's state is the same on every node).
 */

/** The executors previews go to (a pool sticks a session to one). */
export interface PreviewClients {
  /** The executor a new preview of `sessionId` goes to (chosen, and kept for the session). */
  for(sessionId: string): PreviewClient;
  /** Any executor that is up, for a template's files (not stuck to a session). */
  any?(): PreviewClient;
  /** The client of the executor at `url` (a preview another node started). */
  at?(url: string): PreviewClient;
  /** This node took over the preview of `sessionId` on the executor at `url` (it counts as load there). */
  pin?(sessionId: string, url: string): void;
  /** The preview of `sessionId` stopped. */
  release?(sessionId: string): void;
}

export interface RoomPreviewsOptions {
  /** The executor a session's preview goes to: one client, or one per session (a pool of executors). */
  client: PreviewClient | PreviewClients;
  rooms: Pick<RoomManager, 'get'>;
  tokens: PreviewTokens;
  /** Where previews' records live (default: this node's memory). */
  registry?: PreviewRegistry;
  /** With a shared registry: how long the writer's lease lasts without a renewal (renewed every third of it). */
  writerLeaseMs?: number;
  /** PREVIEW_ORIGIN: `http://preview.localhost:5000` → addresses `http://<token>.preview.localhost:5000/` (asked when needed: the port may be known only once listening). */
  origin: () => string;
  debounceMs: number;
  logger?: { warn(message: string, meta?: Record<string, unknown>): void; info(message: string, meta?: Record<string, unknown>): void };
  now?: () => number;
}

/** A question's starters and further files, per language (the template's language is taken). */
export interface QuestionFiles {
  starters?: Partial<Record<string, string>>;
  files?: Partial<Record<string, Readonly<Record<string, string>>>>;
}

/** This node writes the session's edits through and follows its executor's events. */
interface Writer {
  sessionId: string;
  previewId: string;
  client: PreviewClient;
  jobId: string;
  /** What the dev server's files hold, as last sent (empty after a take-over: everything is sent once). */
  sent: Map<string, string>;
  timer: NodeJS.Timeout | undefined;
  stopFollowing: AbortController;
  unobserve: () => void;
}

const DEFAULT_WRITER_LEASE_MS = 6_000;

export class RoomPreviews {
  private readonly registry: PreviewRegistry;
  private readonly writers = new Map<string, Writer>();
  /** The status this node last knew per session (its own changes, other nodes' messages). */
  private readonly known = new Map<string, PreviewStatus>();
  /** Sessions whose template was loaded into the editor (a restart keeps the code). */
  private readonly seeded = new Map<string, string>();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RoomPreviewsOptions) {
    this.now = options.now ?? Date.now;
    this.registry = options.registry ?? new MemoryPreviewRegistry();
    this.leaseMs = options.writerLeaseMs ?? DEFAULT_WRITER_LEASE_MS;
    if (this.registry.shared) {
      this.registry.onStatus((sessionId, status) => this.heard(sessionId, status));
      this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
      this.renewTimer.unref();
    }
  }

  private get originUrl(): URL {
    return new URL(this.options.origin());
  }

  /**
   * The room extension: the status at join, a stop when the room ends or its session goes; a node
   * shutting down (several nodes) hands its write-through over instead.
   */
  readonly extension: RoomExtension = {
    name: 'previews',
    onConnect: (room: Room, connection: RoomConnection) =>
      void this.current(room)
        .then((preview) => connection.notify?.({ type: 'preview', preview }))
        .catch(() => undefined),
    onEnd: (room: Room) => void this.stop(room.sessionId, 'The interview ended.').catch(() => undefined),
    onClose: (room: Room, { purge }: { purge: boolean }) => {
      if (purge || !this.registry.shared) void this.stop(room.sessionId, 'The room closed.').catch(() => undefined);
      else void this.handOver(room.sessionId);
    },
  };

  /** The status as this node last knew it. */
  status(sessionId: string): PreviewStatus {
    return this.known.get(sessionId) ?? { state: 'off', at: this.now() };
  }

  /**
   * The status as the registry holds it now (what a participant joining is told); off in a room
   * whose question names a template, that template (the Preview's picker preselects it).
   */
  private async current(room: Room): Promise<PreviewStatus> {
    const record = await this.registry.get(room.sessionId);
    if (record) {
      this.known.set(room.sessionId, record.status);
      return record.status;
    }
    const status = this.status(room.sessionId);
    const template = room.interview.questions.stored.template;
    return status.state === 'off' && !status.template && template ? { ...status, template } : status;
  }

  /** `preview:start`: whoever may run and edit; the first start of a template loads its entry file into the editor. */
  async start(room: Room, actor: { name: string; role: Role }, template: string): Promise<PreviewStatus> {
    room.interview.assert('run', actor.role);
    room.interview.assert('edit', actor.role);
    const current = await this.registry.get(room.sessionId);
    if (current && current.status.state === 'starting') throw new AppError('RATE_LIMITED', 'The preview is already starting.');
    if (current) await this.stop(room.sessionId, 'Restarted.');
    const client = this.clientFor(room.sessionId);
    const info = await client.template(template).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'EXECUTOR_REJECTED')
        throw new AppError('PREVIEW_TEMPLATE_UNKNOWN', `No preview template "${template}".`);
      throw error;
    });
    if (this.seeded.get(room.sessionId) !== template) {
      this.seed(room, info);
      this.seeded.set(room.sessionId, template);
    }
    const jobId = randomUUID();
    const record: SharedPreview = {
      sessionId: room.sessionId,
      executorUrl: client.url,
      template,
      jobId,
      status: { state: 'starting', template, jobId, startedBy: actor.name, at: this.now() },
    };
    await this.registry.put(record);
    // The starter writes through: taken even from a node still holding an old preview's lease.
    await this.registry.claimWriter(room.sessionId, this.leaseMs, true);
    this.announce(room.sessionId, record.status);
    const files = this.roomFiles(room);
    const ours = async () => (await this.registry.get(room.sessionId))?.jobId === jobId;
    try {
      const { id, url } = await client.start(template, files);
      // An executor behind a balancer names its own address: the preview lives there, not behind it.
      const live = url ? this.clientAt(url) : client;
      if (!(await ours())) {
        await live.stop(id).catch(() => undefined);
        return this.status(room.sessionId);
      }
      record.previewId = id;
      record.executorUrl = live.url;
      record.status = { ...record.status, state: 'running', at: this.now() };
      await this.registry.put(record);
      this.write(room, record, live, new Map(files.map((file) => [file.name, file.content])));
      this.announce(room.sessionId, record.status);
      this.options.logger?.info('preview started', { sessionId: room.sessionId, template, preview: id });
    } catch (error) {
      const body = error instanceof AppError ? error : new AppError('EXECUTOR_UNAVAILABLE', 'The preview could not be started.');
      if (await ours().catch(() => false)) {
        record.status = { ...record.status, state: 'failed', code: body.code, message: body.message, at: this.now() };
        await this.registry.put(record).catch(() => undefined);
        this.announce(room.sessionId, record.status);
      }
      throw body;
    }
    return record.status;
  }

  /** `preview:stop`, the room's end or close, or the executor's own stop, on any node. Idempotent. */
  async stop(sessionId: string, message = 'Stopped.'): Promise<PreviewStatus> {
    this.dropWriter(sessionId);
    const record = await this.registry.get(sessionId);
    if (!record) return this.status(sessionId);
    await this.registry.remove(sessionId);
    if (record.previewId)
      await this.clientAt(record.executorUrl)
        .stop(record.previewId)
        .catch(() => undefined);
    if (!(this.options.client instanceof PreviewClient)) this.options.client.release?.(sessionId);
    this.options.rooms.get(sessionId)?.interview.console.finish(record.jobId);
    const status: PreviewStatus = { state: 'off', template: record.template, message, at: this.now() };
    this.announce(sessionId, status);
    return status;
  }

  /** `preview:stop` from a participant: as runs, refused once the interview ended (it is stopped then anyway). */
  async stopBy(room: Room, actor: { name: string; role: Role }): Promise<PreviewStatus> {
    room.interview.assert('run', actor.role);
    if (!(await this.registry.get(room.sessionId))) throw new AppError('PREVIEW_NOT_RUNNING', 'The preview is not running.');
    return this.stop(room.sessionId, `Stopped by ${actor.name}.`);
  }

  /** `preview:open`: this participant's address of the running preview (on any node). */
  async open(room: Room): Promise<PreviewAddress> {
    const record = await this.registry.get(room.sessionId);
    if (!record?.previewId || record.status.state !== 'running') throw new AppError('PREVIEW_NOT_RUNNING', 'The preview is not running.');
    const { token, expiresAt } = this.options.tokens.issue(room.sessionId, record.previewId);
    const url = new URL(this.originUrl.href);
    url.hostname = `${token}.${this.originUrl.hostname}`;
    return { url: url.href, expiresAt };
  }

  private clientFor(sessionId: string): PreviewClient {
    const { client } = this.options;
    return client instanceof PreviewClient ? client : client.for(sessionId);
  }

  /** The client of the executor at `url` (where a preview's record says it runs). */
  private clientAt(url: string): PreviewClient {
    const { client } = this.options;
    if (client instanceof PreviewClient) return client;
    return client.at?.(url) ?? new PreviewClient(url, undefined);
  }

  /** Whether a request's Host header is on the preview origin (`<label>.<PREVIEW_ORIGIN host>`). */
  isPreviewHost(host: string | undefined): boolean {
    return (host ?? '').toLowerCase().endsWith(`.${this.originUrl.host}`.toLowerCase());
  }

  /** The preview a request's Host header opens, with its executor's client, or why not. */
  async resolveHost(host: string | undefined): Promise<{ previewId: string; client: PreviewClient } | { refused: string }> {
    const suffix = `.${this.originUrl.host}`.toLowerCase();
    const lower = (host ?? '').toLowerCase();
    if (!lower.endsWith(suffix)) return { refused: 'Not a preview address.' };
    const label = lower.slice(0, -suffix.length);
    if (label.includes('.')) return { refused: 'Not a preview address.' };
    let record: SharedPreview | undefined;
    const previewId = await this.options.tokens.verify(label, async (id) => {
      record = await this.registry.byPreview(id);
      return record?.status.state === 'running' ? record.sessionId : undefined;
    });
    return previewId && record
      ? { previewId, client: this.clientAt(record.executorUrl) }
      : { refused: 'This preview address is invalid or has expired; open the preview again from the room.' };
  }

  /**
   * The first start of a template in a single-file room lays the template out as the room's
   * workspace (its entry in the editor, the other files in the tree, the language), one
   * transaction of the server's; `own` (a question's starter and files for the template's
   * language) goes on top of the template's files. A room that already holds several files (a
   * question's project) keeps them: they go on top of the template's on the executor.
   */
  private seed(room: Room, info: PreviewTemplateFiles, own: QuestionFiles = {}): void {
    if (isMultiFile(room.doc)) return;
    const ownFiles = own.files?.[info.language] ?? {};
    const entry =
      own.starters?.[info.language] ?? ownFiles[info.entry] ?? info.files.find((file) => file.name === info.entry)?.content ?? '';
    const others: Record<string, string> = {};
    for (const file of info.files) if (file.name !== info.entry) others[file.name] = file.content;
    for (const [name, content] of Object.entries(ownFiles)) if (name !== info.entry) others[name] = content;
    const code = room.doc.getText(ROOM_DOC.code);
    room.doc.transact(() => {
      code.delete(0, code.length);
      code.insert(0, entry);
      room.doc.getMap(ROOM_DOC.meta).set(META_KEYS.entry, info.entry);
      seedWorkspace(room.doc, others);
      if (isLanguageId(info.language)) room.setLanguage(info.language);
    }, null);
  }

  /**
   * A room created from a question that names a template: laid out as that template's workspace
   * now (the question's own starter and files win), so its Preview starts it as it is. Throws
   * when no executor answers with the template (the creator then seeds the question alone).
   */
  async layOut(room: Room, template: string, own: QuestionFiles): Promise<void> {
    const { client } = this.options;
    const info = await (client instanceof PreviewClient ? client : (client.any?.() ?? client.for(room.sessionId))).template(template);
    this.seed(room, info, own);
    this.seeded.set(room.sessionId, template);
  }

  /** The room's files (its workspace, the entry first); the executor lays them over the template's. */
  private roomFiles(room: Room): PreviewFile[] {
    return workspaceFiles(room.doc);
  }

  /**
   * This node becomes the preview's writer: edits as they are typed (any file, a new one, a
   * deletion) go to the executor after `debounceMs` of quiet, and its events are followed. `sent`
   * empty (a take-over): every file is written once at once, and only new output is followed.
   */
  private write(room: Room, record: SharedPreview, client: PreviewClient, sent: Map<string, string>): void {
    if (!record.previewId) return;
    this.dropWriter(record.sessionId);
    const writer: Writer = {
      sessionId: record.sessionId,
      previewId: record.previewId,
      client,
      jobId: record.jobId,
      sent,
      timer: undefined,
      stopFollowing: new AbortController(),
      unobserve: () => undefined,
    };
    this.writers.set(record.sessionId, writer);
    const changed = () => {
      clearTimeout(writer.timer);
      writer.timer = setTimeout(() => void this.flush(room, writer), this.options.debounceMs);
    };
    room.doc.on('update', changed);
    writer.unobserve = () => room.doc.off('update', changed);
    const takeOver = sent.size === 0;
    if (takeOver) changed();
    void this.follow(writer, !takeOver);
  }

  private async flush(room: Room, writer: Writer): Promise<void> {
    if (this.writers.get(writer.sessionId) !== writer) return;
    const current = this.roomFiles(room);
    const files = current.filter((file) => writer.sent.get(file.name) !== file.content);
    const names = new Set(current.map((file) => file.name));
    const deleted = [...writer.sent.keys()].filter((name) => !names.has(name));
    if (files.length === 0 && deleted.length === 0) return;
    for (const file of files) writer.sent.set(file.name, file.content);
    for (const name of deleted) writer.sent.delete(name);
    await writer.client.update(writer.previewId, files, deleted).catch((error: unknown) => {
      this.options.logger?.warn('preview update failed', { sessionId: writer.sessionId, error: String(error) });
    });
  }

  /** The dev server's output into the room's console; its end (idle, exited) stops the preview. */
  private async follow(writer: Writer, replay: boolean): Promise<void> {
    let ended: { code?: string; message?: string } | undefined;
    await writer.client
      .follow(
        writer.previewId,
        (event) => {
          const room = this.options.rooms.get(writer.sessionId);
          if (event.type === 'log') room?.interview.console.output(writer.jobId, event.stream, event.data);
          else if (event.state === 'stopped' || event.state === 'failed')
            ended = { ...(event.code ? { code: event.code } : {}), message: event.message ?? '' };
        },
        writer.stopFollowing.signal,
        replay,
      )
      .catch(() => undefined);
    if (this.writers.get(writer.sessionId) !== writer) return;
    // The executor stopped it on its own (nobody had it open, the dev server exited, it restarted).
    const why =
      ended?.message === 'idle'
        ? 'Stopped: nobody had the preview open for a while.'
        : ended?.code
          ? `The preview stopped: ${ended.message ?? ended.code}`
          : 'The preview stopped.';
    await this.stop(writer.sessionId, why);
  }

  /** This node stops writing through (the preview itself runs on). */
  private dropWriter(sessionId: string): void {
    const writer = this.writers.get(sessionId);
    if (!writer) return;
    this.writers.delete(sessionId);
    clearTimeout(writer.timer);
    writer.unobserve();
    writer.stopFollowing.abort();
  }

  /** Several nodes: this node lets the room's write-through go (it shuts down); another node holding the room takes it. */
  private async handOver(sessionId: string): Promise<void> {
    const held = this.writers.has(sessionId);
    this.dropWriter(sessionId);
    this.known.delete(sessionId);
    if (held) await this.registry.releaseWriter(sessionId).catch(() => undefined);
  }

  /** A status another node published: this node's participants are told; a stopped preview is not written any more. */
  private heard(sessionId: string, status: PreviewStatus): void {
    const room = this.options.rooms.get(sessionId);
    if (!room) return;
    this.remember(sessionId, status);
    if (status.state !== 'running') this.dropWriter(sessionId);
    room.notifyAll({ type: 'preview', preview: status });
  }

  /**
   * Several nodes, every third of the lease: for each running preview of a room this node holds,
   * renew its lease (the writer), or take it when it is free (the writer died or shut down) and
   * write every file once; a lease another node holds means this node does not write.
   */
  private async renewLeases(): Promise<void> {
    for (const [sessionId, status] of [...this.known]) {
      const room = this.options.rooms.get(sessionId);
      if (!room) {
        this.known.delete(sessionId);
        continue;
      }
      if (status.state !== 'running') continue;
      try {
        const held = await this.registry.claimWriter(sessionId, this.leaseMs);
        if (!held) {
          this.dropWriter(sessionId);
          continue;
        }
        const writer = this.writers.get(sessionId);
        const record = await this.registry.get(sessionId);
        if (!record?.previewId || record.status.state !== 'running') {
          this.dropWriter(sessionId);
          if (!record) this.known.delete(sessionId);
          await this.registry.releaseWriter(sessionId);
          continue;
        }
        if (writer?.previewId === record.previewId) continue;
        const client = this.clientAt(record.executorUrl);
        if (!(this.options.client instanceof PreviewClient)) this.options.client.pin?.(sessionId, record.executorUrl);
        this.options.logger?.info('preview write-through taken over', { sessionId, preview: record.previewId });
        this.write(room, record, client, new Map());
      } catch (error) {
        this.options.logger?.warn('preview lease renewal failed', { sessionId, error: String(error) });
      }
    }
  }

  /** A stopped preview is forgotten (as it was before it started: nothing kept per room). */
  private remember(sessionId: string, status: PreviewStatus): void {
    if (status.state === 'off') this.known.delete(sessionId);
    else this.known.set(sessionId, status);
  }

  /** This node's participants are told at once; other nodes' through the registry. */
  private announce(sessionId: string, status: PreviewStatus): void {
    this.remember(sessionId, status);
    this.options.rooms.get(sessionId)?.notifyAll({ type: 'preview', preview: status });
    this.registry.publish(sessionId, status);
  }

  /**
   * Shutdown. One node: every preview it knows is stopped on the executor. Several: the previews
   * run on, their write-through handed to the nodes that hold their rooms.
   */
  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    if (this.registry.shared) {
      await Promise.all([...this.writers.keys()].map((sessionId) => this.handOver(sessionId)));
      return;
    }
    const live = [...this.known].filter(([, status]) => status.state !== 'off').map(([sessionId]) => sessionId);
    await Promise.all(live.map((sessionId) => this.stop(sessionId, 'The server is restarting.')));
  }
}
