import { expect, test } from '@playwright/test';
import { openNewInterview } from '../support/dashboard';
import { MEMBER_STATE_PATH } from '../support/env';

test('a signed-out visitor of / is sent to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test.describe('signed in', () => {
  test.use({ storageState: MEMBER_STATE_PATH });

  test('a member visiting / lands on the dashboard', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('link', { name: 'Dashboard', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });

  test('the create form checks the name before calling the server', async ({ page }) => {
    let requests = 0;
    await page.route('**/api/sessions', async (route) => {
      requests += 1;
      await route.continue();
    });
    const dialog = await openNewInterview(page);
    await dialog.getByLabel('Your name').fill('');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    await expect(dialog.getByText('Your name must not be empty.')).toBeVisible();
    await expect(dialog.getByLabel('Your name')).toHaveAttribute('aria-invalid', 'true');
    expect(requests).toBe(0);
  });

  test('an unreachable backend is reported in words', async ({ page }) => {
    await page.route('**/api/sessions', (route) => route.abort('connectionrefused'));
    const dialog = await openNewInterview(page);
    await dialog.getByLabel('Your name').fill('Grace');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'Cannot reach the PairPad server' })).toBeVisible();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test('a refusal from the backend shows its message', async ({ page }) => {
    await page.route('**/api/sessions', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many sessions created; try again in a minute.' } }),
      }),
    );
    const dialog = await openNewInterview(page);
    await dialog.getByLabel('Your name').fill('Grace');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'Too many sessions' })).toHaveText(
      'Too many sessions created; try again in a minute.',
    );
  });
});
