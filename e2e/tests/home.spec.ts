import { expect, test } from '@playwright/test';

test('the create form checks the name before calling the server', async ({ page }) => {
  let requests = 0;
  await page.route('**/api/sessions', async (route) => {
    requests += 1;
    await route.continue();
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByText('Your name must not be empty.')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveAttribute('aria-invalid', 'true');
  expect(requests).toBe(0);
});

test('an unreachable backend is reported in words', async ({ page }) => {
  await page.route('**/api/sessions', (route) => route.abort('connectionrefused'));
  await page.goto('/');
  await page.getByLabel('Your name').fill('Grace');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot reach the PairPad server' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
});

test('a refusal from the backend shows its message', async ({ page }) => {
  await page.route('**/api/sessions', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many sessions created; try again in a minute.' } }),
    }),
  );
  await page.goto('/');
  await page.getByLabel('Your name').fill('Grace');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Too many sessions' })).toHaveText('Too many sessions created; try again in a minute.');
});
