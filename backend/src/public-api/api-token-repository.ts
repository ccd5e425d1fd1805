import type { Kysely, Selectable } from 'kysely';
import type { ApiTokenScope, MemberRole } from '@pairpad/protocol';
import type { ApiTokensTable, Database } from '../store';

/** A token as stored, with its member (times in ms since the epoch). */
export interface ApiTokenRecord {
  id: string;
  memberId: string;
  name: string;
  scopes: ApiTokenScope[];
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  member: { id: string; name: string; email: string; role: MemberRole; disabled: boolean };
}

export interface NewApiToken {
  id: string;
  memberId: string;
  name: string;
  scopes: readonly ApiTokenScope[];
  hash: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
}

type JoinedRow = Selectable<ApiTokensTable> & {
  member_name: string;
  member_email: string;
  member_role: MemberRole;
  member_disabled: 0 | 1;
};

function toRecord(row: JoinedRow): ApiTokenRecord {
  return {
    id: row.id,
    memberId: row.member_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as ApiTokenScope[],
    prefix: row.prefix,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    member: {
      id: row.member_id,
      name: row.member_name,
      email: row.member_email,
      role: row.member_role,
      disabled: row.member_disabled === 1,
    },
  };
}

/** The `api_tokens` table on the store's database: the same queries on SQLite and PostgreSQL. */
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('members', 'members.id', 'api_tokens.member_id')
      .selectAll('api_tokens')
      .select([
        'members.name as member_name',
        'members.email as member_email',
        'members.role as member_role',
        'members.disabled as member_disabled',
      ]);
  }

  async insert(token: NewApiToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        member_id: token.memberId,
        name: token.name,
        scopes: JSON.stringify(token.scopes),
        token_hash: token.hash,
        prefix: token.prefix,
        created_at: token.createdAt,
        last_used_at: null,
        expires_at: token.expiresAt,
        revoked_at: null,
      })
      .execute();
  }

  async byHash(hash: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.select().where('api_tokens.token_hash', '=', hash).executeTakeFirst();
    return row && toRecord(row);
  }

  async byId(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.select().where('api_tokens.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Newest first; one member's, or everyone's. */
  async list(memberId: string | null): Promise<ApiTokenRecord[]> {
    let query = this.select();
    if (memberId !== null) query = query.where('api_tokens.member_id', '=', memberId);
    const rows = await query.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id', 'desc').execute();
    return rows.map(toRecord);
  }

  /** Tokens of a member that still work (not revoked, not expired at `now`). */
  async countLive(memberId: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('member_id', '=', memberId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Sets revoked_at once (a second revoke keeps the first time); false when there is no such token. */
  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
