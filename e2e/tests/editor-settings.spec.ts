import type { Page } from '@playwright/test';
import { editorCode } from '../support/editor';
import { expect, framesContain, test } from '../support/fixtures';
import { editor, expectConnected, replaceCode } from '../support/room';
import { chooseSetting, pageTheme, settingValue } from '../support/settings';

/**
 * Each person's own editor settings (Settings menu in the room's header): theme, Vim / Emacs key
 * bindings, font size; and the editor's completion and brackets. Code is always read from the
 * document (editorCode), never from the DOM.
 */

const DARK_EDITOR_BACKGROUND = 'rgb(23, 27, 34)'; // --editor-bg in the dark theme (app/theme.css)
const LIGHT_EDITOR_BACKGROUND = 'rgb(255, 255, 255)';

function editorBackground(page: Page): Promise<string> {
  return page.locator('.cm-editor').evaluate((element) => getComputedStyle(element).backgroundColor);
}

function vimMode(page: Page) {
  return page.locator('.cm-vim-panel');
}

/** Waits until the editor runs with `bindings` (they load on demand, after the choice). */
async function expectKeyBindings(page: Page, bindings: 'standard' | 'vim' | 'emacs'): Promise<void> {
  await expect(page.locator('.cm-editor')).toHaveAttribute('data-key-bindings', bindings);
}

/** Cara types `code`: an edit from someone else, which is never in Ivy's own undo history. */
async function candidateWrites(room: { interviewer: Page; candidate: Page }, code: string): Promise<void> {
  await replaceCode(room.candidate, code);
  await expect.poll(() => editorCode(room.interviewer)).toBe(code);
}

test('dark theme and font size apply to the page and the editor, survive a reload, and leave the other page alone', async ({ room }) => {
  const { interviewer, candidate, candidateFrames } = room;
  expect(await pageTheme(interviewer)).toBe('light');
  await chooseSetting(interviewer, 'Theme', 'dark');
  await chooseSetting(interviewer, 'Font size', '20');
  expect(await pageTheme(interviewer)).toBe('dark');
  await expect.poll(() => editorBackground(interviewer)).toBe(DARK_EDITOR_BACKGROUND);
  await expect(interviewer.locator('.cm-editor')).toHaveCSS('font-size', '20px');

  await interviewer.reload();
  await expectConnected(interviewer);
  expect(await pageTheme(interviewer)).toBe('dark');
  await expect.poll(() => editorBackground(interviewer)).toBe(DARK_EDITOR_BACKGROUND);
  await expect(interviewer.locator('.cm-editor')).toHaveCSS('font-size', '20px');
  expect(await settingValue(interviewer, 'Theme')).toBe('dark');

  // The candidate's page never changed, and nothing about the settings reached it.
  expect(await pageTheme(candidate)).toBe('light');
  expect(await editorBackground(candidate)).toBe(LIGHT_EDITOR_BACKGROUND);
  await expect(candidate.locator('.cm-editor')).toHaveCSS('font-size', '14px');
  expect(framesContain(candidateFrames, 'fontSize')).toBe(false);
  expect(framesContain(candidateFrames, 'keyBindings')).toBe(false);
});

test("a change in one tab applies to this browser's other tabs of the room", async ({ room }) => {
  const { interviewer, session } = room;
  const secondTab = await interviewer.context().newPage();
  await secondTab.goto(`/interview/${session.id}`);
  await expectConnected(secondTab);
  await chooseSetting(interviewer, 'Theme', 'dark');
  await chooseSetting(interviewer, 'Key bindings', 'emacs');
  await expect.poll(() => pageTheme(secondTab)).toBe('dark');
  await expectKeyBindings(secondTab, 'emacs');
  await expect(secondTab.getByTestId('editor-shortcuts')).toContainText('Emacs keys');
});

test('the system theme is followed live until a theme is chosen', async ({ page }) => {
  await page.goto('/');
  expect(await pageTheme(page)).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => pageTheme(page)).toBe('dark');
  await chooseSetting(page, 'Theme', 'light');
  expect(await pageTheme(page)).toBe('light');
  // An explicit choice wins over the system.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  expect(await pageTheme(page)).toBe('light');
});

