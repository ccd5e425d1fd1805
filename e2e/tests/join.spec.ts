import { expect, test } from '@playwright/test';
import { createSessionViaApi, expectConnected, joinRoom, participantItems, participantList } from '../support/room';

test('a candidate link asks for a name, validates it, and remembers it', async ({ page, context }) => {
  const session = await createSessionViaApi({ title: 'Name prompt check' });
  await page.goto(`/interview/${session.id}`);
  await expect(page.getByRole('heading', { name: 'Join the interview' })).toBeVisible();
  await expect(page.getByText('Name prompt check')).toBeVisible();
  await expect(page.locator('.cm-content')).toHaveCount(0);

  await page.getByRole('button', { name: 'Join interview' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Your name must not be empty.' })).toBeVisible();

  await page.getByLabel('Your name').fill('Alice');
  await page.getByRole('button', { name: 'Join interview' }).click();
  await expectConnected(page);
  await expect(participantList(page)).toContainText('Alice (you)');
  await expect(participantList(page)).toContainText('Candidate');

  // Another candidate link in the same browser: the prompt comes pre-filled with the remembered name.
  const other = await createSessionViaApi();
  const second = await context.newPage();
  await second.goto(`/interview/${other.id}`);
  await expect(second.getByLabel('Your name')).toHaveValue('Alice');
});

test('?name= only pre-fills the prompt: a browser that has not joined is always asked, and the name leaves the address bar', async ({
  page,
  browser,
}) => {
  const session = await createSessionViaApi();
  // The interviewer's own address bar, as it would be copied or seen on a shared screen.
  await page.goto(`/interview/${session.id}?name=${encodeURIComponent('Ivy Interviewer')}`);
  await expect(page.getByRole('heading', { name: 'Join the interview' })).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Ivy Interviewer');
  await expect(page).not.toHaveURL(/name=/);
  await expect(page.locator('.cm-content')).toHaveCount(0);

  // A reload before joining still asks, still pre-filled (kept for this tab, not in the URL).
  await page.reload();
  await expect(page.getByLabel('Your name')).toHaveValue('Ivy Interviewer');
  await page.getByLabel('Your name').fill('Bob');
  await page.getByRole('button', { name: 'Join interview' }).click();
  await expectConnected(page);
  await expect(participantList(page)).toContainText('Bob (you)');
  await expect(page).not.toHaveURL(/name=/);
  // The run controls are there under their stable names, ready once connected.
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(page.getByRole('region', { name: 'Output' })).toBeVisible();

  // Having joined, this browser comes back as Bob without a prompt, whatever the link says.
  await page.goto(`/interview/${session.id}?name=Mallory`);
  await expectConnected(page);
  await expect(participantList(page)).toContainText('Bob (you)');
  await expect(participantList(page)).not.toContainText('Mallory');

  // Another browser with the same link is asked too.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`/interview/${session.id}?name=Bob`);
  await expect(other.getByRole('heading', { name: 'Join the interview' })).toBeVisible();
  await other.context().close();
});

test('the interviewer token is stripped from the address bar and survives a reload', async ({ page }) => {
  const session = await createSessionViaApi({ name: 'Ida' });
  await joinRoom(page, `/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await expect(participantList(page)).toContainText('Interviewer');
  await expect(page).not.toHaveURL(/token=/);

  await page.reload();
  await expectConnected(page);
  await expect(participantItems(page).filter({ hasText: 'Ida (you)' })).toContainText('Interviewer');
});
