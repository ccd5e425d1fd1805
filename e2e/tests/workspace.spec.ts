import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { expectNoAxeViolations } from '../support/axe';
import { createSessionViaApi, editor, expectConnected, joinRoom, output, replaceCode } from '../support/room';
import { editorCode } from '../support/editor';
import { BACKEND_URL } from '../support/env';
import { memberCredentials } from '../support/member';

/**
 * A room's workspace in two real browsers: a file added on one page shows in both trees, each
 * sees where the other is, a rename moves the file into a folder, a delete is undone, and Run sends
 * every file (a two-file Python program through the real embedded executor).
 */

const tree = (page: Page) => page.getByRole('tree', { name: 'Workspace files' });
const item = (page: Page, name: string | RegExp) => tree(page).getByRole('treeitem', { name });

async function newFile(page: Page, path: string, fromAddFile = false): Promise<void> {
  if (fromAddFile) await page.getByRole('button', { name: 'Add file' }).click();
  else await page.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'New file' }).click();
  await page.getByLabel('New file path').fill(path);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
}

test('two participants: add a file, see each other’s open file, rename into a folder, delete and undo, run a two-file program', async ({
  room,
}) => {
  const { interviewer: ivy, candidate: cara } = room;
  // A single-file room shows no tree, only the unobtrusive "Add file".
  await expect(tree(ivy)).toHaveCount(0);

  await newFile(cara, 'util.py', true);
  for (const page of [ivy, cara]) await expect(item(page, /^util\.py/)).toBeVisible();
  // The new file is open on Cara's page; she writes it.
  await expect(cara.getByRole('tab', { name: /^util\.py/, selected: true })).toBeVisible();
  await replaceCode(cara, 'def greet(name):\n    return "hi " + name\n');
  // Each sees where the other is.
  await expect(ivy.getByText('Cara is in util.py')).toBeVisible();
  await expect(cara.getByText('Ivy is in main.py')).toBeVisible();
  await expect(item(ivy, /^util\.py\W+Cara here/)).toBeVisible();
  await expectNoAxeViolations(ivy, 'the room with its file tree (1366x768)');

  // The interviewer opens it from the tree with the keyboard and sees Cara's text.
  await item(ivy, /^util\.py/).focus();
  await ivy.keyboard.press('Enter');
  await expect.poll(() => editorCode(ivy)).toBe('def greet(name):\n    return "hi " + name\n');
  await expect(cara.getByText('Ivy is in util.py')).toBeVisible();

  // Rename with a folder path moves it.
  await item(cara, /^util\.py/).click();
  await cara.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'Rename util.py' }).click();
  await cara.getByLabel('Rename or move util.py to').fill('helpers/util.py');
  await cara.getByRole('button', { name: 'Rename', exact: true }).click();
  for (const page of [ivy, cara]) {
    await expect(item(page, /^helpers/)).toHaveAttribute('aria-expanded', 'true');
    await expect(item(page, /^util\.py/)).toHaveAttribute('aria-level', '2');
  }

  // Delete, then "Undo delete": the file comes back with its content, on both pages.
  await newFile(cara, 'scratch.py');
  await replaceCode(cara, 'print("scratch")\n');
  await expect(item(ivy, /^scratch\.py/)).toBeVisible();
  await cara.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'Delete scratch.py' }).click();
  for (const page of [ivy, cara]) await expect(item(page, /^scratch\.py/)).toHaveCount(0);
  await cara.getByRole('button', { name: 'Undo delete' }).click();
  for (const page of [ivy, cara]) await expect(item(page, /^scratch\.py/)).toBeVisible();
  await item(ivy, /^scratch\.py/).click();
  await expect.poll(() => editorCode(ivy)).toBe('print("scratch")\n');

  // The entry imports the moved module; Run sends both files.
  await item(ivy, /^main\.py/).click();
  await replaceCode(ivy, 'from helpers.util import greet\nprint(greet("pairpad"))\n');
  await ivy.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [ivy, cara]) {
    await expect(output(page).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 30_000 });
    await expect(output(page).locator('[data-stream="stdout"] pre')).toHaveText('hi pairpad\n');
  }
});

test('a bad path is refused in words before anything changes', async ({ room }) => {
  const { interviewer: ivy, candidate: cara } = room;
  await newFile(cara, '../outside.py', true);
  await expect(cara.getByRole('alert').filter({ hasText: 'has a ".." segment' })).toBeVisible();
  await newFile(cara, 'main.py');
  await expect(cara.getByRole('alert').filter({ hasText: 'There is already a file at "main.py"' })).toBeVisible();
  await expect(tree(ivy)).toHaveCount(0);
});

test('on a tablet (768x1024, touch) the tree sits above the editor: both usable, nothing runs off the screen', async ({ browser }) => {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python' });
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true });
  const cara = await context.newPage();
  await joinRoom(cara, `/interview/${session.id}?name=Cara`);
  await newFile(cara, 'src/util.py', true);
  await expect(item(cara, /^util\.py/)).toBeVisible();
  await expect(editor(cara)).toBeVisible();
  await replaceCode(cara, 'X = 1\n');
  const treeBox = (await tree(cara).boundingBox())!;
  const editorBox = (await editor(cara).boundingBox())!;
  expect(treeBox.y + treeBox.height).toBeLessThanOrEqual(editorBox.y);
  expect(await cara.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expectNoAxeViolations(cara, 'the room with its file tree (768x1024)');
  await context.close();
});

