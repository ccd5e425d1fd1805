import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  API_TOKEN_PATTERN,
  API_V1_ROUTES,
  type ApiInterview,
  type ApiInterviewCreated,
  type ApiInterviewList,
  type ApiPlayback,
  type ApiScorecardList,
  type ApiToken,
  type ApiTokensListResponse,
  type InterviewReport,
} from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { ScorecardRepository } from '../../src/scorecards';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { memberAgent, startTestBackend, type MemberAgent } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { apiFetch, codeOf, createToken, invite } from './api-helpers';

const NEW_INTERVIEW = {
  title: 'Backend engineer, round 2',
  questionId: 'two-sum',
  language: 'python',
  interviewers: ['ann@pairpad.test'],
  candidateName: 'Cara Jones',
  candidateEmail: 'Cara@Candidates.test',
};

/** Every /api/v1 route but the public document, callable with any token. */
function everyRoute(id: string): Array<{ method: string; path: string; json?: unknown }> {
  return [
    { method: 'POST', path: '/api/v1/interviews', json: NEW_INTERVIEW },
    { method: 'GET', path: '/api/v1/interviews' },
    { method: 'GET', path: `/api/v1/interviews/${id}` },
    { method: 'GET', path: `/api/v1/interviews/${id}/report` },
    { method: 'GET', path: `/api/v1/interviews/${id}/playback` },
    { method: 'GET', path: `/api/v1/interviews/${id}/scorecards` },
  ];
}

/** The answer as the OpenAPI document describes it: parsed with the route's response schema. */
function asDocumented<T>(operationId: string, body: unknown): T {
  const route = API_V1_ROUTES.find((candidate) => candidate.operationId === operationId)!;
  const result = route.response.safeParse(body);
  assert.ok(result.success, `${operationId}: ${JSON.stringify(result.error?.issues)}`);
  return body as T;
}

/** What a refused call must not have changed: sessions and kept interviews. */
async function stateOf(backend: BackendHandle): Promise<string> {
  const rows = await backend.database.db.selectFrom('interviews').select('id').orderBy('id').execute();
  return JSON.stringify({ sessions: await backend.sessions.store.count(), interviews: rows.map((row) => row.id) });
}

