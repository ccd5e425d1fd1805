import { expect, test } from '@playwright/test';
import { createSessionViaApi, expectConnected, participantItems, participantList } from '../support/room';

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

test('?name= pre-fills the name and skips the prompt', async ({ page }) => {
  const session = await createSessionViaApi();
  await page.goto(`/interview/${session.id}?name=Bob`);
  await expectConnected(page);
  await expect(page.getByRole('heading', { name: 'Join the interview' })).toHaveCount(0);
  await expect(participantList(page)).toContainText('Bob (you)');
  // The run controls are there under their stable names, ready once connected.
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(page.getByLabel('Input', { exact: true })).toBeEditable();
  await expect(page.getByRole('region', { name: 'Output' })).toBeVisible();
});

test('the interviewer token is stripped from the address bar and survives a reload', async ({ page }) => {
  const session = await createSessionViaApi({ name: 'Ida' });
  await page.goto(`/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await expectConnected(page);
  await expect(participantList(page)).toContainText('Interviewer');
  await expect(page).not.toHaveURL(/token=/);

  await page.reload();
  await expectConnected(page);
  await expect(participantItems(page).filter({ hasText: 'Ida (you)' })).toContainText('Interviewer');
});
