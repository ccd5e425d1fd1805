import { expect, test, type Browser, type Page } from '@playwright/test';
import { editorCode } from '../support/editor';
import { expectConnected, openHeaderPanel, replaceCode } from '../support/room';
import { startTeamServers, type TeamServers } from '../support/team-servers';

/**
 * Issue 22's story in Chromium, on a PairPad of its own (fresh DATA_DIR, no admin yet): the first
 * admin sets up with the code from the server, invites a teammate, the teammate signs in and runs
 * an interview with an anonymous candidate, ends it, and "a week later" (the room has expired:
 * SESSION_TTL_SECONDS is short here) finds it on the dashboard and opens its playback and report.
 */

const ROOM_TTL_SECONDS = 30;
const ADMIN = { name: 'Ada Admin', email: 'ada@team.example', password: 'first-admin-password' };
const TEAMMATE = { name: 'Tom Teammate', email: 'tom@team.example', password: 'teammate-password' };
const TITLE = 'Backend pairing round';
const CANDIDATE = 'Cara Candidate';
const CODE = 'def answer():\n    return "kept for next week"\n\nprint(answer())\n';

let team: TeamServers;

// One long story: a missing element fails its step in seconds rather than at the test's timeout.
test.use({ actionTimeout: 15_000 });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  team = await startTeamServers({ sessionTtlSeconds: ROOM_TTL_SECONDS });
});

test.afterAll(async () => {
  await team?.stop();
});

