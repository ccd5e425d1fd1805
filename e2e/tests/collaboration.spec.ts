import { expect, test } from '@playwright/test';
import { FRONTEND_URL } from '../support/env';
import { createInterview } from '../support/dashboard';
import { memberContext } from '../support/member';
import { editor, expectConnected, openHeaderPanel, participantItems, participantList } from '../support/room';
import { editorCode } from '../support/editor';

const SESSION_URL = /\/interview\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

test('interviewer creates a session, candidate joins by the copied link, and they edit together', async ({ browser }) => {
  const interviewerContext = await memberContext(browser);
  await interviewerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: FRONTEND_URL });
  const interviewer = await interviewerContext.newPage();

  // Dashboard → New interview → open the room as the interviewer.
  const created = await createInterview(interviewer, { name: 'Grace Hopper', language: 'javascript', title: 'E2E pairing round' });
  await created.getByRole('link', { name: 'Open the room' }).click();
  await expect(interviewer).toHaveURL(SESSION_URL);
  await expectConnected(interviewer);
  await expect(interviewer.getByRole('heading', { name: 'E2E pairing round' })).toBeVisible();
  await expect(interviewer.getByRole('combobox', { name: 'Language' })).toHaveValue('javascript');
  await expect(participantItems(interviewer)).toHaveCount(1);
  await expect(participantList(interviewer)).toContainText('Grace Hopper');
  await expect(participantList(interviewer)).toContainText('Interviewer');
  // The secret token leaves the address bar once it is remembered for this tab.
  await expect(interviewer).not.toHaveURL(/token=/);

  // Copy the candidate link (the header's People panel) and read it back from the clipboard.
  await openHeaderPanel(interviewer, 'People');
  const copyButton = interviewer.getByRole('button', { name: 'Copy candidate link' });
  await copyButton.click();
  await expect(copyButton).toHaveText('Copied!');
  const candidateLink = await interviewer.evaluate(() => navigator.clipboard.readText());
  const sessionId = new URL(interviewer.url()).pathname.split('/').pop();
  expect(candidateLink).toBe(`${FRONTEND_URL}/interview/${sessionId}`);

  // The candidate opens the link in a separate browser context and names themself.
  const candidateContext = await browser.newContext();
  const candidate = await candidateContext.newPage();
  await candidate.goto(candidateLink);
  await candidate.getByLabel('Your name').fill('Alan Turing');
  await candidate.getByRole('button', { name: 'Join interview' }).click();
  await expectConnected(candidate);
  await expect(participantList(candidate)).toContainText('Candidate');
  await expect(interviewer.getByTestId('participant-count')).toHaveText('2');
  await expect(candidate.getByTestId('participant-count')).toHaveText('2');
  await expect(participantItems(interviewer).filter({ hasText: 'Alan Turing' })).toContainText('Candidate');

  // Both type at the same time, at opposite ends of the document.
  await editor(interviewer).click();
  await interviewer.keyboard.press('Control+End');
  await editor(candidate).click();
  await candidate.keyboard.press('Control+Home');
  await Promise.all([
    interviewer.keyboard.type(' // grace-was-here', { delay: 25 }),
    candidate.keyboard.type('/* alan-was-here */ ', { delay: 25 }),
  ]);
  await expect
    .poll(async () => {
      const [mine, theirs] = await Promise.all([editorCode(interviewer), editorCode(candidate)]);
      const converged = mine === theirs && mine.includes('grace-was-here') && mine.includes('alan-was-here');
      return converged ? 'converged' : `interviewer:\n${mine}\n---\ncandidate:\n${theirs}`;
    })
    .toBe('converged');

  // The interviewer sees the candidate's cursor, labelled with the candidate's name.
  await expect(interviewer.locator('.cm-ySelectionInfo', { hasText: 'Alan Turing' })).toBeVisible();
  await expect(candidate.locator('.cm-ySelectionInfo', { hasText: 'Grace Hopper' })).toBeVisible();

  // Undo is per user: the interviewer's Ctrl+Z removes only the interviewer's typing.
  await editor(interviewer).focus();
  await expect(async () => {
    await interviewer.keyboard.press('Control+z');
    expect(await editorCode(interviewer)).not.toContain('grace-was-here');
  }).toPass({ timeout: 10_000 });
  await expect.poll(() => editorCode(candidate)).not.toContain('grace-was-here');
  expect(await editorCode(interviewer)).toContain('alan-was-here');
  expect(await editorCode(candidate)).toContain('alan-was-here');

  // A language change by the candidate shows up in the interviewer's selector.
  await candidate.getByRole('combobox', { name: 'Language' }).selectOption('python');
  await expect(interviewer.getByRole('combobox', { name: 'Language' })).toHaveValue('python');
  await interviewer.getByRole('combobox', { name: 'Language' }).selectOption('go');
  await expect(candidate.getByRole('combobox', { name: 'Language' })).toHaveValue('go');

  // The candidate leaves: the interviewer's count drops to one.
  await candidate.close();
  await expect(interviewer.getByTestId('participant-count')).toHaveText('1');
  await expect(participantItems(interviewer)).toHaveCount(1);
  await expect(participantList(interviewer)).not.toContainText('Alan Turing');

  await candidateContext.close();
  await interviewerContext.close();
});
