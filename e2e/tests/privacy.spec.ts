import { expect, test } from '@playwright/test';
import type { ListInterviewsResponse } from '@pairpad/protocol';
import { expectNoAxeViolations } from '../support/axe';
import { BACKEND_URL, MEMBER_STATE_PATH } from '../support/env';
import { memberCredentials } from '../support/member';
import { createSessionViaApi } from '../support/room';

test.use({ storageState: MEMBER_STATE_PATH });

async function teamInterviewIds(): Promise<string[]> {
  const response = await fetch(`${BACKEND_URL}/api/interviews?scope=team&limit=100`, { headers: { Cookie: memberCredentials().cookie } });
  return ((await response.json()) as ListInterviewsResponse).items.map((item) => item.id);
}

test('an admin erases a candidate: their interviews are counted first, erased after a confirmation, and only theirs', async ({ page }) => {
  const email = `forget-me-${Date.now()}@candidates.test`;
  const theirs = [
    await createSessionViaApi({ title: 'Erase me 1', candidateName: 'Rae Forget', candidateEmail: email }),
    await createSessionViaApi({ title: 'Erase me 2', candidateName: 'Rae Forget', candidateEmail: email.toUpperCase() }),
  ];
  const kept = await createSessionViaApi({ title: 'Keep me', candidateName: 'Rae Keep', candidateEmail: `keep-${email}` });

  await page.goto('/privacy');
  await expect(page.getByRole('heading', { name: 'Candidate data', level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, 'the candidate data page');

  await page.getByRole('button', { name: 'Find interviews' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Enter the candidate’s email.' })).toBeVisible();

  await page.getByLabel('Candidate’s email').fill(email);
  await page.getByRole('button', { name: 'Find interviews' }).click();
  const dialog = page.getByRole('dialog', { name: 'Erase this candidate’s interviews?' });
  await expect(dialog).toContainText(`2 interviews with a candidate with the email ${email}`);
  // Counting erased nothing; Cancel keeps everything.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await teamInterviewIds()).toEqual(expect.arrayContaining([...theirs.map((s) => s.id), kept.id]));

  await page.getByRole('button', { name: 'Find interviews' }).click();
  await dialog.getByRole('button', { name: 'Erase 2 interviews' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Erased 2 interviews' })).toBeVisible();
  const left = await teamInterviewIds();
  for (const session of theirs) expect(left).not.toContain(session.id);
  expect(left).toContain(kept.id);

  await page.getByLabel('Exact name').check();
  await page.getByLabel('Candidate’s name').fill('Nobody Here');
  await page.getByRole('button', { name: 'Find interviews' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'No kept interview has a candidate named “Nobody Here”.' })).toBeVisible();
});
