import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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
import type { Room, RoomConnection, RoomExtension, RoomManager } from '../rooms';
import type { PreviewTokens } from './preview-tokens';
import { seedWorkspace } from '../rooms/workspace-seed';

/**
 * A room's live preview, in one place: start (the template, with the room's files on top) and
 * stop on the executor, edits written through as they are typed (debounced), the dev server's
 * output into the room's console, the status to everyone in the room, a signed address for
 * each participant, and the stop when the room ends, closes, or the executor stops it (idle).
 * One preview per room; this node holds it (a room's preview lives on the node that started it).
 */

export interface RoomPreviewsOptions {
  /**
   * The executor a session's preview goes to: one client, or one per session (a pool of executors
   * sticks a session to one; `release` is called when its preview stops).
   */
  client: PreviewClient | { for(sessionId: string): PreviewClient; release?(sessionId: string): void };
  rooms: Pick<RoomManager, 'get'>;
  tokens: PreviewTokens;
  /** PREVIEW_ORIGIN: `http://preview.localhost:5000` → addresses `http://<token>.preview.localhost:5000/` (asked when needed: the port may be known only once listening). */
  origin: () => string;
  debounceMs: number;
  logger?: { warn(message: string, meta?: Record<string, unknown>): void; info(message: string, meta?: Record<string, unknown>): void };
  now?: () => number;
}

interface LivePreview {
  sessionId: string;
  client: PreviewClient;
  template: string;
  previewId: string | undefined;
  jobId: string;
  status: PreviewStatus;
  /** What the dev server's files hold, as last sent. */
  sent: Map<string, string>;
  timer: NodeJS.Timeout | undefined;
  stopFollowing: AbortController;
  unobserve: () => void;
}

