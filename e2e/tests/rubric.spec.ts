import { expect, test } from '@playwright/test';
import type { Rubric, TeamRubricResponse } from '@pairpad/protocol';
import { expectNoAxeViolations } from '../support/axe';
import { BACKEND_URL, MEMBER_STATE_PATH } from '../support/env';
import { memberCredentials } from '../support/member';
import { createSessionViaApi } from '../support/room';

test.use({ storageState: MEMBER_STATE_PATH });

async function teamRubric(): Promise<TeamRubricResponse> {
  const response = await fetch(`${BACKEND_URL}/api/team/rubric`, { headers: { Cookie: memberCredentials().cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as TeamRubricResponse;
}

async function putTeamRubric(rubric: Rubric): Promise<void> {
  const { cookie, csrfToken } = memberCredentials();
  const response = await fetch(`${BACKEND_URL}/api/team/rubric`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify(rubric),
  });
  expect(response.status).toBe(200);
}

test('an admin edits the team rubric: an incomplete criterion is refused in words, a complete one is saved, kept and scored on', async ({
  page,
}) => {
  const before = await teamRubric();
  try {
    await page.goto('/rubric');
    await expect(page.getByRole('heading', { name: 'Rubric', level: 1 })).toBeVisible();
    const criteria = page.getByRole('listitem').filter({ has: page.getByRole('group', { name: 'What each score means' }) });
    await expect(criteria).toHaveCount(before.rubric.criteria.length);
    await expectNoAxeViolations(page, 'the rubric editor');

    await page.getByRole('button', { name: 'Add criterion' }).click();
    const added = before.rubric.criteria.length + 1;
    await page.getByLabel(`Criterion ${added}`, { exact: true }).fill('System design');
    await expect(page.getByRole('status')).toHaveText('Unsaved changes');
    await page.getByRole('button', { name: 'Save rubric' }).click();
    // Nothing was sent: the anchors are missing, and the form says which.
    await expect(page.getByRole('alert').filter({ hasText: `Criterion ${added}: the anchor for 1` })).toBeVisible();
    expect((await teamRubric()).rubric).toEqual(before.rubric);

    const anchors = [
      'Did not structure the system.',
      'Named the parts.',
      'Reasoned about the trade-offs.',
      'Designed for scale and failure.',
    ];
    for (const [index, text] of anchors.entries()) await page.getByLabel(`${index + 1} for System design`).fill(text);
    await page.getByLabel('Description of System design').fill('Breaks a system into parts and weighs trade-offs.');
    await page.getByRole('button', { name: 'Move System design up' }).click();
    await page.getByRole('button', { name: 'Save rubric' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved');

    const saved = await teamRubric();
    expect(saved.isDefault).toBe(false);
    expect(saved.rubric.criteria.map((criterion) => criterion.name).at(-2)).toBe('System design');
    expect(saved.rubric.criteria.find((criterion) => criterion.name === 'System design')).toMatchObject({
      id: 'system-design',
      anchors: { 1: anchors[0], 2: anchors[1], 3: anchors[2], 4: anchors[3] },
    });

    await page.reload();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: test.info().outputPath('rubric-1366x768.png'), fullPage: false });
    await expect(page.getByLabel(`Criterion ${added - 1}`, { exact: true })).toHaveValue('System design');

    // A new interview without a question is scored on it.
    const session = await createSessionViaApi({ title: 'Scored on the team rubric' });
    const mine = await fetch(`${BACKEND_URL}/api/interviews/${session.id}/scorecards/mine`, {
      headers: { Cookie: memberCredentials().cookie },
    });
    expect(mine.status).toBe(200);
    const { rubric } = (await mine.json()) as { rubric: { rubric: Rubric; source: { kind: string } } };
    expect(rubric.source.kind).toBe('team');
    expect(rubric.rubric.criteria.map((criterion) => criterion.id)).toContain('system-design');
  } finally {
    await putTeamRubric(before.rubric);
  }
});