describe('public API: personal tokens and /api/v1 (SQLite; a second backend on PostgreSQL)', () => {
  let backend: BackendHandle;
  let other: BackendHandle;
  let postgres: TestPostgresServer;
  let admin: MemberAgent;
  let ann: MemberAgent;
  let readWrite: string;
  let readOnly: string;
  let created: ApiInterviewCreated;
  before(async () => {
    postgres = await startPostgresServer();
    [backend, other] = await Promise.all([
      startTestBackend(),
      startTestBackend({ DATABASE_URL: await postgres.createDatabase('other_team') }),
    ]);
    admin = await memberAgent(backend);
    ann = await invite(admin, 'ann@pairpad.test');
    readWrite = (await createToken(admin, ['read', 'write'])).secret;
    readOnly = (await createToken(admin, ['read'])).secret;
  });
  after(async () => {
    await Promise.all([backend?.close(), other?.close()]);
    await postgres?.stop();
  });

  it('creates a token whose secret is shown once and stored only as its sha256', async () => {
    const token = await createToken(ann, ['read'], 'Greenhouse sync');
    assert.match(token.secret, API_TOKEN_PATTERN);
    assert.equal(token.prefix, token.secret.slice(0, 12));
    assert.deepEqual(token.scopes, ['read']);
    assert.equal(token.member.email, 'ann@pairpad.test');
    const row = await backend.database.db.selectFrom('api_tokens').selectAll().where('id', '=', token.id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, createHash('sha256').update(token.secret).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(token.secret), 'the secret is not stored');
    const list = (await (await ann.fetch('/api/tokens')).json()) as ApiTokensListResponse;
    assert.deepEqual(
      list.tokens.map((listed) => listed.name),
      ['Greenhouse sync'],
    );
    assert.ok(!JSON.stringify(list).includes(token.secret), 'lists never show the secret');
    assert.equal('secret' in list.tokens[0]!, false);
  });

  it('answers every route to a valid token: create (same path as POST /api/sessions), list, get, report, playback', async () => {
    const response = await apiFetch(backend.url, readWrite, '/api/v1/interviews', { method: 'POST', json: NEW_INTERVIEW });
    assert.equal(response.status, 201, await response.clone().text());
    created = asDocumented<ApiInterviewCreated>('createInterview', await response.json());
    const { interview } = created;
    assert.equal(interview.title, NEW_INTERVIEW.title);
    assert.equal(interview.questionId, 'two-sum');
    assert.equal(interview.createdBy?.id, admin.member.id);
    assert.match(interview.links.candidate, new RegExp(`/interview/${interview.id}$`));
    assert.match(created.guestInterviewerLink, new RegExp(`/interview/${interview.id}\\?token=`));
    assert.deepEqual(created.interviewers, [{ email: 'ann@pairpad.test', name: 'ann', link: interview.links.room }]);

    // The same path as a member's POST /api/sessions: a live session, seeded from the question, archived.
    const session = await backend.sessions.store.get(interview.id);
    assert.equal(session?.createdBy, admin.member.id);
    const kept = (await waitFor(() => backend.interviews.get(interview.id), { what: 'the archive row' }))!;
    assert.equal(kept.candidateEmail, 'cara@candidates.test');
    assert.equal(kept.questionTitle, 'Two Sum');
    // An interviewer named at creation may score it before ever joining its room.
    const draft = await ann.fetch(`/api/interviews/${interview.id}/scorecards/mine`, {
      method: 'PUT',
      json: { scores: {}, recommendation: null },
    });
    assert.equal(draft.status, 200, await draft.clone().text());

    const got = asDocumented<ApiInterview>(
      'getInterview',
      await (await apiFetch(backend.url, readOnly, `/api/v1/interviews/${interview.id}`)).json(),
    );
    assert.equal(got.id, interview.id);
    assert.equal(got.candidateName, 'Cara Jones');
    assert.equal(got.status, 'upcoming');

    const page = asDocumented<ApiInterviewList>(
      'listInterviews',
      await (await apiFetch(backend.url, readOnly, '/api/v1/interviews?q=cara&limit=5')).json(),
    );
    assert.deepEqual(
      page.items.map((item) => item.id),
      [interview.id],
    );
    const none = (await (await apiFetch(backend.url, readOnly, '/api/v1/interviews?status=ended')).json()) as ApiInterviewList;
    assert.deepEqual(none.items, []);

    const report = asDocumented<InterviewReport>(
      'getInterviewReport',
      await (await apiFetch(backend.url, readOnly, `/api/v1/interviews/${interview.id}/report`)).json(),
    );
    assert.equal(report.sessionId, interview.id);
    assert.match(report.code, /def /, 'the room started from the question’s Python starter');

    const playback = asDocumented<ApiPlayback>(
      'getInterviewPlayback',
      await (await apiFetch(backend.url, readOnly, `/api/v1/interviews/${interview.id}/playback`)).json(),
    );
    assert.equal(playback.playback, interview.links.playback);
    assert.match(playback.timeline, new RegExp(`/api/sessions/${interview.id}/timeline$`));
  });

  it('lists submitted scorecards with their history, never a draft', async () => {
    const id = created.interview.id;
    const empty = (await (await apiFetch(backend.url, readOnly, `/api/v1/interviews/${id}/scorecards`)).json()) as ApiScorecardList;
    assert.deepEqual(empty.items, []);
    const scorecards = new ScorecardRepository(backend.database.db);
    const content = { scores: { 'problem-solving': { score: 3, notes: 'clear plan' } }, recommendation: 'yes' as const, notes: 'good' };
    await scorecards.submit(id, admin.member.id, content);
    await scorecards.submit(id, admin.member.id, { ...content, recommendation: 'strong_yes' });
    await scorecards.saveDraft(id, ann.member.id, { ...content, notes: 'ann draft, private' });
    const listed = asDocumented<ApiScorecardList>(
      'listInterviewScorecards',
      await (await apiFetch(backend.url, readOnly, `/api/v1/interviews/${id}/scorecards`)).json(),
    );
    assert.equal(listed.items.length, 1);
    assert.equal(listed.items[0]!.author.id, admin.member.id);
    assert.equal(listed.items[0]!.recommendation, 'strong_yes');
    assert.equal(listed.items[0]!.version, 2);
    assert.equal(listed.items[0]!.history.length, 1);
    assert.ok(!JSON.stringify(listed).includes('ann draft'), 'a draft is never shown');
  });

  it('pages the list with a cursor, newest first', async () => {
    for (const name of ['Page One', 'Page Two', 'Page Three']) {
      const response = await apiFetch(backend.url, readWrite, '/api/v1/interviews', {
        method: 'POST',
        json: { candidateName: name, title: `paging ${name}` },
      });
      assert.equal(response.status, 201);
    }
    await waitFor(
      async () => {
        const all = (await (await apiFetch(backend.url, readOnly, '/api/v1/interviews?q=paging')).json()) as ApiInterviewList;
        return all.items.length === 3;
      },
      { what: 'three archived' },
    );
    const first = (await (await apiFetch(backend.url, readOnly, '/api/v1/interviews?q=paging&limit=2')).json()) as ApiInterviewList;
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const second = (await (
      await apiFetch(backend.url, readOnly, `/api/v1/interviews?q=paging&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json()) as ApiInterviewList;
    assert.deepEqual(
      [...first.items, ...second.items].map((item) => item.candidateName),
      ['Page Three', 'Page Two', 'Page One'],
    );
    assert.equal(second.nextCursor, null);
  });

  it('refuses a read-only token on the write route (API_TOKEN_SCOPE_MISSING) and creates nothing', async () => {
    const before = await stateOf(backend);
    const response = await apiFetch(backend.url, readOnly, '/api/v1/interviews', { method: 'POST', json: NEW_INTERVIEW });
    assert.equal(response.status, 403);
    assert.equal(await codeOf(response), 'API_TOKEN_SCOPE_MISSING');
    assert.equal(await stateOf(backend), before);
  });

  it('refuses unknown, malformed and missing tokens and a cookie without a token (API_TOKEN_INVALID) on every route', async () => {
    const unknown = `ppk_${'A'.repeat(43)}`;
    for (const token of [unknown, 'not-a-token', null]) {
      for (const route of everyRoute(created.interview.id)) {
        const response = await apiFetch(backend.url, token, route.path, route);
        assert.equal(response.status, 401, `${route.method} ${route.path}`);
        assert.equal(await codeOf(response), 'API_TOKEN_INVALID');
      }
    }
    // A signed-in member's cookie opens nothing here: the public API is bearer tokens only.
    const withCookie = await admin.fetch('/api/v1/interviews');
    assert.equal(await codeOf(withCookie), 'API_TOKEN_INVALID');
    // …and a cookie beside a valid token does not bring CSRF checks back.
    const both = await apiFetch(backend.url, readWrite, '/api/v1/interviews', {
      method: 'POST',
      json: { title: 'with a cookie too' },
      headers: { cookie: admin.cookie },
    });
    assert.equal(both.status, 201);
  });

  it('refuses a token of another backend with another database (PostgreSQL), both ways', async () => {
    const otherAdmin = await memberAgent(other);
    const otherToken = (await createToken(otherAdmin, ['read', 'write'])).secret;
    // It works where it was made (the token table on PostgreSQL)…
    const home = await apiFetch(other.url, otherToken, '/api/v1/interviews', { method: 'POST', json: { title: 'at home' } });
    assert.equal(home.status, 201, await home.clone().text());
    const homeId = ((await home.json()) as ApiInterviewCreated).interview.id;
    assert.equal((await apiFetch(other.url, otherToken, `/api/v1/interviews/${homeId}`)).status, 200);
    // …and nowhere else.
    const before = await stateOf(backend);
    for (const route of everyRoute(created.interview.id)) {
      const response = await apiFetch(backend.url, otherToken, route.path, route);
      assert.equal(await codeOf(response), 'API_TOKEN_INVALID', `${route.method} ${route.path}`);
    }
    assert.equal(await stateOf(backend), before);
    assert.equal(await codeOf(await apiFetch(other.url, readWrite, '/api/v1/interviews')), 'API_TOKEN_INVALID');
    // Revoked on PostgreSQL too: refused from the next call on.
    const [mine] = ((await (await otherAdmin.fetch('/api/tokens')).json()) as ApiTokensListResponse).tokens;
    assert.equal((await otherAdmin.fetch(`/api/tokens/${mine!.id}/revoke`, { method: 'POST' })).status, 200);
    assert.equal(await codeOf(await apiFetch(other.url, otherToken, `/api/v1/interviews/${homeId}`)), 'API_TOKEN_INVALID');
  });

  it("names the token's own member as an interviewer without reading that member again", async () => {
    const repository = backend.identity.repository;
    const memberByEmail = repository.memberByEmail.bind(repository);
    const lookedUp: string[] = [];
    repository.memberByEmail = async (email) => {
      lookedUp.push(email);
      return memberByEmail(email);
    };
    try {
      const response = await apiFetch(backend.url, readWrite, '/api/v1/interviews', {
        method: 'POST',
        json: { ...NEW_INTERVIEW, interviewers: [admin.member.email.toUpperCase(), 'ann@pairpad.test'] },
      });
      assert.equal(response.status, 201, await response.clone().text());
      const body = (await response.json()) as ApiInterviewCreated;
      assert.deepEqual(
        body.interviewers.map((interviewer) => interviewer.email),
        [admin.member.email, 'ann@pairpad.test'],
      );
      assert.equal(body.interviewers[0]?.name, admin.member.name);
      assert.deepEqual(lookedUp, ['ann@pairpad.test'], 'only the other member is read');
      const recorded = await backend.database.db
        .selectFrom('interview_interviewers')
        .select('member_id')
        .where('interview_id', '=', body.interview.id)
        .execute();
      assert.deepEqual(recorded.map((row) => row.member_id).sort(), [admin.member.id, ann.member.id].sort());
    } finally {
      repository.memberByEmail = memberByEmail;
    }
  });

  it('refuses bad input with named errors and changes nothing', async () => {
    const before = await stateOf(backend);
    const cases: Array<[unknown, string, string?]> = [
      [{ ...NEW_INTERVIEW, unknownField: 1 }, 'VALIDATION_FAILED'],
      [{ language: 'cobol-85' }, 'VALIDATION_FAILED', 'language'],
      [{ candidateEmail: 'not an email' }, 'VALIDATION_FAILED', 'candidateEmail'],
      [{ title: 'x'.repeat(500) }, 'VALIDATION_FAILED', 'title'],
      [{ interviewers: 'ann@pairpad.test' }, 'VALIDATION_FAILED', 'interviewers'],
      [{ interviewers: ['ann@pairpad.test', 'nobody@pairpad.test'] }, 'INTERVIEWER_NOT_MEMBER', 'interviewers.1'],
      [{ questionId: 'no-such-question' }, 'QUESTION_NOT_FOUND'],
      [[1, 2], 'VALIDATION_FAILED'],
    ];
    for (const [json, code, field] of cases) {
      const response = await apiFetch(backend.url, readWrite, '/api/v1/interviews', { method: 'POST', json });
      const body = (await response.json()) as { error: { code: string; message: string; details?: Record<string, string> } };
      assert.equal(body.error.code, code, JSON.stringify(json));
      assert.ok(body.error.message.length > 0);
      if (field) assert.ok(body.error.details?.[field], `${JSON.stringify(body.error.details)} names ${field}`);
    }
    const notJson = await fetch(`${backend.url}/api/v1/interviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readWrite}`, 'content-type': 'application/json' },
      body: '{"title":',
    });
    assert.equal(await codeOf(notJson), 'VALIDATION_FAILED');
    assert.equal(await codeOf(await apiFetch(backend.url, readOnly, '/api/v1/interviews/not-an-id')), 'VALIDATION_FAILED');
    assert.equal(await codeOf(await apiFetch(backend.url, readOnly, '/api/v1/interviews?limit=0')), 'VALIDATION_FAILED');
    assert.equal(await codeOf(await apiFetch(backend.url, readOnly, '/api/v1/interviews?sort=name')), 'VALIDATION_FAILED');
    assert.equal(await codeOf(await apiFetch(backend.url, readOnly, '/api/v1/interviews?cursor=garbage')), 'VALIDATION_FAILED');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      `/api/v1/interviews/${missing}`,
      `/api/v1/interviews/${missing}/report`,
      `/api/v1/interviews/${missing}/playback`,
    ]) {
      assert.equal(await codeOf(await apiFetch(backend.url, readOnly, path)), 'INTERVIEW_NOT_FOUND');
    }
    assert.equal(await stateOf(backend), before);
  });

  it("stops a disabled member's tokens (API_TOKEN_INVALID) and lets them work again once re-enabled", async () => {
    const annToken = (await createToken(ann, ['read', 'write'], 'ann rw')).secret;
    assert.equal((await apiFetch(backend.url, annToken, '/api/v1/interviews')).status, 200);
    assert.equal((await admin.fetch(`/api/members/${ann.member.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
    const before = await stateOf(backend);
    for (const route of everyRoute(created.interview.id)) {
      const response = await apiFetch(backend.url, annToken, route.path, route);
      assert.equal(await codeOf(response), 'API_TOKEN_INVALID', `${route.method} ${route.path}`);
    }
    assert.equal(await stateOf(backend), before);
    assert.equal((await admin.fetch(`/api/members/${ann.member.id}`, { method: 'PATCH', json: { disabled: false } })).status, 200);
    assert.equal((await apiFetch(backend.url, annToken, '/api/v1/interviews')).status, 200);
  });

  it('revokes: the member their own, an admin anyone’s; a revoked token is refused on every route', async () => {
    const annAgain = await invite(admin, 'zed@pairpad.test');
    const own = await createToken(annAgain, ['read', 'write'], 'zed own');
    const adminToken = await createToken(admin, ['read'], 'admin private');
    // Someone else's token is not found for a non-admin (its existence is not told).
    assert.equal(await codeOf(await annAgain.fetch(`/api/tokens/${adminToken.id}/revoke`, { method: 'POST' })), 'API_TOKEN_NOT_FOUND');
    assert.equal(await codeOf(await annAgain.fetch('/api/tokens?scope=team')), 'FORBIDDEN');
    const team = (await (await admin.fetch('/api/tokens?scope=team')).json()) as ApiTokensListResponse;
    assert.ok(team.tokens.some((token) => token.id === own.id));
    // Without the CSRF token, a cookie-authenticated revoke is refused.
    const noCsrf = await fetch(`${backend.url}/api/tokens/${own.id}/revoke`, { method: 'POST', headers: { cookie: annAgain.cookie } });
    assert.equal(await codeOf(noCsrf), 'CSRF_TOKEN_INVALID');
    assert.equal((await apiFetch(backend.url, own.secret, '/api/v1/interviews')).status, 200);

    const revoked = (await (await admin.fetch(`/api/tokens/${own.id}/revoke`, { method: 'POST' })).json()) as ApiToken;
    assert.ok(revoked.revokedAt);
    assert.ok(revoked.lastUsedAt, 'the call above was recorded');
    for (const route of everyRoute(created.interview.id)) {
      const response = await apiFetch(backend.url, own.secret, route.path, route);
      assert.equal(response.status, 401, `${route.method} ${route.path}`);
      assert.equal(await codeOf(response), 'API_TOKEN_INVALID');
    }
    const mine = await createToken(annAgain, ['read'], 'zed second');
    assert.equal((await annAgain.fetch(`/api/tokens/${mine.id}/revoke`, { method: 'POST' })).status, 200);
    assert.equal(await codeOf(await apiFetch(backend.url, mine.secret, '/api/v1/interviews')), 'API_TOKEN_INVALID');
  });

  it('refuses bad token requests with named errors and no new token', async () => {
    const count = async () => (await backend.database.db.selectFrom('api_tokens').select('id').execute()).length;
    const before = await count();
    for (const json of [
      {},
      { name: '', scopes: ['read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: ['read', 'read'] },
      { name: 'x', scopes: ['read'], expiresInDays: 0 },
    ]) {
      assert.equal(await codeOf(await admin.fetch('/api/tokens', { method: 'POST', json })), 'VALIDATION_FAILED', JSON.stringify(json));
    }
    const anonymous = await fetch(`${backend.url}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['read'] }),
    });
    assert.equal(await codeOf(anonymous), 'SIGN_IN_REQUIRED');
    assert.equal(await codeOf(await admin.fetch('/api/tokens/not-an-id/revoke', { method: 'POST' })), 'VALIDATION_FAILED');
    assert.equal(
      await codeOf(await admin.fetch('/api/tokens/00000000-0000-4000-8000-000000000000/revoke', { method: 'POST' })),
      'API_TOKEN_NOT_FOUND',
    );
    assert.equal(await count(), before);
  });
});

describe('public API: limits', () => {
  let backend: BackendHandle;
  before(async () => {
    backend = await startTestBackend({ API_REQUESTS_PER_MINUTE_PER_TOKEN: '3' });
  });
  after(() => backend.close());

  it('rate-limits per token (RATE_LIMITED), not per address: another token still works', async () => {
    const admin = await memberAgent(backend);
    const first = (await createToken(admin, ['read'])).secret;
    const second = (await createToken(admin, ['read'])).secret;
    for (let call = 0; call < 3; call++) assert.equal((await apiFetch(backend.url, first, '/api/v1/interviews')).status, 200);
    const limited = await apiFetch(backend.url, first, '/api/v1/interviews');
    assert.equal(limited.status, 429);
    assert.equal(await codeOf(limited), 'RATE_LIMITED');
    assert.equal((await apiFetch(backend.url, second, '/api/v1/interviews')).status, 200);
  });

  it('refuses an expired token', async () => {
    const admin = await memberAgent(backend);
    const token = await createToken(admin, ['read']);
    await backend.database.db
      .updateTable('api_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', token.id)
      .execute();
    assert.equal(await codeOf(await apiFetch(backend.url, token.secret, '/api/v1/interviews')), 'API_TOKEN_INVALID');
  });
});
