import { expect, test } from '@playwright/test';
import { MEMBER_STATE_PATH } from '../support/env';
import { createSessionViaApi } from '../support/room';

test.use({ storageState: MEMBER_STATE_PATH });

test('the dashboard keeps its filters in the address: a shared link opens filtered, a change is written back, nonsense falls back to defaults', async ({
  page,
}) => {
  const title = `Address filter ${Date.now()}`;
  await createSessionViaApi({ title });

  await page.goto(`/dashboard?scope=team&status=upcoming&q=${encodeURIComponent(title)}&from=2026-01-01`);
  await expect(page.getByRole('tab', { name: 'Team' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Status')).toHaveValue('upcoming');
  await expect(page.getByLabel('Search')).toHaveValue(title);
  await expect(page.getByLabel('From')).toHaveValue('2026-01-01');
  await expect(page.getByRole('row').filter({ hasText: title })).toHaveCount(1);

  await page.getByLabel('Status').selectOption('ended');
  await expect(page).toHaveURL(/status=ended/);
  await expect(page.getByText('No interview matches these filters.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('ended');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/dashboard\?scope=team$/);

  // A hand-edited address: every unknown value is dropped, the page still lists.
  await page.goto('/dashboard?scope=everyone&status=nope&recommendation=maybe&from=2026-02-31&to=yesterday');
  await expect(page.getByRole('tab', { name: 'My interviews' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Status')).toHaveValue('');
  await expect(page.getByLabel('Recommendation')).toHaveValue('');
  await expect(page.getByLabel('From')).toHaveValue('');
  await expect(page.getByRole('row').filter({ hasText: title })).toHaveCount(1);
  await expect(page).toHaveURL(/\/dashboard$/);
});