test('the saved theme is on the page before any of its JavaScript bundles run (no light flash)', async ({ page }) => {
  await page.addInitScript(() => window.localStorage.setItem('pairpad:settings', JSON.stringify({ theme: 'dark' })));
  // No bundle at all: only the inline script in the page's <head> can set the theme.
  await page.route('**/_next/static/**/*.js', (route) => route.abort());
  await page.goto('/');
  expect(await pageTheme(page)).toBe('dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(15, 18, 23)');
});

test('Vim mode: insert, Escape, dd; it survives a reload and u undoes only my own change', async ({ room }) => {
  const { interviewer, candidate } = room;
  await candidateWrites(room, 'first\nsecond\nthird\n');
  await chooseSetting(interviewer, 'Key bindings', 'vim');
  await expectKeyBindings(interviewer, 'vim');
  await expect(vimMode(interviewer)).toContainText('--NORMAL--');
  await expect(interviewer.getByTestId('editor-shortcuts')).toContainText('Vim keys');
  await editor(interviewer).focus();
  for (const key of ['g', 'g', 'i']) await interviewer.keyboard.press(key);
  await expect(vimMode(interviewer)).toContainText('--INSERT--');
  await interviewer.keyboard.type('zero ');
  await interviewer.keyboard.press('Escape');
  for (const key of ['j', 'd', 'd']) await interviewer.keyboard.press(key);
  await expect.poll(() => editorCode(interviewer)).toBe('zero first\nthird\n');
  await expect.poll(() => editorCode(candidate)).toBe('zero first\nthird\n');

  await interviewer.reload();
  await expectConnected(interviewer);
  await expectKeyBindings(interviewer, 'vim');
  await expect(vimMode(interviewer)).toContainText('--NORMAL--');
  expect(await settingValue(interviewer, 'Key bindings')).toBe('vim');
  await editor(interviewer).focus();
  for (const key of ['g', 'g', 'd', 'd']) await interviewer.keyboard.press(key);
  await expect.poll(() => editorCode(interviewer)).toBe('third\n');
  // u goes through the shared document's per-person undo (Y.UndoManager), not CodeMirror's history.
  await interviewer.keyboard.press('u');
  await expect.poll(() => editorCode(interviewer)).toBe('zero first\nthird\n');

  // The candidate still has the standard keys: "i" types an i.
  await expectKeyBindings(candidate, 'standard');
  await expect(vimMode(candidate)).toHaveCount(0);
  await editor(candidate).focus();
  await candidate.keyboard.press('Control+Home');
  await candidate.keyboard.type('i');
  await expect.poll(() => editorCode(candidate)).toBe('izero first\nthird\n');

  await chooseSetting(interviewer, 'Key bindings', 'standard');
  await expectKeyBindings(interviewer, 'standard');
  await expect(vimMode(interviewer)).toHaveCount(0);
});

test('switching settings keeps the same editor, its connection and its undo history', async ({ room }) => {
  const { interviewer, candidate } = room;
  const before = await editorCode(interviewer);
  await replaceCode(interviewer, 'print("mine")\n');
  // Mark the editor's DOM node: a recreated editor would not carry the mark.
  await interviewer.locator('.cm-editor').evaluate((element) => element.setAttribute('data-test-mark', 'kept'));
  await chooseSetting(interviewer, 'Font size', '18');
  await chooseSetting(interviewer, 'Theme', 'dark');
  await chooseSetting(interviewer, 'Key bindings', 'vim');
  await expectKeyBindings(interviewer, 'vim');
  await expect(interviewer.locator('.cm-editor')).toHaveAttribute('data-test-mark', 'kept');
  await editor(interviewer).focus();
  // The paste made before the switches is still in this person's undo history.
  await interviewer.keyboard.press('u');
  await expect.poll(() => editorCode(interviewer)).toBe(before);
  await expect.poll(() => editorCode(candidate)).toBe(before);
});

