/**
 * Scorecards over REST against a real backend, on SQLite and on a real PostgreSQL: who may score,
 * bad input (named errors, nothing stored), the independent-judgement rule before and after a
 * submit, history of edits, the dashboard's summary and filter, the event, and a candidate and
 * a guest link that get nothing — not from these routes, not in any socket frame.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SocketYjsProvider } from '@pairpad/client';
import type {
  CreateSessionResponse,
  ErrorBody,
  InviteCreated,
  ListInterviewsResponse,
  MyScorecardResponse,
  Rubric,
  ScorecardBody,
  ScorecardListResponse,
  ScorecardView,
  TeamRubricResponse,
} from '@pairpad/protocol';
import { DEFAULT_RUBRIC, SCORECARD_LIMITS } from '@pairpad/protocol';
import type { TeamEvent } from '../../src/events/team-events';
import type { BackendHandle } from '../../src/server';
import { agentFromResponse, type MemberAgent } from '../helpers/member-agent';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { connectClient, memberAgent, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { capturedClient, heardText } from '../interview/interview-helpers';

const ANN_NOTES = 'ANN-SCORECARD-NOTE: strong recursion, 41d2';
const BOB_NOTES = 'BOB-SCORECARD-NOTE: quiet at first, 9e0b';

const QUESTION_RUBRIC: Rubric = {
  criteria: [
    {
      id: 'graphs',
      name: 'Graph modelling',
      description: 'Sees the graph in the problem.',
      anchors: { 1: 'Did not see it', 2: 'With hints', 3: 'Alone', 4: 'Alone, and explained why' },
    },
  ],
};

async function codeOf(response: Response): Promise<string> {
  if (response.ok) return String(response.status);
  return ((await response.json()) as { error: ErrorBody }).error.code;
}

async function invite(admin: MemberAgent, email: string): Promise<MemberAgent> {
  const created = (await (
    await admin.fetch('/api/members/invites', { method: 'POST', json: { email, role: 'interviewer' } })
  ).json()) as InviteCreated;
  const response = await fetch(`${admin.url}/api/auth/invites/${created.inviteUrl.split('/invite/')[1]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: email.split('@')[0], password: 'member-password' }),
  });
  return agentFromResponse(admin.url, response);
}

/** A complete scorecard on the default rubric. */
function fullCard(score: 1 | 2 | 3 | 4, recommendation: ScorecardBody['recommendation'], notes: string): ScorecardBody {
  const scores = Object.fromEntries(
    DEFAULT_RUBRIC.criteria.map((criterion) => [criterion.id, { score, notes: `${criterion.name}: ${notes}` }]),
  );
  return { scores, recommendation, notes };
}

function questionsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-questions-'));
  const rubric = QUESTION_RUBRIC.criteria
    .map(
      (criterion) =>
        `  - id: ${criterion.id}\n    name: ${criterion.name}\n    description: ${criterion.description}\n    anchors:\n` +
        Object.entries(criterion.anchors)
          .map(([score, text]) => `      ${score}: ${text}`)
          .join('\n'),
    )
    .join('\n');
  writeFileSync(
    join(dir, 'islands.md'),
    `---\ntitle: Islands\ndifficulty: medium\nrubric:\n  criteria:\n${rubric}\n---\nCount the islands.\n`,
  );
  return dir;
}

