/**
 * Scorecards in real Chromium: two signed-in interviewers (Ivy, who created the interview, and
 * Bob, invited to the team) and an anonymous candidate. Ivy's draft autosaves; she submits; Bob
 * cannot see her scorecard until he submits his; the report and the dashboard show both. The
 * candidate's page and every websocket frame it receives carry no scorecard text.
 */
import { request, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { BACKEND_URL, FRONTEND_URL } from '../support/env';
import { expect, framesContain, test, type FrameCapture } from '../support/fixtures';
import { memberContext, memberCredentials } from '../support/member';
import { createSessionViaApi, expectConnected, joinRoom, openRoomTab } from '../support/room';

const IVY_SECRET = 'IVY-SCORECARD-NOTE 7c21';
const BOB_SECRET = 'BOB-SCORECARD-NOTE 4e90';
const CRITERIA = ['problem-solving', 'code-quality', 'communication', 'testing'];

/** A second member: invited by the admin over REST, accepted, and signed in in a browser of their own. */
async function invitedMemberContext(browser: Browser, email: string): Promise<BrowserContext> {
  const { cookie, csrfToken } = memberCredentials();
  const invited = await fetch(`${BACKEND_URL}/api/members/invites`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ email }),
  });
  expect(invited.status, 'POST /api/members/invites').toBe(201);
  const { inviteUrl } = (await invited.json()) as { inviteUrl: string };
  const api = await request.newContext({ baseURL: BACKEND_URL });
  const accepted = await api.post(`/api/auth/invites/${inviteUrl.split('/invite/')[1]}`, {
    data: { name: 'Bob', password: 'bob-e2e-password' },
  });
  expect(accepted.status(), 'accept the invite').toBe(201);
  const storageState = await api.storageState();
  await api.dispose();
  return browser.newContext({ storageState });
}

function captureFrames(page: Page): FrameCapture {
  const capture: FrameCapture = { frames: [] };
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => capture.frames.push(frame.payload)));
  return capture;
}

/** Scores every criterion, writes notes on the first, picks a recommendation. */
async function fillScorecard(page: Page, score: number, recommendation: string, notes: string): Promise<void> {
  const panel = page.getByTestId('scorecard-panel');
  for (const id of CRITERIA)
    await panel
      .getByTestId(`criterion-${id}`)
      .getByRole('radio')
      .nth(score - 1)
      .check();
  await panel.getByRole('textbox', { name: 'Notes on Problem solving' }).fill(notes);
  await panel.getByRole('group', { name: 'Recommendation' }).getByRole('radio', { name: recommendation, exact: true }).check();
  await panel.getByRole('textbox', { name: 'Overall notes' }).fill(`${notes} overall`);
}

