import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { memberContext } from '../support/member';
import {
  createSessionViaApi,
  editor,
  expectConnected,
  joinRoom,
  openHeaderPanel,
  openRoomTab,
  output,
  replaceCode,
  roomTab,
  type CreatedSession,
} from '../support/room';
import { editorCode } from '../support/editor';

/**
 * The room's layout at the sizes people use (issue 24): the editor is the largest thing, the
 * header is one row, nothing scrolls sideways, the console holds an 80-column traceback, and a
 * phone shows one pane at a time with Run in reach. Screenshots of every size and theme go to
 * e2e/test-results/screenshots/.
 */

const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-results/screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const DESKTOPS = [
  { width: 1366, height: 768 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const PHONE = { width: 390, height: 844 } as const;
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

/** 40 lines of Python the candidate writes: more than any viewport shows. */
const LONG_CODE = Array.from({ length: 40 }, (_, index) => `line_${String(index + 1).padStart(2, '0')} = ${index + 1}`).join('\n') + '\n';
/** A line of 76 characters: the traceback echoes it indented by 4, an 80-column line. */
const WIDE_LINE = `x = ${'1'.repeat(55)} + undefined_name`;

interface Room {
  session: CreatedSession;
  interviewer: Page;
  candidate: Page;
  close(): Promise<void>;
}

/** A room with the Two Sum question, both people in their own browser at `options`' size, in `theme`. */
async function openRoom(browser: Browser, options: BrowserContextOptions, theme: Theme): Promise<Room> {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python', title: 'Two sum', questionId: 'two-sum' });
  const interviewerContext = await memberContext(browser, options);
  const candidateContext = await browser.newContext(options);
  for (const context of [interviewerContext, candidateContext]) {
    await context.addInitScript((chosen) => localStorage.setItem('pairpad:settings', JSON.stringify({ theme: chosen })), theme);
  }
  const interviewer = await interviewerContext.newPage();
  const candidate = await candidateContext.newPage();
  await Promise.all([
    joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`),
    joinRoom(candidate, `/interview/${session.id}?name=Cara`),
  ]);
  return {
    session,
    interviewer,
    candidate,
    close: () => Promise.all([interviewerContext.close(), candidateContext.close()]).then(() => undefined),
  };
}

/** How many of the editor's lines are wholly inside its visible scroller. */
function visibleEditorLines(page: Page): Promise<number> {
  return page.evaluate(() => {
    const scroller = document.querySelector('.cm-editor .cm-scroller');
    if (!scroller) return 0;
    const box = scroller.getBoundingClientRect();
    return [...document.querySelectorAll('.cm-editor .cm-line')].filter((line) => {
      const rect = line.getBoundingClientRect();
      return rect.height > 0 && rect.top >= box.top - 0.5 && rect.bottom <= box.bottom + 0.5;
    }).length;
  });
}

/** The page is no wider than the window: nothing to scroll sideways. */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, 'page scroll width').toBeLessThanOrEqual(innerWidth);
}

/** Every child of the header sits on one row: each starts above the point where any other ends. */
async function expectHeaderOnOneRow(page: Page): Promise<void> {
  // The language picker widens once the server's runtimes are known (versions, reasons): measure after that.
  // (On a phone the picker is above the editor, not in the header.)
  const picker = page.getByRole('banner').getByRole('combobox', { name: 'Language' });
  if ((await picker.count()) > 0) await expect(picker.locator('option[value="python"]')).toHaveText(/Python \d/);
  const boxes = await page
    .locator('header')
    .first()
    .evaluate((header) =>
      [...header.children]
        .map((child) => child.getBoundingClientRect())
        .filter((rect) => rect.width > 0 && rect.height > 0)
        .map((rect) => ({ top: rect.top, bottom: rect.bottom })),
    );
  expect(boxes.length).toBeGreaterThan(3);
  const lowestTop = Math.max(...boxes.map((box) => box.top));
  const highestBottom = Math.min(...boxes.map((box) => box.bottom));
  expect(lowestTop, 'a header item starts below another one ends: the header wrapped').toBeLessThan(highestBottom);
  // And none of its controls runs past the window's right edge (a wide language picker once pushed Settings off).
  const cutOff = await page
    .locator('header')
    .first()
    .evaluate((header) =>
      [...header.querySelectorAll('button, select, a')]
        .filter((control) => {
          const rect = control.getBoundingClientRect();
          return rect.width > 0 && rect.right > window.innerWidth + 0.5;
        })
        .map((control) => control.textContent?.trim() ?? control.tagName),
    );
  expect(cutOff, 'header controls cut off at the right edge').toEqual([]);
}

/** The console's width in columns of its own font (xterm.js draws `.xterm-screen` cols × char width). */
function consoleColumns(page: Page): Promise<number> {
  return output(page)
    .getByTestId('console-terminal')
    .evaluate((terminal) => {
      const screen = terminal.querySelector('.xterm-screen');
      const rows = terminal.querySelector('.xterm-rows');
      if (!screen || !rows) return 0;
      const probe = document.createElement('span');
      probe.textContent = '0'.repeat(100);
      const style = getComputedStyle(rows);
      probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${style.fontFamily};font-size:${style.fontSize};letter-spacing:${style.letterSpacing}`;
      document.body.append(probe);
      const charWidth = probe.getBoundingClientRect().width / 100;
      probe.remove();
      return screen.getBoundingClientRect().width / charWidth;
    });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function runTestsAsCandidate(candidate: Page): Promise<void> {
  await openRoomTab(candidate, 'Tests');
  await candidate.getByRole('button', { name: 'Run tests' }).click();
  await expect(candidate.getByTestId('test-summary')).toHaveText(/\d+ \/ 5 passed/, { timeout: 30_000 });
}

for (const viewport of DESKTOPS) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`${size}: the editor is the largest pane (25+ lines beside an open test result), one header row, no sideways scroll, an 80-column console; light and dark`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    for (const theme of THEMES) {
      const room = await openRoom(browser, { viewport }, theme);
      const { interviewer, candidate } = room;
      await replaceCode(candidate, LONG_CODE);
      await expect.poll(() => editorCode(interviewer)).toBe(LONG_CODE);
      await runTestsAsCandidate(candidate);
      for (const page of [candidate, interviewer]) {
        await expect(page.getByRole('table', { name: 'Test results' })).toBeVisible();
        expect(await visibleEditorLines(page), `${theme}: editor lines beside the test results`).toBeGreaterThanOrEqual(25);
        // The editor is the wider pane from 1366 px up; at 1280 px the side area keeps its 80 columns
        // of console and the editor is a little narrower (602 px against 650).
        const editorBox = await page.getByRole('region', { name: 'Editor' }).boundingBox();
        const sideBox = await page.getByRole('region', { name: 'Side panel' }).boundingBox();
        const least = viewport.width >= 1366 ? 1 : 0.9;
        expect((editorBox?.width ?? 0) / (sideBox?.width ?? 1), 'editor width against the side area').toBeGreaterThanOrEqual(least);
        await expectNoHorizontalOverflow(page);
        await expectHeaderOnOneRow(page);
      }
      await shoot(candidate, `room-${size}-${theme}-candidate-tests`);
      await shoot(interviewer, `room-${size}-${theme}-interviewer-tests`);

      // A traceback as wide as a terminal: the console shows 80 columns without wrapping.
      await replaceCode(candidate, `${WIDE_LINE}\n`);
      await openRoomTab(candidate, 'Output & console');
      await candidate.getByRole('button', { name: 'Run', exact: true }).click();
      for (const page of [candidate, interviewer]) {
        await expect(output(page).getByTestId('console-terminal')).toContainText('NameError', { timeout: 30_000 });
        expect(await consoleColumns(page), `${theme}: console columns`).toBeGreaterThanOrEqual(80);
        // The 80-column line of the traceback is one row of the terminal, not wrapped onto two.
        const rows = await output(page).getByTestId('console-terminal').locator('.xterm-rows > div').allTextContents();
        expect(
          rows.some((row) => row.trimEnd() === `    ${WIDE_LINE}`),
          `${theme}: rows ${JSON.stringify(rows)}`,
        ).toBe(true);
        await expectNoHorizontalOverflow(page);
      }
      await shoot(candidate, `room-${size}-${theme}-candidate-console`);
      await openRoomTab(interviewer, 'Question');
      await shoot(interviewer, `room-${size}-${theme}-interviewer-question`);
      await room.close();
    }
  });
}