function scorecardSuite(engine: 'sqlite' | 'postgres'): void {
  describe(`scorecards (${engine})`, () => {
    let postgres: TestPostgresServer | undefined;
    let backend: BackendHandle;
    let admin: MemberAgent;
    let ann: MemberAgent;
    let bob: MemberAgent;
    let carl: MemberAgent;
    let session: CreateSessionResponse;
    let candidate: ReturnType<typeof capturedClient>;
    let dir: string;
    const open: SocketYjsProvider[] = [];
    const events: TeamEvent[] = [];

    const path = (suffix = ''): string => `/api/interviews/${session.id}/scorecards${suffix}`;
    const list = async (agent: MemberAgent): Promise<ScorecardListResponse> => {
      const response = await agent.fetch(path());
      assert.equal(response.status, 200);
      return (await response.json()) as ScorecardListResponse;
    };

    before(async () => {
      dir = questionsDir();
      const env: Record<string, string> = { QUESTIONS_DIR: dir };
      if (engine === 'postgres') {
        postgres = await startPostgresServer();
        env.DATABASE_URL = await postgres.createDatabase();
      }
      backend = await startTestBackend(env);
      // Scorecard events only: the archive publishes the interviews' created / started / ended too.
      backend.teamEvents.subscribe((event) => void (event.type === 'scorecard.submitted' && events.push(event)));
      admin = await memberAgent(backend);
      ann = await invite(admin, 'ann@pairpad.test');
      bob = await invite(admin, 'bob@pairpad.test');
      carl = await invite(admin, 'carl@pairpad.test');
      // Ann creates the interview; Bob joins its room signed in; Carl never does; the candidate joins.
      const created = await ann.fetch('/api/sessions', { method: 'POST', json: { name: 'Ann', language: 'python' } });
      assert.equal(created.status, 201);
      session = (await created.json()) as CreateSessionResponse;
      candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
      const bobSocket = connectClient(backend, {
        sessionId: session.id,
        name: 'Bob',
        socketOptions: { transports: ['websocket'], forceNew: true, extraHeaders: { cookie: bob.cookie } },
      });
      open.push(candidate.provider, bobSocket);
      await Promise.all([waitSynced(candidate.provider), waitSynced(bobSocket)]);
      await waitFor(async () => (await bob.fetch(path('/mine'))).status === 200, { what: 'Bob recorded as an interviewer' });
    });
    after(async () => {
      for (const provider of open) provider.destroy();
      await backend?.close();
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lets the creator and a member who joined score; a member who did not join is refused SCORECARD_NOT_ALLOWED', async () => {
      const mine = (await (await ann.fetch(path('/mine'))).json()) as MyScorecardResponse;
      assert.equal(mine.scorecard, null);
      assert.deepEqual(mine.rubric.source, { kind: 'team' });
      assert.deepEqual(mine.rubric.rubric, DEFAULT_RUBRIC);
      assert.equal(await codeOf(await carl.fetch(path('/mine'))), 'SCORECARD_NOT_ALLOWED');
      assert.equal(
        await codeOf(await carl.fetch(path('/mine'), { method: 'PUT', json: fullCard(3, 'yes', 'x') })),
        'SCORECARD_NOT_ALLOWED',
      );
      assert.equal(
        await codeOf(await carl.fetch(path('/mine/submit'), { method: 'POST', json: fullCard(3, 'yes', 'x') })),
        'SCORECARD_NOT_ALLOWED',
      );
      const carlList = await list(carl);
      assert.equal(carlList.visibility, 'none');
      assert.equal(await codeOf(await ann.fetch(`/api/interviews/${crypto.randomUUID()}/scorecards/mine`)), 'INTERVIEW_NOT_FOUND');
    });

    it('refuses scores out of range, unknown criteria and oversized notes with named errors, storing nothing', async () => {
      const cases: Array<[ScorecardBody | Record<string, unknown>, string]> = [
        [{ scores: { 'problem-solving': { score: 5, notes: '' } } }, 'SCORE_OUT_OF_RANGE'],
        [{ scores: { 'problem-solving': { score: 0, notes: '' } } }, 'SCORE_OUT_OF_RANGE'],
        [{ scores: { 'problem-solving': { score: 2.5, notes: '' } } }, 'VALIDATION_FAILED'],
        [{ scores: { 'no-such-criterion': { score: 2, notes: '' } } }, 'UNKNOWN_CRITERION'],
        [{ scores: { testing: { score: 2, notes: 'n'.repeat(SCORECARD_LIMITS.criterionNotesChars + 1) } } }, 'SCORECARD_NOTES_TOO_LONG'],
        [{ notes: 'n'.repeat(SCORECARD_LIMITS.overallNotesChars + 1) }, 'SCORECARD_NOTES_TOO_LONG'],
        [{ recommendation: 'maybe' }, 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of cases) {
        assert.equal(await codeOf(await ann.fetch(path('/mine'), { method: 'PUT', json: body })), code, JSON.stringify(body).slice(0, 80));
        assert.equal(await codeOf(await ann.fetch(path('/mine/submit'), { method: 'POST', json: body })), code);
      }
      // An incomplete scorecard saves as a draft but cannot be submitted.
      const incomplete = await ann.fetch(path('/mine/submit'), { method: 'POST', json: { scores: { testing: { score: 2, notes: '' } } } });
      const error = ((await incomplete.json()) as { error: ErrorBody }).error;
      assert.equal(error.code, 'SCORECARD_INCOMPLETE');
      assert.ok(error.details?.recommendation && error.details['scores.communication']);
      const mine = (await (await ann.fetch(path('/mine'))).json()) as MyScorecardResponse;
      assert.equal(mine.scorecard, null, 'nothing stored by refused requests');
      assert.equal(mine.rubric.frozen, false, 'a refused scorecard freezes no rubric');
      assert.equal(events.length, 0);
    });

    it('keeps interviewers independent: others are hidden until one submits; admins not on it see submitted ones', async () => {
      const draft = await ann.fetch(path('/mine'), { method: 'PUT', json: { ...fullCard(4, null, ANN_NOTES), recommendation: null } });
      assert.equal(draft.status, 200);
      assert.equal(((await draft.json()) as ScorecardView).status, 'draft');
      // A draft is its author's alone: not even counted for the others.
      let bobView = await list(bob);
      assert.deepEqual([bobView.visibility, bobView.scorecards.length, bobView.hiddenCount], ['own', 0, 0]);
      assert.equal((await list(admin)).scorecards.length, 0, 'no draft for an admin either');

      const submitted = await ann.fetch(path('/mine/submit'), { method: 'POST', json: fullCard(4, 'strong_yes', ANN_NOTES) });
      assert.equal(submitted.status, 200);
      const annCard = (await submitted.json()) as ScorecardView;
      assert.deepEqual([annCard.status, annCard.version], ['submitted', 1]);
      await waitFor(() => events.length === 1, { what: 'scorecard.submitted published' });
      assert.deepEqual(events[0], {
        type: 'scorecard.submitted',
        interviewId: session.id,
        scorecardId: annCard.id,
        memberId: ann.member.id,
        occurredAt: Date.parse(annCard.submittedAt ?? ''),
      });

      // Bob has not submitted: Ann's scorecard is withheld (counted, never shown), in the list and the dashboard.
      const hiddenResponse = await bob.fetch(path());
      const hiddenText = await hiddenResponse.text();
      bobView = JSON.parse(hiddenText) as ScorecardListResponse;
      assert.deepEqual([bobView.visibility, bobView.scorecards.length, bobView.hiddenCount, bobView.summary], ['own', 0, 1, null]);
      assert.equal(hiddenText.includes('ANN-SCORECARD-NOTE'), false);
      const bobDashboard = (await (await bob.fetch('/api/interviews?scope=team')).json()) as ListInterviewsResponse;
      assert.equal(bobDashboard.items.find((item) => item.id === session.id)?.recommendations, null);
      const bobFiltered = (await (
        await bob.fetch('/api/interviews?scope=team&recommendation=strong_yes')
      ).json()) as ListInterviewsResponse;
      assert.equal(bobFiltered.items.length, 0, 'the filter reveals nothing either');

      // Nor once Bob has a draft of his own: he sees his draft, Ann's stays withheld.
      assert.equal(
        (await bob.fetch(path('/mine'), { method: 'PUT', json: { ...fullCard(2, null, BOB_NOTES), recommendation: null } })).status,
        200,
      );
      bobView = await list(bob);
      assert.deepEqual(
        [bobView.visibility, bobView.scorecards.map((card) => [card.author.name, card.status]), bobView.hiddenCount],
        ['own', [['bob', 'draft']], 1],
      );

      // The admin neither created nor joined it: sees submitted scorecards, and filters by them.
      const adminView = await list(admin);
      assert.deepEqual([adminView.visibility, adminView.scorecards.length], ['all', 1]);
      const adminFiltered = (await (
        await admin.fetch('/api/interviews?scope=team&recommendation=strong_yes')
      ).json()) as ListInterviewsResponse;
      assert.deepEqual(
        adminFiltered.items.map((item) => [item.id, item.recommendations]),
        [[session.id, { strong_no: 0, no: 0, yes: 0, strong_yes: 1 }]],
      );
      const adminNo = (await (await admin.fetch('/api/interviews?scope=team&recommendation=no')).json()) as ListInterviewsResponse;
      assert.equal(adminNo.items.length, 0);

      // Bob submits: now he sees Ann's, with the summary.
      assert.equal((await bob.fetch(path('/mine/submit'), { method: 'POST', json: fullCard(2, 'no', BOB_NOTES) })).status, 200);
      bobView = await list(bob);
      assert.equal(bobView.visibility, 'all');
      assert.deepEqual(bobView.scorecards.map((card) => card.author.name).sort(), ['ann', 'bob']);
      assert.equal(bobView.summary?.submitted, 2);
      assert.equal(bobView.summary?.averages['problem-solving'], 3);
      assert.deepEqual(bobView.summary?.recommendations, { strong_no: 0, no: 1, yes: 0, strong_yes: 1 });
      const bobNow = (await (await bob.fetch('/api/interviews?scope=team&recommendation=strong_yes')).json()) as ListInterviewsResponse;
      assert.deepEqual(
        bobNow.items.map((item) => item.id),
        [session.id],
      );
      // Carl (not an interviewer, not an admin) still sees none.
      const carlView = await list(carl);
      assert.deepEqual([carlView.visibility, carlView.scorecards.length, carlView.hiddenCount], ['none', 0, 2]);
    });

    it('edits after submit are submitted again as a new version, the earlier ones kept in the history', async () => {
      assert.equal(
        await codeOf(await ann.fetch(path('/mine'), { method: 'PUT', json: fullCard(1, 'no', 'autosave') })),
        'SCORECARD_ALREADY_SUBMITTED',
      );
      const edited = await ann.fetch(path('/mine/submit'), { method: 'POST', json: fullCard(3, 'yes', `${ANN_NOTES} (revised)`) });
      assert.equal(edited.status, 200);
      const card = (await edited.json()) as ScorecardView;
      assert.equal(card.version, 2);
      assert.equal(card.recommendation, 'yes');
      assert.deepEqual(
        card.history.map((revision) => [revision.version, revision.recommendation, revision.notes]),
        [[1, 'strong_yes', ANN_NOTES]],
      );
      const seen = (await list(bob)).scorecards.find((entry) => entry.author.id === ann.member.id);
      assert.equal(seen?.version, 2);
      assert.equal(seen?.history.length, 1);
      assert.equal(events.filter((event) => event.type === 'scorecard.submitted').length, 3);
    });

    it('gives a candidate and a guest interviewer link nothing, and no scorecard text in any candidate frame', async () => {
      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/mine'],
        ['PUT', '/mine'],
        ['POST', '/mine/submit'],
      ] as const) {
        const body =
          method === 'GET'
            ? {}
            : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(fullCard(4, 'yes', 'x')) };
        const anonymous = await fetch(`${backend.url}${path(suffix)}`, body);
        assert.equal(await codeOf(anonymous), 'SIGN_IN_REQUIRED');
        const guest = await fetch(`${backend.url}${path(suffix)}`, {
          ...body,
          headers: { ...('headers' in body ? body.headers : {}), authorization: `Bearer ${session.interviewerToken}` },
        });
        assert.equal(await codeOf(guest), 'SIGN_IN_REQUIRED');
      }
      assert.equal(await codeOf(await fetch(`${backend.url}/api/team/rubric`)), 'SIGN_IN_REQUIRED');
      // The candidate's socket carried traffic all along (joins, Bob's presence) and never a scorecard.
      candidate.provider.doc.getText('code').insert(0, '# still here\n');
      await waitSynced(candidate.provider);
      assert.ok(candidate.heard.raw.length > 3, 'the capture saw traffic');
      for (const needle of ['ANN-SCORECARD-NOTE', 'BOB-SCORECARD-NOTE', 'strong_yes', 'scorecard', 'Problem solving'])
        assert.equal(heardText(candidate.heard, needle), false, `${needle} in a candidate frame`);
    });

    it("uses the question's rubric, freezes an interview's rubric at its first scorecard, and lets an admin change the team default", async () => {
      const fromQuestion = (await (
        await ann.fetch('/api/sessions', { method: 'POST', json: { name: 'Ann', language: 'python', questionId: 'islands' } })
      ).json()) as CreateSessionResponse;
      await waitFor(async () => (await ann.fetch(`/api/interviews/${fromQuestion.id}/scorecards/mine`)).status === 200, {
        what: 'row written',
      });
      const mine = (await (await ann.fetch(`/api/interviews/${fromQuestion.id}/scorecards/mine`)).json()) as MyScorecardResponse;
      assert.deepEqual(mine.rubric.source, { kind: 'question', questionId: 'islands' });
      assert.deepEqual(mine.rubric.rubric, QUESTION_RUBRIC);

      // The first interview's rubric is frozen (scorecards exist); a new team default applies to new ones only.
      const teamRubric: Rubric = { criteria: [{ ...QUESTION_RUBRIC.criteria[0]!, id: 'teamwork', name: 'Teamwork' }] };
      assert.equal(await codeOf(await ann.fetch('/api/team/rubric', { method: 'PUT', json: teamRubric })), 'FORBIDDEN');
      assert.equal(await codeOf(await admin.fetch('/api/team/rubric', { method: 'PUT', json: { criteria: [] } })), 'VALIDATION_FAILED');
      const saved = await admin.fetch('/api/team/rubric', { method: 'PUT', json: teamRubric });
      assert.equal(saved.status, 200);
      assert.deepEqual(((await (await ann.fetch('/api/team/rubric')).json()) as TeamRubricResponse).rubric, teamRubric);
      const old = (await (await ann.fetch(path('/mine'))).json()) as MyScorecardResponse;
      assert.deepEqual([old.rubric.frozen, old.rubric.rubric], [true, DEFAULT_RUBRIC]);
      const fresh = (await (
        await ann.fetch('/api/sessions', { method: 'POST', json: { name: 'Ann', language: 'python' } })
      ).json()) as CreateSessionResponse;
      await waitFor(async () => (await ann.fetch(`/api/interviews/${fresh.id}/scorecards/mine`)).status === 200, { what: 'row written' });
      const next = (await (await ann.fetch(`/api/interviews/${fresh.id}/scorecards/mine`)).json()) as MyScorecardResponse;
      assert.deepEqual([next.rubric.frozen, next.rubric.rubric], [false, teamRubric]);
    });

    it('deleting the interview erases its scorecards, their versions and its rubric', async () => {
      const db = backend.database.db;
      const count = async (table: 'scorecards' | 'interview_rubrics' | 'interview_interviewers') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('interview_id', '=', session.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const revisions = async () =>
        Number(
          (
            await db
              .selectFrom('scorecard_revisions')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.deepEqual([await count('scorecards'), await count('interview_rubrics'), await revisions()], [2, 1, 3]);
      assert.equal((await admin.fetch(`/api/interviews/${session.id}`, { method: 'DELETE' })).status, 204);
      assert.deepEqual(
        [await count('scorecards'), await count('interview_rubrics'), await count('interview_interviewers'), await revisions()],
        [0, 0, 0, 0],
      );
      assert.equal(await codeOf(await admin.fetch(path())), 'INTERVIEW_NOT_FOUND');
    });
  });
}

scorecardSuite('sqlite');
scorecardSuite('postgres');
