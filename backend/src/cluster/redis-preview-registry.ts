import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PreviewStatus } from '@pairpad/protocol';
import type { PreviewRegistry, SharedPreview } from '../previews';

/*
 * Layout, for prefix P (every key expires: a record nobody renews goes by itself):
 *   P preview:<sessionId>         string: the SharedPreview as JSON, PX = recordTtlMs
 *   P preview-id:<previewId>      string: its session id, same TTL (the preview origin's lookup)
 *   P preview-writer:<sessionId>  string: the id of the node that writes the room's edits through, PX = lease
 *   channel P previews            {node, sessionId, status}: a status change, for the other nodes' participants
 */

// Take or renew the lease: free, already ours, or forced (a new start belongs to its starter).
// Renewing it also keeps the record (and its preview id's index) alive.
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and ARGV[3] ~= '1' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local record = redis.call('GET', KEYS[2])
if record then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  local ok, decoded = pcall(cjson.decode, record)
  if ok and type(decoded.previewId) == 'string' then redis.call('PEXPIRE', ARGV[5] .. decoded.previewId, ARGV[4]) end
end
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type ClaimCommand = (
  writerKey: string,
  recordKey: string,
  node: string,
  ttl: number,
  force: string,
  recordTtl: number,
  idPrefix: string,
) => Promise<number>;
type ReleaseCommand = (writerKey: string, node: string) => Promise<number>;

export interface RedisPreviewRegistryOptions {
  /** A command connection (shared with the other parts). */
  redis: Redis;
  keyPrefix: string;
  /** How long a record lives without a writer renewing it. @default 15 min (longer than the executor's idle stop) */
  recordTtlMs?: number;
}

/** Previews' records shared by every node, the write-through lease, and status messages between nodes. */
export class RedisPreviewRegistry implements PreviewRegistry {
  readonly shared = true;
  /** This process, as a lease holder and a publisher (its own messages are not handed back to it). */
  readonly node = randomUUID();
  readonly channel: string;
  private readonly recordTtlMs: number;
  private readonly listeners = new Set<(sessionId: string, status: PreviewStatus) => void>();
  private readonly claim: ClaimCommand;
  private readonly release: ReleaseCommand;

  constructor(private readonly options: RedisPreviewRegistryOptions) {
    this.channel = `${options.keyPrefix}previews`;
    this.recordTtlMs = options.recordTtlMs ?? 15 * 60_000;
    const { redis } = options;
    if (!('pairpadPreviewClaim' in redis)) redis.defineCommand('pairpadPreviewClaim', { lua: CLAIM, numberOfKeys: 2 });
    if (!('pairpadPreviewRelease' in redis)) redis.defineCommand('pairpadPreviewRelease', { lua: RELEASE, numberOfKeys: 1 });
    const commands = redis as unknown as Record<string, ClaimCommand & ReleaseCommand>;
    const claim = commands['pairpadPreviewClaim'];
    const release = commands['pairpadPreviewRelease'];
    if (!claim || !release) throw new Error('ioredis did not define the preview scripts');
    this.claim = claim.bind(redis);
    this.release = release.bind(redis);
  }

  private key(sessionId: string): string {
    return `${this.options.keyPrefix}preview:${sessionId}`;
  }

  private idKey(previewId: string): string {
    return `${this.options.keyPrefix}preview-id:${previewId}`;
  }

  private writerKey(sessionId: string): string {
    return `${this.options.keyPrefix}preview-writer:${sessionId}`;
  }

  async get(sessionId: string): Promise<SharedPreview | undefined> {
    const json = await this.options.redis.get(this.key(sessionId));
    return json ? (JSON.parse(json) as SharedPreview) : undefined;
  }

  async byPreview(previewId: string): Promise<SharedPreview | undefined> {
    const sessionId = await this.options.redis.get(this.idKey(previewId));
    if (!sessionId) return undefined;
    const record = await this.get(sessionId);
    return record?.previewId === previewId ? record : undefined;
  }

  async put(record: SharedPreview): Promise<void> {
    const multi = this.options.redis.multi().set(this.key(record.sessionId), JSON.stringify(record), 'PX', this.recordTtlMs);
    if (record.previewId) multi.set(this.idKey(record.previewId), record.sessionId, 'PX', this.recordTtlMs);
    await multi.exec();
  }

  async remove(sessionId: string): Promise<void> {
    const record = await this.get(sessionId);
    const keys = [this.key(sessionId), this.writerKey(sessionId), ...(record?.previewId ? [this.idKey(record.previewId)] : [])];
    await this.options.redis.del(...keys);
  }

  async claimWriter(sessionId: string, ttlMs: number, force = false): Promise<boolean> {
    const held = await this.claim(
      this.writerKey(sessionId),
      this.key(sessionId),
      this.node,
      ttlMs,
      force ? '1' : '0',
      this.recordTtlMs,
      `${this.options.keyPrefix}preview-id:`,
    );
    return held === 1;
  }

  async releaseWriter(sessionId: string): Promise<void> {
    await this.release(this.writerKey(sessionId), this.node);
  }

  publish(sessionId: string, status: PreviewStatus): void {
    void this.options.redis.publish(this.channel, JSON.stringify({ node: this.node, sessionId, status })).catch(() => undefined);
  }

  onStatus(listener: (sessionId: string, status: PreviewStatus) => void): void {
    this.listeners.add(listener);
  }

  /** A message of the previews channel (the cluster's subscriber hands them over). */
  handleMessage(message: string): void {
    let parsed: { node?: string; sessionId?: string; status?: PreviewStatus };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.node === this.node || typeof parsed.sessionId !== 'string' || !parsed.status) return;
    for (const listener of this.listeners) listener(parsed.sessionId, parsed.status);
  }
}