test('390x844 phone: one pane at a time from a tab bar, Run in reach on the Code pane, no sideways scroll, no keyboard hints; light and dark', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const phone = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  for (const theme of THEMES) {
    const room = await openRoom(browser, phone, theme);
    const { interviewer, candidate } = room;
    for (const page of [candidate, interviewer]) {
      const bar = page.getByRole('tablist', { name: 'Room' });
      await expect(bar).toBeVisible();
      await expect(bar.getByRole('tab')).toHaveText([
        /^Code/,
        /^Run/,
        /^Tests/,
        /^Question/,
        /^Preview/,
        /^Chat/,
        ...(page === interviewer ? [/^Notes/, /^Score/] : []),
      ]);
      await expect(roomTab(page, 'Code')).toHaveAttribute('aria-selected', 'true');
      // The Code pane: the editor and Run, both inside the window without scrolling.
      const run = page.getByRole('button', { name: 'Run', exact: true });
      await expect(run).toBeVisible();
      await expect(run).toBeInViewport({ ratio: 1 });
      await expect(editor(page)).toBeInViewport();
      await expect(page.getByRole('region', { name: 'Side panel' })).toBeHidden();
      // Touch screens get no keyboard hints.
      await expect(page.locator('kbd:visible')).toHaveCount(0);
      await expect(page.getByTestId('editor-shortcuts')).toHaveCount(0);
      await expectNoHorizontalOverflow(page);
      await expectHeaderOnOneRow(page);
    }
    await shoot(candidate, `room-390x844-${theme}-candidate-code`);
    await shoot(interviewer, `room-390x844-${theme}-interviewer-code`);

    // Run from the Code pane: the output pane takes over.
    await replaceCode(candidate, 'print("hello from the phone")\n');
    await candidate.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(roomTab(candidate, 'Run')).toHaveAttribute('aria-selected', 'true');
    await expect(output(candidate)).toContainText('hello from the phone', { timeout: 30_000 });
    await expect(editor(candidate)).toBeHidden();
    await expectNoHorizontalOverflow(candidate);
    await shoot(candidate, `room-390x844-${theme}-candidate-run`);

    for (const [page, who] of [
      [candidate, 'candidate'],
      [interviewer, 'interviewer'],
    ] as const) {
      for (const tab of ['Question', 'Chat', ...(page === interviewer ? (['Notes'] as const) : [])] as const) {
        const panel = await openRoomTab(page, tab);
        await expect(panel).toBeVisible();
        await expectNoHorizontalOverflow(page);
        await shoot(page, `room-390x844-${theme}-${who}-${tab.toLowerCase()}`);
      }
    }
    // The header's panels fit the phone too.
    await interviewer.getByRole('button', { name: 'People', exact: true }).click();
    await expect(interviewer.getByRole('button', { name: 'Copy candidate link' })).toBeInViewport({ ratio: 1 });
    await expectNoHorizontalOverflow(interviewer);
    await shoot(interviewer, `room-390x844-${theme}-interviewer-people`);
    await room.close();
  }
});

