import type { PreviewStatus } from '@pairpad/protocol';

/**
 * Where a room's preview is known: its record (session → preview id, the executor that holds it,
 * template, status) and who writes the room's edits through to it. One node: a map in memory
 * (`MemoryPreviewRegistry`), the only writer is this node. Several nodes (REDIS_URL): the records
 * live in Redis (`cluster/redis-preview-registry.ts`), so any node answers `preview:open`, sends
 * the status and proxies the preview's origin; the write-through belongs to the holder of a
 * lease (the starting node first; another node holding the room takes it when the lease runs out).
 */

export interface SharedPreview {
  sessionId: string;
  /** Unset while the executor is still starting it. */
  previewId?: string;
  /** The executor it runs on (a base URL of the pool). */
  executorUrl: string;
  template: string;
  /** The console transcript its output goes to. */
  jobId: string;
  status: PreviewStatus;
}

export interface PreviewRegistry {
  /** True when other nodes read the same records (then the writer lease and status messages matter). */
  readonly shared: boolean;
  get(sessionId: string): Promise<SharedPreview | undefined>;
  /** The record of a preview id (the preview origin's tokens name the preview, not the session). */
  byPreview(previewId: string): Promise<SharedPreview | undefined>;
  put(record: SharedPreview): Promise<void>;
  /** Removes the record, its preview id's index and the writer lease. */
  remove(sessionId: string): Promise<void>;
  /**
   * Takes (or renews) the write-through of `sessionId` for this node for `ttlMs`: true when this
   * node holds it now. `force`: taken even from another holder (a new start is its starter's).
   * A held lease also keeps the record alive.
   */
  claimWriter(sessionId: string, ttlMs: number, force?: boolean): Promise<boolean>;
  /** Lets the lease go if this node holds it (another node holding the room takes it). */
  releaseWriter(sessionId: string): Promise<void>;
  /** Tells the other nodes a preview's status changed (they tell their participants). */
  publish(sessionId: string, status: PreviewStatus): void;
  /** Status changes published by other nodes. */
  onStatus(listener: (sessionId: string, status: PreviewStatus) => void): void;
}

/** One node: the records in memory, this node always the writer, nobody else to tell. */
export class MemoryPreviewRegistry implements PreviewRegistry {
  readonly shared = false;
  private readonly records = new Map<string, SharedPreview>();
  private readonly sessionOfPreview = new Map<string, string>();

  async get(sessionId: string): Promise<SharedPreview | undefined> {
    return this.records.get(sessionId);
  }

  async byPreview(previewId: string): Promise<SharedPreview | undefined> {
    const sessionId = this.sessionOfPreview.get(previewId);
    return sessionId === undefined ? undefined : this.records.get(sessionId);
  }

  async put(record: SharedPreview): Promise<void> {
    const old = this.records.get(record.sessionId);
    if (old?.previewId && old.previewId !== record.previewId) this.sessionOfPreview.delete(old.previewId);
    this.records.set(record.sessionId, record);
    if (record.previewId) this.sessionOfPreview.set(record.previewId, record.sessionId);
  }

  async remove(sessionId: string): Promise<void> {
    const old = this.records.get(sessionId);
    if (old?.previewId) this.sessionOfPreview.delete(old.previewId);
    this.records.delete(sessionId);
  }

  async claimWriter(): Promise<boolean> {
    return true;
  }

  async releaseWriter(): Promise<void> {}

  publish(): void {}

  onStatus(): void {}
}
