import { expect, test, type Browser, type Page } from '@playwright/test';
import { createSessionViaApi, editor, output, replaceCode, joinRoom } from '../support/room';
import { editorCode } from '../support/editor';

/** The interviewer and the candidate in two separate browser contexts, both connected. */
async function openRoom(browser: Browser, language: string): Promise<{ interviewer: Page; candidate: Page }> {
  const session = await createSessionViaApi({ name: 'Ivy', language });
  const interviewer = await (await browser.newContext()).newPage();
  const candidate = await (await browser.newContext()).newPage();
  await Promise.all([
    joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`),
    joinRoom(candidate, `/interview/${session.id}?name=Cara`),
  ]);
  return { interviewer, candidate };
}

test('the interviewer writes a stdin program, the candidate types the input and presses Ctrl+Enter: both see the same output', async ({
  browser,
}) => {
  const { interviewer, candidate } = await openRoom(browser, 'python');
  const program = 'name = input()\nprint(f"Hello, {name}!")\nprint("done", flush=True)\n';
  await replaceCode(interviewer, program);
  await expect.poll(() => editorCode(candidate)).toBe(program);

  // The input is shared: the candidate types it, the interviewer's box shows it.
  await candidate.getByLabel('Input', { exact: true }).fill('Ada Lovelace');
  await expect(interviewer.getByLabel('Input', { exact: true })).toHaveValue('Ada Lovelace');

  // Ctrl+Enter from the input box runs the room's code.
  await candidate.getByLabel('Input', { exact: true }).press('Control+Enter');
  for (const page of [interviewer, candidate]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 20_000 });
    await expect(output(page).locator('[data-stream="stdout"] pre')).toHaveText('Hello, Ada Lovelace!\ndone\n');
    await expect(output(page).getByTestId('run-meta')).toContainText('Run by Cara');
    await expect(output(page).getByTestId('run-facts')).toContainText(/exit code 0 · wall \d+ ms/);
  }

  // Ctrl+Enter inside the editor runs too (and does not insert a line).
  await editor(interviewer).click();
  await interviewer.keyboard.press('Control+Enter');
  await expect(interviewer.getByText('Recent runs (2)')).toBeVisible({ timeout: 20_000 });
  await expect(candidate.getByText('Recent runs (2)')).toBeVisible();
  await expect(output(candidate).getByTestId('run-meta')).toContainText('Run by Ivy');
  await expect(output(candidate).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 20_000 });
  expect(await editorCode(interviewer)).toBe(program);

  // Output is text, never HTML.
  await replaceCode(interviewer, 'import sys\nprint("<b id=\\"injected\\">bold</b>")\nprint("oops", file=sys.stderr)\n');
  await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [interviewer, candidate]) {
    await expect(output(page).locator('[data-stream="stdout"] pre')).toHaveText('<b id="injected">bold</b>\n', { timeout: 20_000 });
    await expect(output(page).locator('[data-stream="stderr"] pre')).toHaveText('oops\n');
    await expect(page.locator('#injected')).toHaveCount(0);
  }
  // A late joiner sees the room's runs.
  const late = await (await browser.newContext()).newPage();
  await joinRoom(late, interviewer.url().replace(/\?.*$/, '') + '?name=Lee');
  await expect(late.getByText('Recent runs (3)')).toBeVisible();
  await expect(output(late).locator('[data-stream="stdout"] pre')).toHaveText('<b id="injected">bold</b>\n');
});

test('a C compile error shows the compiler message on both pages', async ({ browser }) => {
  const { interviewer, candidate } = await openRoom(browser, 'c');
  await replaceCode(interviewer, '#include <stdio.h>\n\nint main(void) {\n    printf("%d\\n", missing);\n    return 0;\n}\n');
  await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [interviewer, candidate]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Compile error', { timeout: 30_000 });
    const compiler = output(page).getByRole('region', { name: 'Compiler output' });
    // gcc quotes with ‘’ in a UTF-8 locale and '' otherwise.
    await expect(compiler).toContainText(/.missing. undeclared/);
  }
});

test('an infinite loop shows "Time limit exceeded" on both pages, with time ticking meanwhile', async ({ browser }) => {
  const { interviewer, candidate } = await openRoom(browser, 'python');
  await replaceCode(interviewer, 'while True:\n    pass\n');
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Running…');
  await expect(output(interviewer).getByTestId('run-meta')).toContainText('Run by Cara');
  const first = await output(interviewer).getByTestId('run-elapsed').textContent();
  await expect(output(interviewer).getByTestId('run-elapsed')).not.toHaveText(first ?? '');
  for (const page of [interviewer, candidate]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Time limit exceeded', { timeout: 30_000 });
  }
});