test('a candidate takes part from a tablet (768x1024, touch): reads the question, writes code, runs it, sees the output, chats', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const tablet = { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true };
  const room = await openRoom(browser, tablet, 'light');
  const { interviewer, candidate } = room;
  await openRoomTab(candidate, 'Question');
  await expect(candidate.getByTestId('question-description')).toContainText('Given a list of integers');
  await openRoomTab(candidate, 'Code');
  await replaceCode(candidate, 'print(sum([1, 2, 3]))\n');
  await expect.poll(() => editorCode(interviewer)).toBe('print(sum([1, 2, 3]))\n');
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(output(candidate)).toContainText('6', { timeout: 30_000 });
  const chat = await openRoomTab(candidate, 'Chat');
  await chat.getByLabel('Message').fill('Done, it prints 6.');
  await chat.getByLabel('Message').press('Enter');
  await expect(interviewer.getByRole('list', { name: 'Chat log', includeHidden: true })).toContainText('Done, it prints 6.');
  await expectNoHorizontalOverflow(candidate);
  await shoot(candidate, 'room-768x1024-light-candidate-chat');
  await room.close();
});

test('the separator between the editor and the side area moves with the keyboard and the size is kept after a reload', async ({
  browser,
}) => {
  const room = await openRoom(browser, { viewport: DESKTOPS[0] }, 'light');
  const { candidate } = room;
  const separator = candidate.getByRole('separator', { name: 'Resize the editor and the side panel' });
  const side = candidate.getByRole('region', { name: 'Side panel' });
  const before = (await side.boundingBox())?.width ?? 0;
  const shareBefore = Number(await separator.getAttribute('aria-valuenow'));
  await separator.focus();
  await candidate.keyboard.press('ArrowRight');
  await candidate.keyboard.press('ArrowRight');
  await expect.poll(async () => (await side.boundingBox())?.width ?? 0).toBeLessThan(before - 40);
  await expect.poll(async () => Number(await separator.getAttribute('aria-valuenow'))).toBeGreaterThan(shareBefore);
  const after = (await side.boundingBox())?.width ?? 0;

  await candidate.reload();
  await expectConnected(candidate);
  await expect.poll(async () => Math.round((await side.boundingBox())?.width ?? 0)).toBe(Math.round(after));
  // Home gives the side area all the room the editor can spare; the editor keeps its minimum.
  await separator.focus();
  await candidate.keyboard.press('Home');
  await expect
    .poll(async () => (await candidate.getByRole('region', { name: 'Editor' }).boundingBox())?.width ?? 0)
    .toBeGreaterThanOrEqual(359);
  await room.close();
});