test('Emacs keys: C-f moves, C-k kills to the end of the line, C-/ undoes', async ({ room }) => {
  const { interviewer } = room;
  await candidateWrites(room, 'alpha beta\nsecond\n');
  await editor(interviewer).click();
  await interviewer.keyboard.press('Control+Home');
  await chooseSetting(interviewer, 'Key bindings', 'emacs');
  await expectKeyBindings(interviewer, 'emacs');
  await editor(interviewer).focus();
  // Without Emacs keys, Ctrl+F would open the search panel instead.
  for (let step = 0; step < 6; step += 1) await interviewer.keyboard.press('Control+f');
  await expect(interviewer.locator('.cm-search')).toHaveCount(0);
  await interviewer.keyboard.press('Control+k');
  await expect.poll(() => editorCode(interviewer)).toBe('alpha \nsecond\n');
  await interviewer.keyboard.press('Control+/');
  await expect.poll(() => editorCode(interviewer)).toBe('alpha beta\nsecond\n');
});

test('completion offers identifiers from the document and the language keywords', async ({ room }) => {
  const { interviewer } = room;
  await replaceCode(interviewer, 'def compute_total(items):\n    return sum(items)\n\n');
  await interviewer.keyboard.type('comp');
  const options = interviewer.getByRole('listbox').getByRole('option');
  await expect(options.filter({ hasText: 'compute_total' })).toBeVisible();
  await interviewer.keyboard.press('Escape');
  await interviewer.keyboard.type('\nwhi');
  await expect(options.filter({ hasText: 'while' })).toBeVisible();
});

test('an opening bracket is closed as it is typed, and the pair is highlighted', async ({ room }) => {
  const { interviewer } = room;
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.press('Backspace');
  await expect.poll(() => editorCode(interviewer)).toBe('');
  await interviewer.keyboard.type('print(');
  await expect.poll(() => editorCode(interviewer)).toBe('print()');
  await interviewer.keyboard.type('[1');
  await expect.poll(() => editorCode(interviewer)).toBe('print([1])');
  await expect(interviewer.locator('.cm-matchingBracket')).toHaveCount(2);
});

test('search (loaded on the first focus of the editor): Ctrl+F opens it and marks every match', async ({ room }) => {
  const { interviewer } = room;
  await replaceCode(interviewer, 'total = 1\ntotal = total + 2\n');
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+Home');
  await interviewer.keyboard.press('ControlOrMeta+f');
  const field = interviewer.locator('.cm-search').getByRole('textbox', { name: 'Find' });
  await expect(field).toBeFocused();
  // Typed, as a person does: the panel searches on the field's key events.
  await interviewer.keyboard.type('total');
  // The matches in the document are marked; Escape closes the panel and leaves the code alone.
  await expect(interviewer.locator('.cm-searchMatch')).toHaveCount(3);
  await interviewer.keyboard.press('Escape');
  await expect(interviewer.locator('.cm-search')).toHaveCount(0);
  await expect.poll(() => editorCode(interviewer)).toBe('total = 1\ntotal = total + 2\n');
});

test('keys typed right after the first click, while the editing aids still load, are applied with them', async ({ room }) => {
  const { interviewer } = room;
  // The editing aids (closing brackets, the default keys, Python's indentation) load on the first
  // focus of the editor; here every script requested from now on waits until the keys are typed.
  let typed!: () => void;
  const keysTyped = new Promise<void>((resolve) => (typed = resolve));
  await interviewer.route('**/_next/static/chunks/**', async (route) => {
    await keysTyped;
    await route.continue();
  });
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.type('def f(x):\nreturn [x');
  typed();
  // Held, then replayed once the aids are in: "(" and "[" were closed, Enter indented the body
  // by one unit (CodeMirror's default, two spaces), as Python's indentation rules say after a colon.
  await expect.poll(() => editorCode(interviewer)).toBe('def f(x):\n  return [x]');
});
