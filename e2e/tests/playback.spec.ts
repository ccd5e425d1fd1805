import type { Page, Route } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { editor, openRoomTab, output, replaceCode } from '../support/room';
import { editorCode } from '../support/editor';

/**
 * Playback as a replay: every edit of the code with its time and author. The scripted interview
 * is the case the old 2-second snapshots got wrong: a paste, a run right after it, and a console
 * session on the pasted program.
 */

/** The parts of `GET /api/sessions/:id/timeline` (`Timeline` in @pairpad/protocol) these tests read and move. */
interface Timeline {
  startedAt: number;
  now: number;
  edits: { at: number[] };
  events: Array<{ at: number; kind: string }>;
}

const TYPED = 'x = 1';
// Over the paste threshold (200 characters in one edit), and a program that reads the console.
const PASTED = `${"# Pasted from the candidate's notes: read a name, greet it.\n".repeat(4)}name = input("Your name? ")\nprint(f"Hello, {name}!")\n`;
const FINAL = `${PASTED}# done\n`;

function events(page: Page) {
  return page.getByRole('list', { name: 'Events so far' }).getByRole('listitem');
}

function consoleRows(page: Page) {
  return output(page).getByTestId('console-terminal').locator('.xterm-rows');
}

async function scriptedInterview({ interviewer, candidate }: { interviewer: Page; candidate: Page }): Promise<void> {
  // The room starts with the language's starter code; the candidate types over it.
  await editor(candidate).click();
  await candidate.keyboard.press('ControlOrMeta+a');
  await candidate.keyboard.type(TYPED);
  await expect.poll(() => editorCode(interviewer)).toBe(TYPED);
  // The paste, then Run straight away (the old recording saved the code 2 s after a change).
  await replaceCode(candidate, PASTED);
  await openRoomTab(candidate, 'Output & console');
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(consoleRows(candidate)).toContainText('Your name?', { timeout: 20_000 });
  const input = candidate.getByLabel('Console input');
  await input.fill('Cara');
  await input.press('Enter');
  await expect(consoleRows(interviewer)).toContainText('Hello, Cara!');
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Finished (exit code 0)');
  await openRoomTab(candidate, 'Chat');
  await candidate.getByLabel('Message').fill('Done, I think.');
  await candidate.getByLabel('Message').press('Enter');
  await expect(interviewer.getByRole('list', { name: 'Chat log', includeHidden: true })).toContainText('Done, I think.');
  // After the run: more typing, so the code at the paste is not simply the final code.
  await editor(candidate).click();
  await candidate.keyboard.press('ControlOrMeta+End');
  await candidate.keyboard.type('# done\n');
  await expect.poll(() => editorCode(interviewer)).toBe(FINAL);
}