test('interviewers score independently; the candidate never sees a scorecard', async ({ browser }) => {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python', title: 'Judgement e2e' });
  const ivyContext = await memberContext(browser);
  const bobContext = await invitedMemberContext(browser, `bob-${Date.now()}@e2e.pairpad.test`);
  const candidateContext = await browser.newContext();
  const ivy = await ivyContext.newPage();
  const bob = await bobContext.newPage();
  const candidate = await candidateContext.newPage();
  const candidateFrames = captureFrames(candidate);
  await Promise.all([
    joinRoom(ivy, `/interview/${session.id}?name=Ivy`),
    joinRoom(bob, `/interview/${session.id}?name=Bob`),
    joinRoom(candidate, `/interview/${session.id}?name=Cara`),
  ]);
  // The scorecard is an interviewer tab of the room's side area.
  await Promise.all([openRoomTab(ivy, 'Scorecard'), openRoomTab(bob, 'Scorecard')]);

  const ivyPanel = ivy.getByTestId('scorecard-panel');
  const bobPanel = bob.getByTestId('scorecard-panel');

  await test.step('Ivy fills in her scorecard: the draft autosaves and survives a reload', async () => {
    await expect(ivyPanel.getByTestId('criterion-problem-solving')).toBeVisible();
    await expect(ivyPanel.getByText('Could not frame the problem or make progress, even with hints.')).toBeVisible();
    await fillScorecard(ivy, 4, 'Strong yes', IVY_SECRET);
    await expect(ivyPanel.getByTestId('scorecard-status')).toHaveText('Saved');
    await ivy.reload();
    await expectConnected(ivy);
    await openRoomTab(ivy, 'Scorecard');
    await expect(ivyPanel.getByTestId('criterion-testing').getByRole('radio').nth(3)).toBeChecked();
    await expect(ivyPanel.getByRole('textbox', { name: 'Notes on Problem solving' })).toHaveValue(IVY_SECRET);
  });

  await test.step('Ivy submits', async () => {
    await ivyPanel.getByRole('button', { name: 'Submit scorecard' }).click();
    await expect(ivyPanel.getByTestId('scorecard-status')).toHaveText('Submitted');
    await expect(ivyPanel.getByRole('button', { name: 'Edit' })).toBeVisible();
  });

  await test.step("Bob cannot see Ivy's scorecard before he submits his own", async () => {
    await bob.reload();
    await expectConnected(bob);
    await openRoomTab(bob, 'Scorecard');
    await expect(bobPanel.getByTestId('scorecards-hidden')).toHaveText(
      '1 scorecard from other interviewers will show once you submit yours.',
    );
    await expect(bob.getByText(IVY_SECRET)).toHaveCount(0);
    await expect(bobPanel.getByTestId('scorecard-card')).toHaveCount(0);
  });

  await test.step("Bob submits: now he sees Ivy's scorecard and the summary", async () => {
    await fillScorecard(bob, 2, 'No', BOB_SECRET);
    await expect(bobPanel.getByTestId('scorecard-status')).toHaveText('Saved');
    await bobPanel.getByRole('button', { name: 'Submit scorecard' }).click();
    await expect(bobPanel.getByTestId('scorecard-status')).toHaveText('Submitted');
    const ivyCard = bobPanel.getByRole('article', { name: 'Scorecard by Ivy' });
    await expect(ivyCard).toContainText(IVY_SECRET);
    await expect(ivyCard).toContainText('Strong yes');
    await expect(bobPanel.getByTestId('scorecard-summary')).toContainText('Strong yes: 1');
    await expect(bobPanel.getByTestId('scorecard-summary')).toContainText('No: 1');
  });

  await test.step('the report shows both scorecards with the averages', async () => {
    const report = await bobContext.newPage();
    await report.goto(`/interview/${session.id}/report`);
    const section = report.getByTestId('report-scorecards');
    await expect(section.getByTestId('scorecard-card')).toHaveCount(2);
    await expect(section.getByTestId('scorecard-summary')).toContainText('3.00');
    await report.close();
  });

  await test.step('the dashboard counts the recommendations and filters by them', async () => {
    const dashboard = await ivyContext.newPage();
    await dashboard.goto(`${FRONTEND_URL}/dashboard`);
    await dashboard.getByRole('combobox', { name: 'Recommendation' }).selectOption('strong_yes');
    const row = dashboard.getByRole('row', { name: /Judgement e2e/ });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('recommendations')).toHaveText('No 1 · Strong yes 1');
    await dashboard.getByRole('combobox', { name: 'Recommendation' }).selectOption('yes');
    await expect(dashboard.getByRole('row', { name: /Judgement e2e/ })).toHaveCount(0);
    await dashboard.close();
  });

  await test.step('the candidate saw no scorecard: not on the page, not in any frame', async () => {
    // Traffic kept flowing to the candidate all along (presence, both interviewers' reloads).
    expect(candidateFrames.frames.length).toBeGreaterThan(5);
    await expect(candidate.getByTestId('scorecard-panel')).toHaveCount(0);
    await expect(candidate.getByRole('heading', { name: 'Scorecard' })).toHaveCount(0);
    await expect(candidate.getByText(/scorecard/i)).toHaveCount(0);
    await expect(candidate.getByText(IVY_SECRET)).toHaveCount(0);
    for (const needle of [IVY_SECRET, BOB_SECRET, 'scorecard', 'strong_yes', 'Strong yes', 'Problem solving', 'recommendation'])
      expect(framesContain(candidateFrames, needle), `${needle} in a frame to the candidate`).toBe(false);
  });

  await Promise.all([ivyContext.close(), bobContext.close(), candidateContext.close()]);
});