export class RoomPreviews {
  private readonly live = new Map<string, LivePreview>();
  /** Preview id → session, for the tokens. */
  private readonly sessionOfPreview = new Map<string, string>();
  /** Sessions whose template was loaded into the editor (a restart keeps the code). */
  private readonly seeded = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly options: RoomPreviewsOptions) {
    this.now = options.now ?? Date.now;
  }

  private get originUrl(): URL {
    return new URL(this.options.origin());
  }

  /** The room extension: the status at join, a stop when the room ends or closes. */
  readonly extension: RoomExtension = {
    name: 'previews',
    onConnect: (room: Room, connection: RoomConnection) => connection.notify?.({ type: 'preview', preview: this.status(room.sessionId) }),
    onEnd: (room: Room) => void this.stop(room.sessionId, 'The interview ended.').catch(() => undefined),
    onClose: (room: Room) => void this.stop(room.sessionId, 'The room closed.').catch(() => undefined),
  };

  status(sessionId: string): PreviewStatus {
    return this.live.get(sessionId)?.status ?? { state: 'off', at: this.now() };
  }

  /** The session a running preview belongs to (the tokens' binding). */
  sessionOf(previewId: string): string | undefined {
    return this.sessionOfPreview.get(previewId);
  }

  /** `preview:start`: whoever may run and edit; the first start of a template loads its entry file into the editor. */
  async start(room: Room, actor: { name: string; role: Role }, template: string): Promise<PreviewStatus> {
    room.interview.assert('run', actor.role);
    room.interview.assert('edit', actor.role);
    const current = this.live.get(room.sessionId);
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
    const preview: LivePreview = {
      sessionId: room.sessionId,
      client,
      template,
      previewId: undefined,
      jobId,
      status: { state: 'starting', template, jobId, startedBy: actor.name, at: this.now() },
      sent: new Map(),
      timer: undefined,
      stopFollowing: new AbortController(),
      unobserve: () => undefined,
    };
    this.live.set(room.sessionId, preview);
    this.announce(preview);
    const files = this.roomFiles(room);
    try {
      const { id } = await client.start(template, files);
      if (this.live.get(room.sessionId) !== preview) {
        await client.stop(id).catch(() => undefined);
        return this.status(room.sessionId);
      }
      preview.previewId = id;
      this.sessionOfPreview.set(id, room.sessionId);
      for (const file of files) preview.sent.set(file.name, file.content);
      preview.status = { ...preview.status, state: 'running', at: this.now() };
      this.observe(room, preview);
      void this.follow(preview);
      this.announce(preview);
      this.options.logger?.info('preview started', { sessionId: room.sessionId, template, preview: id });
    } catch (error) {
      const body = error instanceof AppError ? error : new AppError('EXECUTOR_UNAVAILABLE', 'The preview could not be started.');
      preview.status = { ...preview.status, state: 'failed', code: body.code, message: body.message, at: this.now() };
      this.announce(preview);
      throw body;
    }
    return preview.status;
  }

  /** `preview:stop`, the room's end or close, or the executor's own stop. Idempotent. */
  async stop(sessionId: string, message = 'Stopped.'): Promise<PreviewStatus> {
    const preview = this.live.get(sessionId);
    if (!preview) return this.status(sessionId);
    this.live.delete(sessionId);
    this.release(preview);
    if (preview.previewId) await preview.client.stop(preview.previewId).catch(() => undefined);
    if (!(this.options.client instanceof PreviewClient)) this.options.client.release?.(sessionId);
    const status: PreviewStatus = { state: 'off', template: preview.template, message, at: this.now() };
    this.options.rooms.get(sessionId)?.notifyAll({ type: 'preview', preview: status });
    return status;
  }

  /** `preview:stop` from a participant: as runs, refused once the interview ended (it is stopped then anyway). */
  async stopBy(room: Room, actor: { name: string; role: Role }): Promise<PreviewStatus> {
    room.interview.assert('run', actor.role);
    if (!this.live.has(room.sessionId)) throw new AppError('PREVIEW_NOT_RUNNING', 'The preview is not running.');
    return this.stop(room.sessionId, `Stopped by ${actor.name}.`);
  }

  /** `preview:open`: this participant's address of the running preview. */
  open(room: Room): PreviewAddress {
    const preview = this.live.get(room.sessionId);
    if (!preview?.previewId || preview.status.state !== 'running') throw new AppError('PREVIEW_NOT_RUNNING', 'The preview is not running.');
    const { token, expiresAt } = this.options.tokens.issue(room.sessionId, preview.previewId);
    const url = new URL(this.originUrl.href);
    url.hostname = `${token}.${this.originUrl.hostname}`;
    return { url: url.href, expiresAt };
  }

  private clientFor(sessionId: string): PreviewClient {
    const { client } = this.options;
    return client instanceof PreviewClient ? client : client.for(sessionId);
  }

  /** The client of a running preview's executor (resolveHost checked that it runs). */
  private clientOfPreview(previewId: string): PreviewClient {
    const sessionId = this.sessionOfPreview.get(previewId) ?? '';
    return this.live.get(sessionId)?.client ?? this.clientFor(sessionId);
  }

  /** Proxies a browser's request to a preview (the host was resolved first). */
  proxy(previewId: string, req: IncomingMessage, res: ServerResponse): void {
    this.clientOfPreview(previewId).proxy(previewId, req, res);
  }

  proxyUpgrade(previewId: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.clientOfPreview(previewId).proxyUpgrade(previewId, req, socket, head);
  }

  /** The preview a request's Host header opens (`<token>.<PREVIEW_ORIGIN host>`), or why not. */
  resolveHost(host: string | undefined): { previewId: string } | { refused: string } | undefined {
    const suffix = `.${this.originUrl.host}`.toLowerCase();
    const lower = (host ?? '').toLowerCase();
    if (!lower.endsWith(suffix)) return undefined;
    const label = lower.slice(0, -suffix.length);
    if (label.includes('.')) return { refused: 'Not a preview address.' };
    const previewId = this.options.tokens.verify(label, (id) => this.sessionOfPreview.get(id));
    return previewId ? { previewId } : { refused: 'This preview address is invalid or has expired; open the preview again from the room.' };
  }

  /**
   * The first start of a template in a single-file room lays the template out as the room's
   * workspace (its entry in the editor, the other files in the tree, the language), one
   * transaction of the server's. A room that already holds several files (a question's project)
   * keeps them: they go on top of the template's.
   */
  private seed(room: Room, info: PreviewTemplateFiles): void {
    if (isMultiFile(room.doc)) return;
    const entry = info.files.find((file) => file.name === info.entry);
    const code = room.doc.getText(ROOM_DOC.code);
    room.doc.transact(() => {
      code.delete(0, code.length);
      code.insert(0, entry?.content ?? '');
      room.doc.getMap(ROOM_DOC.meta).set(META_KEYS.entry, info.entry);
      seedWorkspace(
        room.doc,
        Object.fromEntries(info.files.filter((file) => file.name !== info.entry).map((file) => [file.name, file.content])),
      );
      if (isLanguageId(info.language)) room.setLanguage(info.language);
    });
  }

  /** The room's files (its workspace, the entry first); the executor lays them over the template's. */
  private roomFiles(room: Room): PreviewFile[] {
    return workspaceFiles(room.doc);
  }

  /** Edits as they are typed (any file, a new one, a deletion): the changes after `debounceMs` of quiet. */
  private observe(room: Room, preview: LivePreview): void {
    const changed = () => {
      clearTimeout(preview.timer);
      preview.timer = setTimeout(() => void this.flush(room, preview), this.options.debounceMs);
    };
    room.doc.on('update', changed);
    preview.unobserve = () => room.doc.off('update', changed);
  }

  private async flush(room: Room, preview: LivePreview): Promise<void> {
    if (!preview.previewId || this.live.get(preview.sessionId) !== preview) return;
    const current = this.roomFiles(room);
    const files = current.filter((file) => preview.sent.get(file.name) !== file.content);
    const names = new Set(current.map((file) => file.name));
    const deleted = [...preview.sent.keys()].filter((name) => !names.has(name));
    if (files.length === 0 && deleted.length === 0) return;
    for (const file of files) preview.sent.set(file.name, file.content);
    for (const name of deleted) preview.sent.delete(name);
    await preview.client.update(preview.previewId, files, deleted).catch((error: unknown) => {
      this.options.logger?.warn('preview update failed', { sessionId: preview.sessionId, error: String(error) });
    });
  }

  /** The dev server's output into the room's console; its end (idle, exited) into the status. */
  private async follow(preview: LivePreview): Promise<void> {
    const previewId = preview.previewId;
    if (!previewId) return;
    let ended: { code?: string; message?: string } | undefined;
    await preview.client
      .follow(
        previewId,
        (event) => {
          const room = this.options.rooms.get(preview.sessionId);
          if (event.type === 'log') room?.interview.console.output(preview.jobId, event.stream, event.data);
          else if (event.state === 'stopped' || event.state === 'failed')
            ended = { ...(event.code ? { code: event.code } : {}), message: event.message ?? '' };
        },
        preview.stopFollowing.signal,
      )
      .catch(() => undefined);
    if (this.live.get(preview.sessionId) !== preview) return;
    // The executor stopped it on its own (nobody had it open, the dev server exited, it restarted).
    const why =
      ended?.message === 'idle'
        ? 'Stopped: nobody had the preview open for a while.'
        : ended?.code
          ? `The preview stopped: ${ended.message ?? ended.code}`
          : 'The preview stopped.';
    await this.stop(preview.sessionId, why);
  }

  private release(preview: LivePreview): void {
    clearTimeout(preview.timer);
    preview.unobserve();
    preview.stopFollowing.abort();
    if (preview.previewId) this.sessionOfPreview.delete(preview.previewId);
    this.options.rooms.get(preview.sessionId)?.interview.console.finish(preview.jobId);
  }

  private announce(preview: LivePreview): void {
    this.options.rooms.get(preview.sessionId)?.notifyAll({ type: 'preview', preview: preview.status });
  }

  /** Shutdown: every preview of this node stopped on the executor. */
  async close(): Promise<void> {
    await Promise.all([...this.live.keys()].map((sessionId) => this.stop(sessionId, 'The server is restarting.')));
  }
}
