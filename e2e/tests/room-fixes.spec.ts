import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { editor, joinRoom, output, participantItems, replaceCode } from '../support/room';

/**
 * What a new user tripped on in the room (issue 24, point 4), one behaviour per test. The name in
 * the address bar is in join.spec.ts, a stop in console.spec.ts, hidden cases and run counts in
 * questions.spec.ts.
 */

test('a path with a malformed percent-escape shows the site’s own page with status 400, not a bare 500', async ({ page }) => {
  for (const path of ['/interview/%ff', '/interview/%ff/report', '/interview/%E2%82/playback']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(400);
    await expect(page.getByRole('heading', { name: 'This address is not valid' })).toBeVisible();
    await expect(page.getByText('Internal Server Error')).toHaveCount(0);
  }
  await page.getByRole('link', { name: 'Go to PairPad' }).click();
  await expect(page).not.toHaveURL(/%E2|%ff/);
});

test('two people with one name are told apart, in the participants list and on the cursor tag', async ({ room, browser }) => {
  const { interviewer, candidate, session } = room;
  // A second "Ivy", a candidate in another browser: not the interviewer's tabs, another person.
  const context = await browser.newContext();
  const twin = await context.newPage();
  await joinRoom(twin, `/interview/${session.id}`, 'Ivy');
  for (const page of [interviewer, candidate, twin]) {
    const items = participantItems(page);
    await expect(items).toHaveCount(3);
    await expect(items.filter({ hasText: 'Interviewer' })).toContainText(/Ivy(?! \(2\))/);
    await expect(items.filter({ hasText: 'Candidate' }).filter({ hasText: 'Ivy' })).toContainText('Ivy (2)');
  }
  await expect(participantItems(twin).filter({ hasText: 'Ivy (2)' })).toContainText('(you)');

  // The twin's cursor in the others' editors carries the same label.
  await editor(twin).click();
  await twin.keyboard.press('ControlOrMeta+End');
  for (const page of [interviewer, candidate]) {
    await expect(page.locator('.cm-ySelectionInfo', { hasText: 'Ivy (2)' })).toBeAttached();
  }
  await editor(interviewer).click();
  await expect(twin.locator('.cm-ySelectionInfo', { hasText: /^Ivy$/ })).toBeAttached();
  await context.close();
});

/** The room's Input box (the shared stdin textarea), by its label. */
function inputBox(page: Page) {
  return page.getByLabel('Input', { exact: true });
}

test('one visible place for stdin: the Input box says its rule, and steps aside for the console while a program reads it', async ({
  room,
}) => {
  const { interviewer, candidate } = room;
  await expect(inputBox(candidate)).toBeVisible();
  await expect(candidate.getByTestId('stdin-rule')).toHaveText(
    'Given to the program when Run starts. Leave it empty to type input in the console while the program runs.',
  );
  await expect(inputBox(candidate)).toHaveAccessibleDescription(/Leave it empty to type input in the console/);

  await replaceCode(candidate, 'name = input("Name? ")\nprint(f"Hi {name}")\n');
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [candidate, interviewer]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Running…', { timeout: 20_000 });
    // While the program reads the console, the console is the one place to type.
    await expect(inputBox(page)).toHaveCount(0);
    await expect(page.getByTestId('stdin-rule')).toHaveText('The program reads the console now: type its input there, under the output.');
  }
  const line = candidate.getByLabel('Console input');
  await expect(line).toHaveAttribute('placeholder', 'Type input here while the program runs (Enter sends)');
  await line.fill('Cara');
  await line.press('Enter');
  for (const page of [candidate, interviewer]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 20_000 });
    await expect(inputBox(page)).toBeVisible();
  }
});
