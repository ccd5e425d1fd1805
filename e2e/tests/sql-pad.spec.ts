import { expect, test, type Page } from '@playwright/test';
import { editorCode } from '../support/editor';
import { createSessionViaApi, expectConnected, joinRoom, openRoomTab, output, replaceCode } from '../support/room';

// "Write this query against our schema": a SQL question (questions/top-customers.md) with a schema,
// seed data and test cases that compare result sets, in SQLite, for two people in Chromium.

const SOLUTION = [
  'SELECT c.name, SUM(o.total) AS spent',
  'FROM customers c',
  'JOIN orders o ON o.customer_id = c.id',
  'GROUP BY c.id',
  'HAVING spent > 100',
  'ORDER BY spent DESC;',
  '',
].join('\n');
// Right rows, wrong order and one too many (Ken spent exactly 100).
const WRONG =
  'SELECT c.name, SUM(o.total) AS spent FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING spent >= 100 ORDER BY c.name;\n';

async function verdicts(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'Test results' })
    .getByTestId('test-case')
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-case') ?? ''}: ${row.getAttribute('data-verdict') ?? ''}`));
}

test('a SQL pad: both see the schema, a run prints the seeded result set as a table on both pages, and tests compare result sets', async ({
  browser,
}) => {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'sqlite3', title: 'Top customers', questionId: 'top-customers' });
  const interviewer = await (await browser.newContext()).newPage();
  const candidate = await (await browser.newContext()).newPage();
  await joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`);
  await joinRoom(candidate, `/interview/${session.id}?name=Cara`);
  await Promise.all([expectConnected(interviewer), expectConnected(candidate)]);
  await expect(candidate.getByRole('combobox', { name: 'Language' })).toHaveValue('sqlite3');
  expect(await editorCode(candidate)).toContain('SELECT name FROM customers;');

  // The schema and its seed data are part of the question both read.
  for (const page of [candidate, interviewer]) {
    await openRoomTab(page, 'Question');
    const database = page.getByTestId('question-database');
    await database.getByText(/every run starts from this schema and data/).click();
    await expect(database).toContainText('CREATE TABLE orders');
    await expect(database).toContainText("(5, 'Ken', 'US')");
  }

  // The starter runs against a freshly seeded database: its result set, drawn as a table, on both pages.
  await candidate.locator('.cm-content').click();
  await candidate.keyboard.press('ControlOrMeta+Enter');
  for (const page of [candidate, interviewer]) {
    await expect(output(page)).toContainText('│ Margaret │', { timeout: 30_000 });
    await expect(output(page)).toContainText('│ Ken      │');
  }

  // A wrong query: the unordered case still fails (one row too many), and so does the ordered one.
  await replaceCode(candidate, WRONG);
  await expect.poll(() => editorCode(interviewer)).toBe(WRONG);
  await candidate.keyboard.press('ControlOrMeta+Shift+Enter');
  for (const page of [candidate, interviewer]) {
    await expect(page.getByTestId('test-summary')).toHaveText('0 / 3 passed', { timeout: 30_000 });
  }
  expect(await verdicts(candidate)).toEqual([
    'who spent more than 100, any order: failed',
    'biggest spender first, as a table: failed',
    'hidden case 3: failed',
  ]);

  // The right rows in another order pass the unordered case only; the full answer passes all three.
  const unorderedOnly = SOLUTION.replace('ORDER BY spent DESC', 'ORDER BY c.name');
  await replaceCode(candidate, unorderedOnly);
  await candidate.getByRole('button', { name: 'Run tests' }).click();
  for (const page of [candidate, interviewer]) {
    await expect(page.getByTestId('test-summary')).toHaveText('1 / 3 passed', { timeout: 30_000 });
  }
  expect(await verdicts(interviewer)).toEqual([
    'who spent more than 100, any order: passed',
    'biggest spender first, as a table: failed',
    'the same rows as JSON, in order: failed',
  ]);

  await replaceCode(candidate, SOLUTION);
  await candidate.getByRole('button', { name: 'Run tests' }).click();
  for (const page of [candidate, interviewer]) {
    await expect(page.getByTestId('test-summary')).toHaveText('3 / 3 passed', { timeout: 30_000 });
  }
  // A hidden case never shows its expected rows to the candidate.
  await expect(candidate.getByText('{"name":"Grace","spent":300}')).toHaveCount(0);
});
