import { expect, test, type Page } from '@playwright/test';
import { createSessionViaApi, joinRoom, participantItems } from '../support/room';

function statusOf(page: Page, name: string) {
  return participantItems(page).filter({ hasText: name });
}

test('a participant shows as away while their tab is hidden, and active again when back', async ({ browser }) => {
  const session = await createSessionViaApi();
  const interviewer = await (await browser.newContext()).newPage();
  const candidate = await (await browser.newContext()).newPage();
  await joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await joinRoom(candidate, `/interview/${session.id}?name=Carl`);
  await expect(statusOf(interviewer, 'Carl')).toContainText('Active');

  // Headless tabs are always visible: emulate the page-visibility change the browser would make.
  const setHidden = (hidden: boolean) =>
    candidate.evaluate((value) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  await expect(statusOf(interviewer, 'Carl')).toContainText('Away');
  await setHidden(false);
  await expect(statusOf(interviewer, 'Carl')).toContainText('Active');

  await interviewer.context().close();
  await candidate.context().close();
});

test('a participant shows as idle after a minute without input', async ({ browser }) => {
  const session = await createSessionViaApi();
  const interviewer = await (await browser.newContext()).newPage();
  const candidateContext = await browser.newContext();
  const candidate = await candidateContext.newPage();
  // Only the presence timer is of interest; install a controllable clock in the candidate's page.
  await candidate.clock.install();
  await joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await joinRoom(candidate, `/interview/${session.id}?name=Carl`);
  await expect(statusOf(interviewer, 'Carl')).toContainText('Active');

  await candidate.clock.runFor(30_000);
  await expect(statusOf(candidate, 'Carl')).toContainText('Active');
  await candidate.clock.runFor(31_000);
  await expect(statusOf(interviewer, 'Carl')).toContainText('Idle');

  await candidate.locator('.cm-content').click();
  await expect(statusOf(interviewer, 'Carl')).toContainText('Active');

  await interviewer.context().close();
  await candidateContext.close();
});
