import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openNewInterview } from '../support/dashboard';
import { memberContext } from '../support/member';
import { createSessionViaApi, expectConnected, joinRoom, openRoomTab, replaceCode } from '../support/room';
import { editorCode } from '../support/editor';

const SOLUTION = [
  'import sys',
  'lines = sys.stdin.read().split("\\n")',
  'nums = [int(x) for x in lines[0].split()]',
  'target = int(lines[1])',
  'seen = {}',
  'for j, x in enumerate(nums):',
  '    if target - x in seen:',
  '        print(seen[target - x], j)',
  '        break',
  '    seen.setdefault(x, j)',
  '',
].join('\n');
const WRONG = 'print("0 1")\n';

const SHOTS = process.env.E2E_SCREENSHOTS_DIR;

/** With E2E_SCREENSHOTS_DIR set, a picture of the page at this step. */
async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `questions-${name}.png`) });
}

function tests(page: Page) {
  return page.getByRole('table', { name: 'Test results' });
}

/** Every case's verdict as the page shows it, in order. */
async function verdicts(page: Page): Promise<string[]> {
  return tests(page)
    .getByTestId('test-case')
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-case') ?? ''}: ${row.getAttribute('data-verdict') ?? ''}`));
}

test('the interviewer creates a session from a question; the candidate sees it, runs the tests, and both see the same table, the diff, and the report', async ({
  browser,
}) => {
  const interviewer = await (await memberContext(browser)).newPage();
  const form = await openNewInterview(interviewer);
  await form.getByLabel('Your name').fill('Ivy');
  await interviewer.getByRole('button', { name: 'Choose a question…' }).click();
  const picker = interviewer.getByRole('dialog', { name: 'Choose a question' });
  await picker.getByRole('searchbox', { name: 'Question' }).fill('hash-map');
  await picker.getByRole('button', { name: /Two Sum/ }).click();
  await expect(picker.getByRole('region', { name: 'Question preview' })).toContainText('return the indices of the two numbers');
  await shot(interviewer, 'home-picker');
  await picker.getByRole('button', { name: 'Use this question' }).click();
  await expect(interviewer.getByTestId('chosen-question')).toContainText('Two Sum');
  await interviewer.getByRole('button', { name: 'Create session' }).click();
  await interviewer.getByRole('link', { name: 'Open the room' }).click();
  await interviewer.waitForURL(/\/interview\/[0-9a-f-]{36}/);
  await expectConnected(interviewer);
  const starter = await editorCode(interviewer);
  expect(starter).toContain('def two_sum(nums: list[int], target: int)');
  await expect(interviewer.getByTestId('question-title')).toHaveText('Two Sum');

  const candidate = await (await browser.newContext()).newPage();
  await joinRoom(candidate, `${interviewer.url().replace(/\?.*$/, '')}?name=Cara`);
  // The description is Markdown, rendered: **Input** becomes bold text.
  await expect(candidate.getByTestId('question-description')).toContainText('Given a list of integers');
  await expect(candidate.getByTestId('question-description').locator('strong', { hasText: 'Input' })).toBeVisible();
  await expect.poll(() => editorCode(candidate)).toBe(starter);
  await expect(candidate.getByText('5 test cases, 2 of them hidden.')).toBeVisible();

  // A wrong answer first, run with the shortcut: the visible failing case shows the difference.
  await replaceCode(candidate, WRONG);
  await expect.poll(() => editorCode(interviewer)).toBe(WRONG);
  await candidate.keyboard.press('ControlOrMeta+Shift+Enter');
  for (const page of [candidate, interviewer]) {
    await expect(page.getByTestId('test-summary')).toHaveText('2 / 5 passed', { timeout: 30_000 });
  }
  expect(await verdicts(interviewer)).toEqual([
    'example: passed',
    'answer at the end: failed',
    'same value twice: passed',
    'negative numbers: failed',
    'large input: failed',
  ]);
  // Hidden cases are anonymous to the candidate: their place, never their name (it would give the edge case away).
  expect(await verdicts(candidate)).toEqual([
    'example: passed',
    'answer at the end: failed',
    'same value twice: passed',
    'hidden case 4: failed',
    'hidden case 5: failed',
  ]);
  const diff = candidate.getByTestId('test-diff');
  await expect(diff).toHaveCount(1);
  await expect(diff.locator('[data-diff="missing"]')).toHaveText('− 1 2');
  await expect(diff.locator('[data-diff="extra"]')).toHaveText('+ 0 1');
  await expect(diff.locator('mark').first()).toHaveText('1 2');
  await shot(candidate, 'candidate-wrong-answer');
  await shot(interviewer, 'interviewer-wrong-answer');
  // Hidden cases: the candidate's row says failed and nothing more; the interviewer sees why.
  await expect(tests(candidate).getByRole('row', { name: /hidden case 4/ })).not.toContainText('Wrong answer');
  await expect(tests(interviewer).getByRole('row', { name: /negative numbers/ })).toContainText('Wrong answer');
  await expect(candidate.getByText('-1 -2 -3 -4 -5')).toHaveCount(0);
  await expect(candidate.getByText(/negative numbers|large input/)).toHaveCount(0);

  // The right answer, with the button.
  await replaceCode(candidate, SOLUTION);
  await candidate.getByRole('button', { name: 'Run tests' }).click();
  for (const page of [candidate, interviewer]) {
    await expect(page.getByTestId('test-summary')).toHaveText('5 / 5 passed', { timeout: 30_000 });
  }
  expect((await verdicts(candidate)).map((row) => row.split(': ')[1])).toEqual(
    (await verdicts(interviewer)).map((row) => row.split(': ')[1]),
  );
  await expect(candidate.getByTestId('test-diff')).toHaveCount(0);

  const roomUrl = interviewer.url().replace(/\?.*$/, '');
  await interviewer.goto(`${roomUrl}/playback`);
  const events = interviewer.getByRole('list', { name: 'Events so far' });
  await expect(events).toContainText('loaded the question "Two Sum" (5 test cases)');
  await expect(events).toContainText('Tests run by Cara: 2 / 5 passed');
  await expect(events).toContainText('Tests run by Cara: 5 / 5 passed');
  // Test runs are runs: playback's Runs panel lists them (it said "No runs yet").
  await interviewer.getByRole('slider', { name: 'Position' }).press('End');
  const runs = interviewer.getByRole('list', { name: 'Runs so far' });
  await expect(runs.getByTestId('playback-test-run')).toHaveText(
    ['Cara: tests, 2 / 5 passed', 'Cara: tests, 5 / 5 passed'].map((text) => new RegExp(text)),
  );
  await expect(interviewer.getByRole('heading', { name: /^Runs/ })).toContainText('2');

  await interviewer.goto(`${roomUrl}/report`);
  await expect(interviewer.getByTestId('report-question')).toContainText('Two Sum');
  await expect(interviewer.getByTestId('report-test-summary')).toHaveText(['2 / 5 passed', '5 / 5 passed']);
  // The report counts them too (it said "Runs 0").
  await expect(interviewer.getByTestId('report-run-count')).toHaveText('2 (0 program runs, 2 test runs)');
  await expect(interviewer.getByRole('list', { name: 'Test runs' })).toContainText('negative numbers (hidden)');
  await interviewer.getByRole('heading', { name: 'Test runs' }).scrollIntoViewIfNeeded();
  await shot(interviewer, 'report');
});