test.describe('visual fixes (issue 24)', () => {
  test('/favicon.ico is an icon, not a 404', async ({ request }) => {
    const response = await request.get('/favicon.ico');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('image/x-icon');
    // An ICO file: reserved 0, type 1.
    expect([...(await response.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  test('completion icons are SVG, never emoji or symbol characters a font may lack', async ({ browser }) => {
    const room = await openRoom(browser, { viewport: DESKTOPS[0] }, 'light');
    const { candidate } = room;
    await replaceCode(candidate, 'total = 1\n');
    await candidate.keyboard.press('ControlOrMeta+End');
    await candidate.keyboard.type('to');
    const options = candidate.locator('.cm-tooltip-autocomplete li');
    await expect(options.first()).toBeVisible();
    await expect(options.filter({ hasText: 'total' }).locator('svg')).toHaveCount(1);
    const drawn = await candidate
      .locator('.cm-tooltip-autocomplete')
      .evaluate((tooltip) =>
        [...tooltip.querySelectorAll('li, li *')].flatMap((element) =>
          ['::before', '::after']
            .map((pseudo) => getComputedStyle(element, pseudo).content)
            .filter((content) => content !== 'none' && content !== 'normal'),
        ),
      );
    // CodeMirror's defaults are "🔑︎", "𝑥", "ƒ", "○", "◌" … drawn by CSS; none is left.
    expect(drawn.filter((content) => /[^\x20-\x7e]/u.test(content))).toEqual([]);
    await room.close();
  });

  test('the starter banner shows while the code is untouched and is gone after the first edit', async ({ browser }) => {
    const room = await openRoom(browser, { viewport: DESKTOPS[0] }, 'light');
    const { candidate } = room;
    await openRoomTab(candidate, 'Question');
    // The Python starter is in the editor; in JavaScript, the JavaScript starter is offered.
    await candidate.getByRole('combobox', { name: 'Language' }).selectOption('javascript');
    const banner = candidate.getByTestId('starter-offer');
    await expect(banner).toContainText('This question has a JavaScript starter.');
    await editor(candidate).click();
    await candidate.keyboard.press('ControlOrMeta+End');
    await candidate.keyboard.type('// my approach');
    await expect(banner).toHaveCount(0);
    // The starter is still one (asked) click away, as a plain button in the question.
    await expect(candidate.getByRole('button', { name: 'Load the JavaScript starter' })).toBeVisible();
    await room.close();
  });

  test("a remote cursor's name tag shows while its owner types, and hides when they are idle", async ({ browser }) => {
    const room = await openRoom(browser, { viewport: DESKTOPS[0] }, 'light');
    const { interviewer, candidate } = room;
    const tag = interviewer.locator('.cm-ySelectionInfo', { hasText: 'Cara' });
    const opacity = () => tag.evaluate((element) => Number(getComputedStyle(element).opacity));
    await editor(candidate).click();
    await candidate.keyboard.press('ControlOrMeta+End');
    await candidate.keyboard.type('x = 1');
    await expect(tag).toHaveCount(1);
    await expect.poll(opacity).toBe(1);
    // Idle: the tag fades and no longer covers the line above.
    await expect.poll(opacity, { timeout: 10_000 }).toBe(0);
    // Active again: it comes back.
    await candidate.keyboard.type('2');
    await expect.poll(opacity).toBe(1);
    await room.close();
  });

  for (const theme of THEMES) {
    test(`${theme}: Run is a filled button when enabled and plainly different when disabled`, async ({ browser }) => {
      const room = await openRoom(browser, { viewport: DESKTOPS[0] }, theme);
      const { interviewer, candidate } = room;
      await openRoomTab(candidate, 'Output & console');
      const run = candidate.getByRole('button', { name: 'Run', exact: true });
      const look = () =>
        run.evaluate((button) => {
          const style = getComputedStyle(button);
          return { background: style.backgroundColor, color: style.color, opacity: style.opacity };
        });
      await expect(run).toBeEnabled();
      const enabled = await look();
      // A saturated fill with light text: never a pale, greyed-out look.
      expect(lightness(enabled.background), `${theme}: fill lightness`).toBeLessThan(0.6);
      expect(contrast(enabled.color, enabled.background), `${theme}: text contrast`).toBeGreaterThanOrEqual(4.5);
      expect(enabled.opacity).toBe('1');

      await openHeaderPanel(interviewer, 'Interview controls');
      // A controlled checkbox: it turns once the server has applied the change.
      await interviewer.getByLabel('Disable Run for candidates').click();
      await expect(interviewer.getByLabel('Disable Run for candidates')).toBeChecked();
      await expect(run).toBeDisabled();
      const disabled = await look();
      expect(disabled.background, `${theme}: a disabled Run loses its fill`).not.toBe(enabled.background);
      await room.close();
    });
  }

  test('the "Hidden from the candidate" checkbox is a checkbox-sized box beside its words', async ({ browser }) => {
    const room = await openRoom(browser, { viewport: DESKTOPS[0] }, 'light');
    const { interviewer } = room;
    await openRoomTab(interviewer, 'Question');
    await interviewer.getByRole('button', { name: 'Edit question' }).click();
    const dialog = interviewer.getByRole('dialog', { name: 'Edit the question' });
    const box = await dialog.getByLabel('Hidden from the candidate').first().boundingBox();
    expect(box && box.width <= 24 && box.height <= 24, `checkbox box ${JSON.stringify(box)}`).toBe(true);
    await shoot(interviewer, 'question-editor-1366x768-light');
    await room.close();
  });
});

/** rgb()/rgba() → [r, g, b] in 0..1. */
function channels(color: string): [number, number, number] {
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return [r / 255, g / 255, b / 255];
}

/** HSL lightness of a CSS rgb() colour. */
function lightness(color: string): number {
  const values = channels(color);
  return (Math.max(...values) + Math.min(...values)) / 2;
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = channels(color).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}
