import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ErrorBody, InviteCreated, ListInterviewsResponse } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { InterviewRepository, listAudit } from '../../src/store';
import { agentFromResponse, type MemberAgent } from '../helpers/member-agent';
import { memberAgent, startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

async function codeOf(response: Response): Promise<string> {
  if (response.ok) return String(response.status);
  return ((await response.json()) as { error: ErrorBody }).error.code;
}

async function invite(admin: MemberAgent, email: string): Promise<MemberAgent> {
  const created = (await (await admin.fetch('/api/members/invites', { method: 'POST', json: { email } })).json()) as InviteCreated;
  const response = await fetch(`${admin.url}/api/auth/invites/${created.inviteUrl.split('/invite/')[1]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: email.split('@')[0], password: 'member-password' }),
  });
  return agentFromResponse(admin.url, response);
}

describe('dashboard REST: list, delete, erase a candidate', () => {
  let backend: BackendHandle;
  let admin: MemberAgent;
  let ann: MemberAgent;
  let bob: MemberAgent;
  let repository: InterviewRepository;
  const ids: Record<string, string> = {};
  before(async () => {
    backend = await startTestBackend();
    admin = await memberAgent(backend);
    ann = await invite(admin, 'ann@pairpad.test');
    bob = await invite(admin, 'bob@pairpad.test');
    repository = new InterviewRepository(backend.database.db, backend.database.engine);
    const base = Date.parse('2026-11-01T10:00:00Z');
    const rows: Array<[string, MemberAgent, string]> = [
      ['ann1', ann, 'Cara Jones'],
      ['ann2', ann, 'Dan Smith'],
      ['bob1', bob, 'Cara Jones'],
    ];
    for (const [index, [key, owner, candidate]] of rows.entries()) {
      ids[key] = randomUUID();
      await repository.create({
        id: ids[key]!,
        title: `Interview ${key}`,
        language: 'python',
        createdBy: owner.member.id,
        candidateName: candidate,
        candidateEmail: `${candidate.split(' ')[0]!.toLowerCase()}@candidates.test`,
        createdAt: base + index * 86_400_000,
      });
    }
  });
  after(() => backend.close());

  it("lists my interviews and the team's, newest first, paginated and filtered, as summaries", async () => {
    const list = async (agent: MemberAgent, query: string) =>
      (await (await agent.fetch(`/api/interviews?${query}`)).json()) as ListInterviewsResponse;
    assert.deepEqual(
      (await list(ann, 'scope=mine')).items.map((item) => item.id),
      [ids.ann2, ids.ann1],
    );
    assert.deepEqual(
      (await list(bob, 'scope=team')).items.map((item) => item.id),
      [ids.bob1, ids.ann2, ids.ann1],
    );
    const first = await list(ann, 'scope=team&limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const second = await list(ann, `scope=team&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
    assert.deepEqual(
      second.items.map((item) => item.id),
      [ids.ann1],
    );
    assert.equal(second.nextCursor, null);
    assert.deepEqual(
      (await list(ann, 'scope=team&q=cara')).items.map((item) => item.id),
      [ids.bob1, ids.ann1],
    );
    assert.deepEqual(
      (await list(ann, 'scope=team&from=2026-11-02&to=2026-11-02')).items.map((item) => item.id),
      [ids.ann2],
    );
    const item = (await list(ann, 'scope=mine&limit=1')).items[0]!;
    assert.deepEqual(item.createdBy, { id: ann.member.id, name: 'ann' });
    assert.equal(item.createdAt, '2026-11-02T10:00:00.000Z');
    assert.equal(item.status, 'upcoming');
    assert.ok(!('candidateEmail' in item) && !('interviewerTokenHash' in item), 'a summary holds no email or token hash');
    for (const bad of ['limit=1000', 'scope=everyone', 'status=gone', 'cursor=garbage', 'from=yesterday', 'extra=1']) {
      assert.equal(await codeOf(await ann.fetch(`/api/interviews?${bad}`)), 'VALIDATION_FAILED', bad);
    }
  });

  it('deletes for an admin or the creator only, audited; a second delete is INTERVIEW_NOT_FOUND', async () => {
    assert.equal(await codeOf(await bob.fetch(`/api/interviews/${ids.ann2}`, { method: 'DELETE' })), 'FORBIDDEN');
    assert.equal(await codeOf(await ann.fetch(`/api/interviews/${ids.ann2}`, { method: 'DELETE' })), '204');
    assert.equal(await codeOf(await ann.fetch(`/api/interviews/${ids.ann2}`, { method: 'DELETE' })), 'INTERVIEW_NOT_FOUND');
    assert.equal(await codeOf(await ann.fetch('/api/interviews/not-an-id', { method: 'DELETE' })), 'VALIDATION_FAILED');
    const audit = await listAudit(backend.database.db, { action: 'interview.delete' });
    assert.deepEqual(
      audit.map((entry) => [entry.target, entry.actorMemberId]),
      [[ids.ann2, ann.member.id]],
    );
  });

  it('a session created by a member is listed as theirs, with its candidate', async () => {
    const created = (await (
      await bob.fetch('/api/sessions', { method: 'POST', json: { language: 'python', title: 'Bob live', candidateName: 'Eve Example' } })
    ).json()) as { id: string };
    await waitFor(
      async () =>
        ((await (await bob.fetch('/api/interviews?scope=mine')).json()) as ListInterviewsResponse).items.some(
          (item) => item.id === created.id,
        ),
      {
        what: 'the new session in my interviews',
      },
    );
    const mine = (await (await bob.fetch('/api/interviews?scope=mine&q=eve')).json()) as ListInterviewsResponse;
    assert.deepEqual(
      mine.items.map((item) => [item.id, item.title, item.candidateName, item.createdBy?.id]),
      [[created.id, 'Bob live', 'Eve Example', bob.member.id]],
    );
    const annMine = (await (await ann.fetch('/api/interviews?scope=mine')).json()) as ListInterviewsResponse;
    assert.ok(!annMine.items.some((item) => item.id === created.id), "not in another member's list");
    // Deleting a live interview closes its session too.
    assert.equal(await codeOf(await bob.fetch(`/api/interviews/${created.id}`, { method: 'DELETE' })), '204');
    assert.equal((await fetch(`${backend.url}/api/sessions/${created.id}`)).status, 404);
  });

  it('erases a candidate for an admin only, audited', async () => {
    assert.equal(
      await codeOf(await ann.fetch('/api/admin/erase-candidate', { method: 'POST', json: { name: 'Cara Jones' } })),
      'FORBIDDEN',
    );
    assert.equal(await codeOf(await admin.fetch('/api/admin/erase-candidate', { method: 'POST', json: {} })), 'VALIDATION_FAILED');
    // A dry run counts and changes nothing (no erase, no audit entry).
    const counted = await admin.fetch('/api/admin/erase-candidate', {
      method: 'POST',
      json: { email: 'cara@candidates.test', dryRun: true },
    });
    assert.deepEqual(await counted.json(), { deleted: 0, matched: 2 });
    assert.equal(((await (await admin.fetch('/api/interviews?scope=team')).json()) as ListInterviewsResponse).items.length, 2);
    assert.equal((await listAudit(backend.database.db, { action: 'candidate.erase' })).length, 0);
    const erased = await admin.fetch('/api/admin/erase-candidate', { method: 'POST', json: { email: 'CARA@candidates.test' } });
    assert.deepEqual(await erased.json(), { deleted: 2, matched: 2 });
    const left = (await (await admin.fetch('/api/interviews?scope=team')).json()) as ListInterviewsResponse;
    assert.deepEqual(left.items, []);
    assert.equal((await listAudit(backend.database.db, { action: 'candidate.erase' })).length, 1);
  });
});
