import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from '../support/axe';
import { editorCode } from '../support/editor';
import { expect, test, type TwoPersonRoom } from '../support/fixtures';
import { memberContext } from '../support/member';
import {
  createSessionViaApi,
  joinRoom,
  openHeaderPanel,
  openRoomTab,
  output,
  replaceCode,
  roomTab,
  type RoomTabName,
} from '../support/room';
import { pageTheme } from '../support/settings';

/**
 * Every page checked with axe-core's full rule set, once per theme. The theme comes from the
 * system (`prefers-color-scheme`, the default "System" setting), so these tests also show that the
 * page follows it. Pages are checked in the states that paint the most colours: runs with stdout
 * and stderr, remote cursors, the completion list, an ended interview, events still to come in
 * playback.
 */

const FAILING_RUN = 'import sys\nprint("to stdout")\nprint("to stderr", file=sys.stderr)\nsys.exit(3)\n';
const PASSING_RUN = 'def total(items):\n    # sum them\n    return sum(items)\n\nprint(total([1, 2, 3]))\n';

async function followSystemTheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await expect.poll(() => pageTheme(page)).toBe(scheme);
}

async function runAndWait(page: Page, status: string): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(output(page).getByTestId('run-status')).toHaveText(status, { timeout: 30_000 });
}

