import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the dashboard's "New interview" dialog (the create form) as the signed-in member. */
export async function openNewInterview(page: Page): Promise<Locator> {
  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'New interview' }).click();
  const dialog = page.getByRole('dialog', { name: 'New interview' });
  await expect(dialog).toBeVisible();
  return dialog;
}

export interface NewInterviewFields {
  name?: string;
  language?: string;
  title?: string;
  candidateName?: string;
}

/** Fills and submits the create form; resolves once the dialog shows the links to hand out. */
export async function createInterview(page: Page, fields: NewInterviewFields): Promise<Locator> {
  const dialog = await openNewInterview(page);
  if (fields.name !== undefined) await dialog.getByLabel('Your name').fill(fields.name);
  if (fields.language) await dialog.getByLabel('Starting language').selectOption(fields.language);
  if (fields.title) await dialog.getByLabel('Title').fill(fields.title);
  if (fields.candidateName) await dialog.getByLabel('Candidate name').fill(fields.candidateName);
  await dialog.getByRole('button', { name: 'Create session' }).click();
  const created = page.getByRole('dialog', { name: 'Interview created' });
  await expect(created.getByRole('textbox', { name: 'Candidate link' })).toHaveValue(/\/interview\/[0-9a-f-]{36}$/);
  return created;
}