/** A browser of its own: no cookie, no storage (a new person, or the same person on a new laptop). */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: team.frontendUrl });
  return context.newPage();
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test('first-run admin, invite, teammate interviews an anonymous candidate, and finds it on the dashboard a "week" later', async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  const shot = (page: Page, name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });

  const admin = await freshPage(browser);
  await test.step('first run: / leads to setup; the admin is created with the code from the server', async () => {
    await admin.goto('/');
    await expect(admin).toHaveURL(/\/setup$/);
    await admin.getByLabel('Setup code').fill(await team.setupCode());
    await admin.getByLabel('Your name').fill(ADMIN.name);
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Create admin account' }).click();
    await expect(admin).toHaveURL(/\/dashboard$/);
    await expect(admin.getByTestId('signed-in-member')).toHaveText(ADMIN.name);
  });

  let inviteLink = '';
  await test.step('the admin invites a teammate and gets the link to send', async () => {
    await admin.getByRole('link', { name: 'Members' }).click();
    await expect(admin).toHaveURL(/\/members$/);
    await admin.getByLabel('Email').fill(TEAMMATE.email);
    await admin.getByLabel('Role', { exact: true }).selectOption('interviewer');
    await admin.getByRole('button', { name: 'Invite' }).click();
    inviteLink = await admin.getByRole('textbox', { name: 'Invite link' }).inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${team.frontendUrl}/invite/`));
    await shot(admin, 'members');
  });

  const teammate = await freshPage(browser);
  await test.step('the teammate accepts the invite, signs out, and signs in with email and password', async () => {
    await teammate.goto(inviteLink);
    await expect(teammate.getByRole('heading', { name: 'Join your team' })).toBeVisible();
    await expect(teammate.getByText(TEAMMATE.email)).toBeVisible();
    await teammate.getByLabel('Your name').fill(TEAMMATE.name);
    await teammate.getByLabel('Password').fill(TEAMMATE.password);
    await teammate.getByRole('button', { name: 'Join the team' }).click();
    await expect(teammate).toHaveURL(/\/dashboard$/);
    // An interviewer manages no members.
    await expect(teammate.getByRole('link', { name: 'Members' })).toHaveCount(0);
    await teammate.getByRole('button', { name: 'Sign out' }).click();
    await expect(teammate).toHaveURL(/\/sign-in$/);
    await signIn(teammate, TEAMMATE);
    await expect(teammate.getByTestId('signed-in-member')).toHaveText(TEAMMATE.name);
  });

  let candidateLink = '';
  await test.step('the teammate creates an interview and opens its room as the interviewer', async () => {
    await teammate.getByRole('button', { name: 'New interview' }).click();
    const form = teammate.getByRole('dialog', { name: 'New interview' });
    await expect(form.getByLabel('Your name')).toHaveValue(TEAMMATE.name);
    await form.getByLabel('Starting language').selectOption('python');
    await form.getByLabel('Title').fill(TITLE);
    await form.getByLabel('Candidate name').fill(CANDIDATE);
    await form.getByRole('button', { name: 'Create session' }).click();
    const created = teammate.getByRole('dialog', { name: 'Interview created' });
    candidateLink = await created.getByRole('textbox', { name: 'Candidate link' }).inputValue();
    expect(candidateLink).toMatch(new RegExp(`^${team.frontendUrl}/interview/[0-9a-f-]{36}$`));
    await expect(created.getByRole('textbox', { name: 'Interviewer link' })).toHaveValue(/\?token=/);
    await created.getByRole('link', { name: 'Open the room' }).click();
    await expectConnected(teammate);
    await expect(teammate.getByTestId('my-role')).toHaveText('You are the interviewer');
  });

  const candidate = await freshPage(browser);
  await test.step('the candidate joins by the link, anonymous, and types code', async () => {
    await candidate.goto(candidateLink);
    await candidate.getByLabel('Your name').fill('Cara');
    await candidate.getByRole('button', { name: 'Join interview' }).click();
    await expectConnected(candidate);
    await expect(candidate.getByTestId('my-role')).toHaveText('You are the candidate');
    await replaceCode(candidate, CODE);
    await expect.poll(() => editorCode(teammate)).toBe(CODE);
  });

  const sessionId = new URL(candidateLink).pathname.split('/').pop() ?? '';
  await test.step('the interviewer ends the interview', async () => {
    await openHeaderPanel(teammate, 'Interview controls');
    await teammate.getByRole('button', { name: 'End interview' }).click();
    await teammate.getByRole('button', { name: 'Yes, end it' }).click();
    await expect(teammate.getByTestId('interview-ended')).toBeVisible();
    await expect(candidate.getByTestId('interview-ended')).toBeVisible();
    await candidate.context().close();
  });

  await test.step('"a week later": the room has expired from the live store', async () => {
    await teammate.goto('/dashboard');
    await expect
      .poll(async () => (await fetch(`${team.backendUrl}/api/sessions/${sessionId}`)).status, {
        message: 'the room expires after SESSION_TTL_SECONDS',
        timeout: (ROOM_TTL_SECONDS + 60) * 1000,
        intervals: [2_000],
      })
      .toBe(404);
  });

  await test.step('the teammate finds the interview on the dashboard by searching for the candidate', async () => {
    await teammate.goto('/dashboard');
    await teammate.getByRole('searchbox', { name: 'Search' }).fill('Cara');
    const row = teammate.getByRole('table', { name: 'Interviews' }).getByRole('row', { name: new RegExp(TITLE) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(CANDIDATE);
    await expect(row).toContainText('Ended');
    await teammate.getByRole('searchbox', { name: 'Search' }).fill('no such candidate');
    await expect(teammate.getByText('No interview matches these filters.')).toBeVisible();
    await teammate.getByRole('searchbox', { name: 'Search' }).fill(CANDIDATE);
    await expect(row).toHaveCount(1);
  });

  await test.step("the playback, from the database, ends on the candidate's code", async () => {
    await teammate.getByRole('link', { name: `Playback: ${TITLE}` }).click();
    const position = teammate.getByRole('slider', { name: 'Position' });
    await expect(position).toBeVisible();
    await position.focus();
    await teammate.keyboard.press('End');
    await expect(teammate.getByTestId('playback-code')).toHaveText(CODE);
    await shot(teammate, 'playback-week-later');
  });

  await test.step("the report shows the candidate's code too", async () => {
    await teammate.goto('/dashboard');
    await teammate.getByRole('searchbox', { name: 'Search' }).fill(CANDIDATE);
    await teammate.getByRole('link', { name: `Report: ${TITLE}` }).click();
    await expect(teammate.getByTestId('report-code')).toHaveText(CODE);
    await expect(teammate.getByRole('table', { name: 'Participants' })).toContainText('Cara');
    await shot(teammate, 'report-week-later');
  });

  await test.step("the admin sees it under the team's interviews", async () => {
    await admin.goto('/dashboard');
    await admin.getByRole('tab', { name: 'Team' }).click();
    const row = admin.getByRole('table', { name: 'Interviews' }).getByRole('row', { name: new RegExp(TITLE) });
    await expect(row).toContainText(`by ${TEAMMATE.name}`);
  });

  await test.step('screenshots of the dashboard and the sign-in page on a laptop and a phone', async () => {
    await teammate.goto('/dashboard');
    await expect(teammate.getByRole('table', { name: 'Interviews' })).toBeVisible();
    const visitor = await freshPage(browser);
    await visitor.goto('/sign-in');
    await expect(visitor.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
    for (const [label, size] of [
      ['1366x768', { width: 1366, height: 768 }],
      ['390x844', { width: 390, height: 844 }],
    ] as const) {
      for (const page of [teammate, visitor]) await page.setViewportSize(size);
      await teammate.screenshot({ path: testInfo.outputPath(`dashboard-${label}.png`) });
      await visitor.screenshot({ path: testInfo.outputPath(`sign-in-${label}.png`) });
    }
  });
});