/** The candidate runs a failing program, then the interviewer a passing one, takes a note and ends the interview. */
async function interviewToReview({ interviewer, candidate }: TwoPersonRoom): Promise<void> {
  await replaceCode(candidate, FAILING_RUN);
  await runAndWait(candidate, 'Runtime error (exit code 3)');
  await replaceCode(interviewer, PASSING_RUN);
  await expect.poll(() => editorCode(candidate)).toBe(PASSING_RUN);
  await runAndWait(interviewer, 'Finished (exit code 0)');
  await openRoomTab(interviewer, 'Notes');
  await interviewer.getByLabel('Private notes').fill('Clear reasoning; tests first.');
  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByRole('button', { name: 'End interview' }).click();
  await interviewer.getByRole('button', { name: 'Yes, end it' }).click();
  await expect(interviewer.getByTestId('interview-ended')).toBeVisible();
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test('the sign-in page, with its theme menu open too', async ({ page }) => {
      await page.goto('/sign-in?error=SIGN_IN_FAILED');
      expect(await pageTheme(page)).toBe(scheme);
      await expect(page.getByTestId('languages-claim')).not.toHaveText(/^Languages/);
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
      await expectNoAxeViolations(page, `sign-in (${scheme})`);
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByLabel('Theme')).toBeFocused();
      await expectNoAxeViolations(page, `sign-in with the settings menu (${scheme})`);
    });

    test('the dashboard with interviews, the new-interview dialog and the members page', async ({ browser }) => {
      await createSessionViaApi({ title: 'Accessible dashboard row' });
      const context = await memberContext(browser, { colorScheme: scheme });
      const page = await context.newPage();
      await page.goto('/dashboard');
      await expect(
        page
          .getByRole('table', { name: 'Interviews' })
          .getByRole('row', { name: /Accessible dashboard row/ })
          .first(),
      ).toBeVisible();
      await expectNoAxeViolations(page, `dashboard (${scheme})`);
      await page.getByRole('button', { name: 'New interview' }).click();
      await expect(page.getByRole('dialog', { name: 'New interview' }).getByTestId('language-status')).not.toHaveText(/^Checking/);
      await expectNoAxeViolations(page, `new interview dialog (${scheme})`);
      await page.keyboard.press('Escape');
      await page.getByRole('link', { name: 'Members' }).click();
      await expect(page.getByRole('table', { name: 'Members' })).toBeVisible();
      await expectNoAxeViolations(page, `members (${scheme})`);
      await context.close();
    });

    test('the name prompt, the missing-session page, the not-found page and the malformed-address page', async ({ page }) => {
      const session = await createSessionViaApi({ title: 'Accessible interview' });
      await page.goto(`/interview/${session.id}`);
      await expect(page.getByRole('button', { name: 'Join interview' })).toBeVisible();
      await expectNoAxeViolations(page, `name prompt (${scheme})`);

      await page.goto('/interview/00000000-0000-4000-8000-000000000000?name=Ann');
      await expect(page.getByRole('heading', { name: 'This session does not exist or has expired' })).toBeVisible();
      await expectNoAxeViolations(page, `missing session (${scheme})`);

      await page.goto('/no-such-page');
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expectNoAxeViolations(page, `not found (${scheme})`);

      await page.goto('/interview/%ff');
      await expect(page.getByRole('heading', { name: 'This address is not valid' })).toBeVisible();
      await expectNoAxeViolations(page, `malformed address (${scheme})`);
    });

    test('the room as the interviewer and as the candidate, with runs, remote cursors, completions and the settings menu', async ({
      room,
    }) => {
      const { interviewer, candidate } = room;
      await Promise.all([followSystemTheme(interviewer, scheme), followSystemTheme(candidate, scheme)]);
      await replaceCode(candidate, FAILING_RUN);
      await runAndWait(candidate, 'Runtime error (exit code 3)');
      await expect(output(interviewer).getByTestId('run-status')).toHaveText('Runtime error (exit code 3)');
      // Each sees the other's named cursor.
      await interviewer.locator('.cm-content').click();
      await expect(candidate.locator('.cm-ySelectionInfo', { hasText: 'Ivy' })).toBeAttached();
      await expect(interviewer.locator('.cm-ySelectionInfo', { hasText: 'Cara' })).toBeAttached();

      await expectNoAxeViolations(interviewer, `room as the interviewer (${scheme})`);
      // The candidate's page with the completion list open.
      await candidate.locator('.cm-content').click();
      await candidate.keyboard.press('ControlOrMeta+End');
      await candidate.keyboard.type('pri');
      await expect(candidate.getByRole('listbox').getByRole('option', { name: 'print' })).toBeVisible();
      await expectNoAxeViolations(candidate, `room as the candidate, completing (${scheme})`);
      await candidate.keyboard.press('Escape');
      await candidate.getByRole('button', { name: 'Settings' }).click();
      await expect(candidate.getByRole('group', { name: 'Settings' })).toBeVisible();
      await expectNoAxeViolations(candidate, `room with the settings menu open (${scheme})`);
    });

    // One test per layout: each checks about twenty pages with axe, which is slow on a loaded machine.
    for (const layout of ['wide', 'phone'] as const) {
      test(`the room layout (${layout}): every tab and header panel, as the interviewer and as the candidate`, async ({ browser }) => {
        test.setTimeout(180_000);
        const session = await createSessionViaApi({ name: 'Ivy', language: 'python', title: 'Two sum', questionId: 'two-sum' });
        const options =
          layout === 'wide'
            ? { colorScheme: scheme, viewport: { width: 1366, height: 768 } }
            : { colorScheme: scheme, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
        const interviewerContext = await memberContext(browser, options);
        const candidateContext = await browser.newContext(options);
        const interviewer = await interviewerContext.newPage();
        const candidate = await candidateContext.newPage();
        await Promise.all([
          joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`),
          joinRoom(candidate, `/interview/${session.id}?name=Cara`),
        ]);
        if (layout === 'wide') {
          // A test result and a message, so the Tests and Chat tabs show what they hold.
          await openRoomTab(candidate, 'Tests');
          await candidate.getByRole('button', { name: 'Run tests' }).click();
          await expect(candidate.getByTestId('test-summary')).toHaveText(/\d+ \/ 5 passed/, { timeout: 30_000 });
          await openRoomTab(candidate, 'Chat');
          await candidate.getByLabel('Message').fill('Ready when you are.');
          await candidate.getByLabel('Message').press('Enter');
          // The interviewer's closed Chat tab carries the new-message badge.
          await expect(roomTab(interviewer, 'Chat')).toContainText('1');
        }
        const pages = [
          { page: interviewer, who: 'interviewer', panels: ['People', 'Interview controls'] as const },
          { page: candidate, who: 'candidate', panels: ['People', 'Recorded'] as const },
        ];
        for (const { page, who, panels } of pages) {
          const tabs: RoomTabName[] =
            layout === 'wide'
              ? ['Output & console', 'Tests', 'Question', 'Chat', ...(who === 'interviewer' ? (['Notes'] as const) : [])]
              : ['Code', 'Run', 'Tests', 'Question', 'Chat', ...(who === 'interviewer' ? (['Notes'] as const) : [])];
          for (const tab of tabs) {
            await openRoomTab(page, tab);
            await expectNoAxeViolations(page, `${layout} room as the ${who}, ${tab} tab (${scheme})`);
          }
          for (const panel of panels) {
            await openHeaderPanel(page, panel);
            await expectNoAxeViolations(page, `${layout} room as the ${who}, ${panel} panel open (${scheme})`);
            await page.keyboard.press('Escape');
          }
        }
        await Promise.all([interviewerContext.close(), candidateContext.close()]);
      });
    }

    test('the ended room, its playback (at the start and the end) and its report', async ({ room }) => {
      const { interviewer } = room;
      await followSystemTheme(interviewer, scheme);
      await interviewToReview(room);
      await expectNoAxeViolations(interviewer, `ended room (${scheme})`);

      await openHeaderPanel(interviewer, 'Interview controls');
      await interviewer.getByRole('link', { name: 'Playback' }).click();
      await expect(interviewer.getByRole('heading', { name: 'Playback' })).toBeVisible();
      expect(await pageTheme(interviewer)).toBe(scheme);
      // At the start every event is still to come (muted), and no run has happened yet.
      await expect(interviewer.getByRole('list', { name: 'Runs so far' })).toHaveText('No runs yet.');
      await expectNoAxeViolations(interviewer, `playback at the start (${scheme})`);
      await interviewer.getByLabel('Position').press('End');
      await expect(interviewer.getByRole('list', { name: 'Runs so far' }).getByRole('listitem')).toHaveCount(2);
      await expectNoAxeViolations(interviewer, `playback at the end (${scheme})`);

      await interviewer.getByRole('link', { name: 'Report' }).click();
      await expect(interviewer.getByRole('main')).toContainText('Clear reasoning; tests first.');
      await expect(interviewer.getByRole('list', { name: 'Runs' }).getByRole('listitem')).toHaveCount(2);
      await expectNoAxeViolations(interviewer, `report (${scheme})`);
    });
  });
}
