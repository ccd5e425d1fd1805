import { randomUUID } from 'node:crypto';
import {
  AppError,
  MAX_API_TOKENS_PER_MEMBER,
  type ApiToken,
  type ApiTokenCreated,
  type ApiTokenScope,
  type CreateApiTokenBody,
  type MemberRole,
} from '@pairpad/protocol';
import type { Kysely } from 'kysely';
import { writeAudit, type Database, isoOrNull } from '../store';
import { apiTokenHash, mintApiToken } from './api-token-secret';
import { ApiTokenRepository, type ApiTokenRecord } from './api-token-repository';

const DAY_MS = 86_400_000;
/** last_used_at is written at most this often per token: not one write per API call. */
const TOUCH_EVERY_MS = 60_000;

/** Who a valid token acts for. */
export interface ApiCaller {
  tokenId: string;
  scopes: readonly ApiTokenScope[];
  member: { id: string; name: string; email: string; role: MemberRole };
}

/** The member who manages tokens (a signed-in member). */
export interface TokenManager {
  id: string;
  role: MemberRole;
}

export function apiTokenView(record: ApiTokenRecord): ApiToken {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    prefix: record.prefix,
    member: { id: record.member.id, name: record.member.name, email: record.member.email },
    createdAt: new Date(record.createdAt).toISOString(),
    lastUsedAt: isoOrNull(record.lastUsedAt),
    expiresAt: isoOrNull(record.expiresAt),
    revokedAt: isoOrNull(record.revokedAt),
  };
}

const INVALID = 'The API token is missing, unknown, revoked or expired (send `Authorization: Bearer ppk_…`).';

/**
 * Personal API tokens: created by a signed-in member (secret shown once), listed, revoked by
 * their member or an admin, and checked on every `/api/v1` call. A token stops working when it
 * is revoked, expires, or its member is disabled; a token of another server is unknown here.
 */
export class ApiTokenService {
  readonly repository: ApiTokenRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new ApiTokenRepository(db);
  }

  async create(member: TokenManager, body: CreateApiTokenBody): Promise<ApiTokenCreated> {
    const now = this.now();
    if ((await this.repository.countLive(member.id, now)) >= MAX_API_TOKENS_PER_MEMBER) {
      throw new AppError('API_TOKEN_LIMIT', `You hold ${MAX_API_TOKENS_PER_MEMBER} working tokens already; revoke one first.`);
    }
    const minted = mintApiToken();
    const id = randomUUID();
    await this.repository.insert({
      id,
      memberId: member.id,
      name: body.name,
      scopes: [...body.scopes].sort(),
      hash: minted.hash,
      prefix: minted.prefix,
      createdAt: now,
      expiresAt: body.expiresInDays === undefined ? null : now + body.expiresInDays * DAY_MS,
    });
    await writeAudit(this.db, { actorMemberId: member.id, action: 'api_token.create', target: id, details: { scopes: body.scopes } }, now);
    const record = await this.repository.byId(id);
    if (!record) throw new AppError('INTERNAL_ERROR', 'The new token could not be read back.');
    return { ...apiTokenView(record), secret: minted.secret };
  }

  /** `mine`: the member's tokens; `team`: everyone's (admins only). */
  async list(member: TokenManager, scope: 'mine' | 'team'): Promise<ApiToken[]> {
    if (scope === 'team' && member.role !== 'admin') throw new AppError('FORBIDDEN', "Only an admin can list every member's tokens.");
    return (await this.repository.list(scope === 'team' ? null : member.id)).map(apiTokenView);
  }

  /** Its member or an admin; someone else's token is "not found" (its existence is not told). */
  async revoke(actor: TokenManager, id: string): Promise<ApiToken> {
    const record = await this.repository.byId(id);
    if (!record || (record.memberId !== actor.id && actor.role !== 'admin')) {
      throw new AppError('API_TOKEN_NOT_FOUND', 'No such API token among yours.');
    }
    const now = this.now();
    if (await this.repository.revoke(id, now)) {
      await writeAudit(
        this.db,
        { actorMemberId: actor.id, action: 'api_token.revoke', target: id, details: { memberId: record.memberId } },
        now,
      );
    }
    const revoked = await this.repository.byId(id);
    return apiTokenView(revoked ?? record);
  }

  /** The caller behind `Authorization: Bearer …`, or API_TOKEN_INVALID. */
  async authenticate(authorization: string | undefined): Promise<ApiCaller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const hash = match ? apiTokenHash(match[1]!) : null;
    if (!hash) throw new AppError('API_TOKEN_INVALID', INVALID);
    const record = await this.repository.byHash(hash);
    const now = this.now();
    if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
      throw new AppError('API_TOKEN_INVALID', INVALID);
    }
    if (record.member.disabled) throw new AppError('API_TOKEN_INVALID', "The API token's member is disabled.");
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS) {
      // Bookkeeping only: a failed write never fails the call.
      void this.repository.touch(record.id, now).catch(() => {});
    }
    return {
      tokenId: record.id,
      scopes: record.scopes,
      member: { id: record.member.id, name: record.member.name, email: record.member.email, role: record.member.role },
    };
  }
}

/** API_TOKEN_SCOPE_MISSING unless the caller's token has `scope`. */
export function requireScope(caller: ApiCaller, scope: ApiTokenScope): void {
  if (!caller.scopes.includes(scope)) {
    throw new AppError(
      'API_TOKEN_SCOPE_MISSING',
      `This route needs a token with the "${scope}" scope; this one has ${caller.scopes.join(', ')}.`,
    );
  }
}
