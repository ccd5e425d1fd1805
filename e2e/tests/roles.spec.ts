import type { Page } from '@playwright/test';
import { FRONTEND_URL } from '../support/env';
import { expect, test } from '../support/fixtures';
import { expectConnected, openHeaderPanel, openRoomTab, participantItems } from '../support/room';

const NOTES = 'Ask about complexity next.';

function myRole(page: Page) {
  return page.getByTestId('my-role');
}

test('each side of the room is told which role it has', async ({ room: { interviewer, candidate } }) => {
  await expect(myRole(interviewer)).toHaveText('You are the interviewer');
  await expect(myRole(candidate)).toHaveText('You are the candidate');
  // Only the interviewer has the private link to give away (in the header's People panel).
  await openHeaderPanel(candidate, 'People');
  await openHeaderPanel(interviewer, 'People');
  await expect(candidate.getByRole('button', { name: 'Copy interviewer link' })).toHaveCount(0);
  await expect(interviewer.getByRole('button', { name: 'Copy interviewer link' })).toHaveAttribute(
    'title',
    /^Private: for a co-interviewer only/,
  );
});

test('the interviewer reopens the room in a new tab, and after a browser restart, and is still the interviewer, listed once', async ({
  browser,
  room,
}) => {
  const { interviewer, candidate, session } = room;
  await openRoomTab(interviewer, 'Notes');
  await interviewer.getByLabel('Private notes').fill(NOTES);

  // A new tab: the plain room address, no token, no name.
  const secondTab = await interviewer.context().newPage();
  await secondTab.goto(`/interview/${session.id}`);
  await expectConnected(secondTab);
  await expect(myRole(secondTab)).toHaveText('You are the interviewer');
  await expect(secondTab.getByLabel('Private notes')).toHaveValue(NOTES);
  // One person, two tabs: one entry everywhere.
  for (const page of [interviewer, secondTab, candidate]) await expect(page.getByTestId('participant-count')).toHaveText('2');
  await expect(participantItems(candidate).filter({ hasText: 'Ivy' })).toContainText('Interviewer · Active · 2 tabs');

  // A browser restart: a new browser context holding only what the old one stored.
  const restarted = await browser.newContext({ storageState: await interviewer.context().storageState() });
  await interviewer.context().close();
  const reopened = await restarted.newPage();
  await reopened.goto(`/interview/${session.id}`);
  await expectConnected(reopened);
  await expect(myRole(reopened)).toHaveText('You are the interviewer');
  await expect(reopened.getByLabel('Private notes')).toHaveValue(NOTES);
  await expect(participantItems(candidate)).toHaveCount(2);
  await restarted.close();
});

test('a co-interviewer joins from the copied interviewer link and sees the private notes', async ({ browser, room }, testInfo) => {
  const { interviewer, candidate, session } = room;
  await openRoomTab(interviewer, 'Notes');
  await interviewer.getByLabel('Private notes').fill(NOTES);
  await openHeaderPanel(interviewer, 'People');
  const copy = interviewer.getByRole('button', { name: 'Copy interviewer link' });
  await copy.click();
  await expect(copy).toContainText('Copied!');
  await interviewer.screenshot({ path: testInfo.outputPath('interviewer-links.png') });
  const link = await interviewer.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${FRONTEND_URL}/interview/${session.id}?token=${session.interviewerToken}`);

  const coContext = await browser.newContext();
  const co = await coContext.newPage();
  await co.goto(link);
  await co.getByLabel('Your name').fill('Olga');
  await co.getByRole('button', { name: 'Join interview' }).click();
  await expectConnected(co);
  await expect(myRole(co)).toHaveText('You are the interviewer');
  await expect(co.getByLabel('Private notes')).toHaveValue(NOTES);
  await expect(participantItems(candidate).filter({ hasText: 'Olga' })).toContainText('Interviewer');
  await expect(candidate.getByTestId('participant-count')).toHaveText('3');
  await co.screenshot({ path: testInfo.outputPath('co-interviewer.png') });
  await coContext.close();
});

test('the report and the playback list each person once, however many tabs they used', async ({ room }, testInfo) => {
  const { interviewer, candidate, session } = room;
  const secondTab = await interviewer.context().newPage();
  await secondTab.goto(`/interview/${session.id}`);
  await expectConnected(secondTab);
  const candidateTab = await candidate.context().newPage();
  await candidateTab.goto(`/interview/${session.id}`);
  await expectConnected(candidateTab);
  await expect(myRole(candidateTab)).toHaveText('You are the candidate');
  await expect(interviewer.getByTestId('participant-count')).toHaveText('2');
  await secondTab.close();

  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByRole('link', { name: 'Report' }).click();
  const rows = interviewer.getByRole('table', { name: 'Participants' }).getByRole('row');
  // A header row, then one row per person.
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'Ivy' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Cara' })).toHaveCount(1);
  await interviewer.screenshot({ path: testInfo.outputPath('report-participants.png'), fullPage: true });

  await interviewer.goto(`/interview/${session.id}/playback`);
  const events = interviewer.getByRole('list', { name: 'Events so far' }).getByRole('listitem');
  await expect(events.filter({ hasText: 'Ivy (interviewer) joined' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Cara (candidate) joined' })).toHaveCount(1);
});