test('in the room, the interviewer loads a question over typed code (asked, undoable) and adds a test case the candidate sees', async ({
  browser,
}) => {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python' });
  const interviewer = await (await browser.newContext()).newPage();
  const candidate = await (await browser.newContext()).newPage();
  await joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`);
  await joinRoom(candidate, `/interview/${session.id}?name=Cara`);
  await Promise.all([expectConnected(interviewer), expectConnected(candidate)]);
  // Candidates get no question controls.
  await expect(candidate.getByRole('button', { name: 'Choose question' })).toHaveCount(0);

  const typed = 'print("my own work")\n';
  await replaceCode(interviewer, typed);
  await openRoomTab(interviewer, 'Question');
  await interviewer.getByRole('button', { name: 'Choose question' }).click();
  const picker = interviewer.getByRole('dialog', { name: 'Choose a question' });
  await picker.getByRole('searchbox', { name: 'Question' }).fill('fizz');
  await picker.getByRole('button', { name: /FizzBuzz/ }).click();
  await picker.getByRole('button', { name: 'Load into the room' }).click();
  await expect(candidate.getByTestId('question-title')).toHaveText(/FizzBuzz/);

  // Typed code is never replaced without asking.
  const ask = interviewer.getByRole('group', { name: 'Replace the code with the starter' });
  await expect(ask).toBeVisible();
  await shot(interviewer, 'replace-asked');
  expect(await editorCode(interviewer)).toBe(typed);
  await ask.getByRole('button', { name: 'Replace the code' }).click();
  await expect.poll(() => editorCode(candidate)).not.toBe(typed);
  const starter = await editorCode(interviewer);
  // The replacement is one transaction of the interviewer's own: Ctrl+Z in the editor reverts it.
  await interviewer.locator('.cm-content').click();
  await interviewer.keyboard.press('ControlOrMeta+z');
  await expect.poll(() => editorCode(candidate)).toBe(typed);
  // The starter stays on offer; the "Undo" button reverts it too.
  const loadStarter = async () => {
    await interviewer.getByRole('button', { name: 'Load the Python starter' }).click();
    await interviewer
      .getByRole('group', { name: 'Replace the code with the starter' })
      .getByRole('button', { name: 'Replace the code' })
      .click();
    await expect.poll(() => editorCode(candidate)).toBe(starter);
  };
  await loadStarter();
  await interviewer.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => editorCode(candidate)).toBe(typed);
  await loadStarter();

  // Switching language offers that language's starter.
  await candidate.getByRole('combobox', { name: 'Language' }).selectOption('javascript');
  await candidate.getByRole('button', { name: 'Load the JavaScript starter' }).click();
  await expect.poll(() => editorCode(interviewer)).toContain("require('fs')");
  await candidate.getByRole('combobox', { name: 'Language' }).selectOption('python');
  await candidate.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => editorCode(interviewer)).toBe(starter);

  const badge = (page: Page) => page.getByTestId('test-case-count');
  const before = Number(await badge(interviewer).textContent());
  expect(before).toBeGreaterThan(0);
  await interviewer.getByRole('button', { name: 'Edit question' }).click();
  const editorDialog = interviewer.getByRole('dialog', { name: 'Edit the question' });
  // The description is Markdown: HTML in it is shown as text, a javascript: link is dropped.
  await editorDialog
    .getByLabel('Description')
    .fill('Count **up**. <img src=x onerror="window.pwned=1"><b id="injected">bold</b> [trap](javascript:window.pwned=1)');
  await editorDialog.getByRole('button', { name: 'Add test case' }).click();
  const added = editorDialog.getByRole('group').last();
  await added.getByLabel('Name').fill('added in the room');
  await added.getByLabel('Input').fill('1\n');
  await added.getByLabel('Expected output').fill('1\n');
  await shot(interviewer, 'editor');
  await editorDialog.getByRole('button', { name: 'Save question' }).click();
  await expect(editorDialog).toHaveCount(0);
  const description = candidate.getByTestId('question-description');
  await expect(description.locator('strong')).toHaveText('up');
  await expect(description).toContainText('<b id="injected">bold</b>');
  await expect(candidate.locator('#injected')).toHaveCount(0);
  await expect(description.locator('img')).toHaveCount(0);
  await expect(description.locator('a[href^="javascript"]')).toHaveCount(0);
  expect(await candidate.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(badge(candidate)).toHaveText(String(before + 1));
  await openRoomTab(candidate, 'Tests');
  await candidate.getByRole('button', { name: 'Run tests' }).click();
  const row = tests(candidate).locator('[data-case="added in the room"]');
  await expect(row).toHaveAttribute('data-verdict', /passed|failed/, { timeout: 30_000 });
});
