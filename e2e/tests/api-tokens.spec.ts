import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from '../support/axe';
import { BACKEND_URL, MEMBER_STATE_PATH } from '../support/env';

test.use({ storageState: MEMBER_STATE_PATH });

const listInterviews = (token: string) =>
  fetch(`${BACKEND_URL}/api/v1/interviews?limit=1`, { headers: { authorization: `Bearer ${token}` } });

test('a member creates an API token (its secret shown once, it works), then revokes it (it stops working)', async ({ page }) => {
  await page.goto('/tokens');
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await page.getByLabel('Name').fill('E2E sync');
  await page.getByLabel('Access').selectOption('read-write');
  await page.getByRole('button', { name: 'Create token' }).click();

  const created = page.getByTestId('token-created');
  await expect(created).toContainText('shown only this once');
  const secret = await created.getByRole('textbox', { name: 'Token' }).inputValue();
  expect(secret).toMatch(/^ppk_[A-Za-z0-9_-]{43}$/);
  expect((await listInterviews(secret)).status).toBe(200);

  const row = page.getByRole('row').filter({ hasText: 'E2E sync' });
  await expect(row).toContainText('Read and write');
  await expect(row).toContainText(secret.slice(0, 12));
  await expectNoAxeViolations(page, 'API tokens page with a new token');

  // Shown once: after a reload the page holds only the prefix, never the secret.
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: 'E2E sync' })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByTestId('token-created')).toHaveCount(0);

  await page.getByRole('button', { name: 'Revoke E2E sync' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'E2E sync' })).toContainText('Revoked');
  const refused = await listInterviews(secret);
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('API_TOKEN_INVALID');
});