test('the playback shows each file (a file picker) and the report every file’s final content', async ({ room }) => {
  const { interviewer: ivy, candidate: cara, session } = room;
  await newFile(cara, 'src/util.py', true);
  await replaceCode(cara, 'X = 41\n');
  await expect(item(ivy, /^util\.py/)).toBeVisible();

  await ivy.goto(`/interview/${session.id}/playback`);
  const slider = ivy.getByRole('slider', { name: 'Position' });
  await slider.focus();
  await ivy.keyboard.press('End');
  await ivy.getByLabel('File').selectOption('src/util.py');
  await expect(ivy.getByTestId('playback-code')).toHaveText('X = 41\n');
  await ivy.getByLabel('File').selectOption('main.py');
  await expect(ivy.getByTestId('playback-code')).toContainText('Hello, PairPad!');

  await ivy.goto(`/interview/${session.id}/report`);
  await expect(ivy.getByRole('region', { name: 'src/util.py' })).toContainText('X = 41');
  await expect(ivy.getByTestId('report-code')).toContainText('Hello, PairPad!');
});

async function renameTo(page: Page, from: RegExp, fromPath: string, to: string): Promise<void> {
  await item(page, from).click();
  await page
    .getByRole('toolbar', { name: 'Files' })
    .getByRole('button', { name: `Rename ${fromPath}` })
    .click();
  await page.getByLabel(`Rename or move ${fromPath} to`).fill(to);
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
}

test('one renames the file the other has open and is typing in: the tab, the editor (focus) and "is in" follow, nothing typed is lost', async ({
  room,
}) => {
  const { interviewer: ivy, candidate: cara } = room;
  await newFile(cara, 'src/a.py', true);
  await replaceCode(cara, 'A = 1\n');
  await expect(item(ivy, /^a\.py/)).toBeVisible();
  await cara.keyboard.press('ControlOrMeta+End');
  // Cara types on while Ivy renames the folder and then the file.
  const typing = cara.keyboard.type('B = 2\nC = 3\nD = 4\nE = 5\n', { delay: 60 });
  await renameTo(ivy, /^src/, 'src', 'lib');
  await expect(item(ivy, /^lib/)).toBeVisible();
  await renameTo(ivy, /^a\.py/, 'lib/a.py', 'lib/b.py');
  await typing;
  // Her tab is the renamed file, still selected; the editor kept its focus: more typing lands in it.
  await expect(cara.getByRole('tab', { name: /^lib\/b\.py/, selected: true })).toBeVisible();
  await expect(editor(cara)).toBeFocused();
  await cara.keyboard.type('F = 6\n');
  const text = 'A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\n';
  await expect.poll(() => editorCode(cara)).toBe(text);
  await expect(ivy.getByText('Cara is in lib/b.py')).toBeVisible();
  await expect(item(ivy, /^b\.py\W+Cara here/)).toBeVisible();
  await item(ivy, /^b\.py/).click();
  await expect.poll(() => editorCode(ivy)).toBe(text);
});

test('New folder: an empty folder shows on both pages, survives a reload, is renamed, deleted and undone; a bad one is refused', async ({
  room,
}) => {
  const { interviewer: ivy, candidate: cara } = room;
  await newFile(cara, 'util.py', true);
  const newFolder = async (page: Page, path: string) => {
    await page.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('New folder path').fill(path);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
  };
  await newFolder(ivy, 'util.py');
  await expect(ivy.getByRole('alert').filter({ hasText: 'There is already a file at "util.py"' })).toBeVisible();
  await ivy.getByRole('button', { name: 'Cancel' }).click();
  await newFolder(ivy, 'docs/drafts');
  for (const page of [ivy, cara]) await expect(item(page, /^drafts/)).toHaveAttribute('aria-level', '2');
  await cara.reload();
  const join = cara.getByRole('button', { name: 'Join interview' });
  await expect(join.or(item(cara, /^drafts/))).toBeVisible();
  if (await join.isVisible()) await join.click();
  await expectConnected(cara);
  await expect(item(cara, /^drafts/)).toBeVisible();
  await renameTo(cara, /^docs/, 'docs', 'papers');
  for (const page of [ivy, cara]) await expect(item(page, /^papers/)).toBeVisible();
  // Selected with the keyboard's focus (a click would also fold it).
  await item(cara, /^papers/).focus();
  await cara.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'Delete papers' }).click();
  for (const page of [ivy, cara]) await expect(item(page, /^papers/)).toHaveCount(0);
  await cara.getByRole('button', { name: 'Undo delete' }).click();
  for (const page of [ivy, cara]) await expect(item(page, /^drafts/)).toBeVisible();
});

test('Keep your code: when the session is gone, a multi-file room downloads every file as one .zip with its folders', async ({
  room,
}, testInfo) => {
  const { candidate: cara, session } = room;
  await newFile(cara, 'src/util.py', true);
  await replaceCode(cara, 'X = 41\n');
  await expect.poll(() => editorCode(cara)).toBe('X = 41\n');
  const { cookie, csrfToken } = memberCredentials();
  const deleted = await fetch(`${BACKEND_URL}/api/interviews/${session.id}`, {
    method: 'DELETE',
    headers: { Cookie: cookie, 'x-csrf-token': csrfToken },
  });
  expect(deleted.status, 'DELETE /api/interviews/:id').toBeLessThan(300);
  const keep = cara.getByTestId('keep-code');
  await expect(keep).toBeVisible();
  const [download] = await Promise.all([cara.waitForEvent('download'), keep.getByRole('button', { name: 'Download code' }).click()]);
  expect(download.suggestedFilename()).toBe('pairpad-code.zip');
  const file = testInfo.outputPath('pairpad-code.zip');
  await download.saveAs(file);
  expect(execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n')).toEqual(['main.py', 'src/util.py']);
  expect(execFileSync('unzip', ['-p', file, 'src/util.py'], { encoding: 'utf8' })).toBe('X = 41\n');
});