test('playback at the paste shows the pasted code by its author, the run ran it, and every event is on the slider', async ({
  room,
}, testInfo) => {
  test.setTimeout(120_000);
  const { interviewer, session } = room;
  await scriptedInterview(room);

  const answer = interviewer.waitForResponse((response) => response.url().endsWith(`/api/sessions/${session.id}/timeline`));
  await interviewer.goto(`/interview/${session.id}/playback`);
  const timeline = (await (await answer).json()) as Timeline;
  const paste = timeline.events.find((event) => event.kind === 'paste');
  const run = timeline.events.find((event) => event.kind === 'run');
  expect(paste && run ? run.at - paste.at : null, 'the run came right after the paste').toBeLessThan(2_000);

  const slider = interviewer.getByRole('slider', { name: 'Position' });
  await expect(slider).toBeVisible();
  // At the start: the starter code, nobody's edit yet.
  await expect(interviewer.getByTestId('playback-code')).toContainText('Hello, PairPad!');
  await expect(interviewer.getByTestId('playback-last-edit')).toHaveText('No edit yet.');

  await events(interviewer).filter({ hasText: 'Cara pasted' }).getByRole('button').click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(PASTED);
  await expect(interviewer.getByTestId('playback-last-edit')).toContainText('Last edit: Cara (candidate)');
  await expect(interviewer.getByTestId('playback-edit-line')).toBeVisible();
  await interviewer.screenshot({ path: testInfo.outputPath('playback-at-paste.png') });

  // The run, a moment later: the code it ran is the pasted program.
  await events(interviewer).filter({ hasText: 'Run by Cara' }).getByRole('button').click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(PASTED);
  const runs = interviewer.getByRole('list', { name: 'Runs so far' });
  await expect(runs).toContainText('Cara: ');

  // Ticks for the run, the paste, the console line and the chat; the list says the same in words.
  for (const kind of ['run', 'paste', 'console', 'chat'])
    await expect(interviewer.getByTestId('playback-ticks').locator(`[data-kind="${kind}"]`).first()).toBeAttached();
  await expect(events(interviewer).filter({ hasText: 'Cara typed into the console: Cara' })).toHaveCount(1);
  await expect(events(interviewer).filter({ hasText: 'Cara in the chat: Done, I think.' })).toHaveCount(1);

  // Every event is within the slider: at its end, each one has happened, and the code is final.
  await slider.focus();
  await interviewer.keyboard.press('End');
  await expect(interviewer.getByTestId('playback-code')).toHaveText(FINAL);
  const count = await events(interviewer).count();
  expect(count).toBeGreaterThan(6);
  await expect(events(interviewer).and(interviewer.locator('[data-state="past"]'))).toHaveCount(count);
  const max = Number(await slider.getAttribute('max'));
  const positions = await interviewer
    .getByTestId('playback-ticks')
    .locator('[data-kind]')
    .evaluateAll((ticks) => ticks.map((tick) => Number(tick.getAttribute('data-position'))));
  const idle = await events(interviewer).and(interviewer.locator('[data-kind="idle"]')).count();
  expect(positions.length).toBe(count - idle);
  for (const position of positions) expect(position).toBeLessThanOrEqual(max);

  // The keyboard: Home, Space plays (32×) through to the final code, Space pauses.
  await interviewer.getByLabel('Speed').selectOption('32');
  await slider.focus();
  await interviewer.keyboard.press('Home');
  await expect(interviewer.getByTestId('playback-code')).toContainText('Hello, PairPad!');
  await interviewer.keyboard.press('Space');
  await expect(interviewer.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(FINAL, { timeout: 30_000 });
  await expect(interviewer.getByRole('button', { name: 'Play' })).toBeVisible();
});

test('an idle stretch is shortened on the slider and marked with its real length', async ({ room }) => {
  test.setTimeout(120_000);
  const { interviewer, candidate, session } = room;
  // The room starts with the language's starter code; the candidate types over it.
  await editor(candidate).click();
  await candidate.keyboard.press('ControlOrMeta+a');
  await candidate.keyboard.type(TYPED);
  await expect.poll(() => editorCode(interviewer)).toBe(TYPED);
  await replaceCode(candidate, PASTED);
  await expect.poll(() => editorCode(interviewer)).toBe(PASTED);

  // The real recording, with ten idle minutes put before the paste (everything from it on moves later).
  const TEN_MINUTES = 600_000;
  await interviewer.route(`**/api/sessions/${session.id}/timeline`, async (route: Route) => {
    const response = await route.fetch();
    const timeline = (await response.json()) as Timeline;
    const paste = timeline.events.find((event) => event.kind === 'paste')!;
    const later = (at: number) => (at >= paste.at ? at + TEN_MINUTES : at);
    let at = timeline.startedAt;
    let moved = false;
    timeline.edits.at = timeline.edits.at.map((delta) => {
      at += delta;
      if (!moved && at >= paste.at) {
        moved = true;
        return delta + TEN_MINUTES;
      }
      return delta;
    });
    timeline.events = timeline.events.map((event) => ({ ...event, at: later(event.at) }));
    timeline.now = later(timeline.now);
    await route.fulfill({ response, json: timeline });
  });
  await interviewer.goto(`/interview/${session.id}/playback`);
  const gap = interviewer.getByTestId('idle-gap');
  await expect(gap).toHaveCount(1);
  await expect(gap).toContainText(/^10:0\d idle$/);
  await expect(events(interviewer).filter({ hasText: /Idle for 10 min \d+ s/ })).toHaveCount(1);
  // Ten minutes of nothing take seconds on the slider, not minutes.
  const max = Number(await interviewer.getByRole('slider', { name: 'Position' }).getAttribute('max'));
  expect(max).toBeLessThan(TEN_MINUTES / 10);
  await events(interviewer).filter({ hasText: 'Cara pasted' }).getByRole('button').click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(PASTED);
});
