import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';

test('an unknown session id says the session does not exist or has expired', async ({ page }) => {
  await page.goto(`/interview/${randomUUID()}?name=Alice`);
  await expect(page.getByRole('heading', { name: 'This session does not exist or has expired' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start a new session' })).toHaveAttribute('href', '/');
  // No room UI and no name prompt for a session that is not there.
  await expect(page.locator('.cm-content')).toHaveCount(0);
  await expect(page.getByLabel('Your name')).toHaveCount(0);
});

test('a malformed session id gets the same message', async ({ page }) => {
  await page.goto('/interview/not-a-session');
  await expect(page.getByRole('heading', { name: 'This session does not exist or has expired' })).toBeVisible();
});
