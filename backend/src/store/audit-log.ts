import type { Kysely } from 'kysely';
import type { AuditLogRow, Database } from './database-schema';

export interface AuditEntry {
  /** The member who acted; null for the system (retention) or an anonymous caller. */
  actorMemberId: string | null;
  /** What was done, dotted: `interview.delete`, `candidate.erase`, `retention.delete`, `member.invite`… */
  action: string;
  /** What it was done to: an interview id, an email, a member id. */
  target: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: number;
  actorMemberId: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/** Appends one entry; pass the transaction that made the change, so both commit or neither does. */
export async function writeAudit(db: Kysely<Database>, entry: AuditEntry, at: number = Date.now()): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor_member_id: entry.actorMemberId,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

function toRecord(row: AuditLogRow): AuditRecord {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    // A hand-edited row: shown without details rather than failing the whole list.
  }
  return { id: row.id, at: row.at, actorMemberId: row.actor_member_id, action: row.action, target: row.target, details };
}

/** The newest entries first; `beforeId` pages back. */
export async function listAudit(
  db: Kysely<Database>,
  options: { limit?: number; beforeId?: number; action?: string } = {},
): Promise<AuditRecord[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500));
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  if (options.action !== undefined) query = query.where('action', '=', options.action);
  return (await query.execute()).map(toRecord);
}
