import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { output, replaceCode } from '../support/room';
import { editorCode } from '../support/editor';

/** The rows xterm.js shows for the current run (what a person reads on screen). */
function consoleRows(page: Page) {
  return output(page).getByTestId('console-terminal').locator('.xterm-rows');
}

test("the candidate answers a program's prompt in the console; both pages show the prompt, the typed line and the answer live; playback replays it", async ({
  room,
}, testInfo) => {
  test.setTimeout(120_000);
  const { interviewer, candidate, session } = room;
  const program = 'name = input("Your name? ")\nprint(f"Hello, {name}!")\n';
  await replaceCode(candidate, program);
  await expect.poll(() => editorCode(interviewer)).toBe(program);

  await candidate.getByRole('button', { name: 'Run' }).click();
  for (const page of [interviewer, candidate]) {
    await expect(consoleRows(page)).toContainText('Your name?', { timeout: 20_000 });
    await expect(output(page).getByTestId('run-status')).toHaveText('Running…');
  }
  // The program is waiting: the candidate types her answer into the console.
  const input = candidate.getByLabel('Console input');
  await input.fill('Cara');
  await input.press('Enter');
  for (const page of [interviewer, candidate]) {
    await expect(consoleRows(page)).toContainText('Your name? Cara  ← Cara');
    await expect(consoleRows(page)).toContainText('Hello, Cara!');
    await expect(output(page).getByTestId('run-status')).toHaveText('Finished (exit code 0)');
    await expect(output(page).getByTestId('run-facts')).toContainText(/exit code 0 · wall \d+/);
  }
  await candidate.screenshot({ path: testInfo.outputPath('console-candidate.png') });

  // Playback, at the end: the console transcript with who typed what.
  await interviewer.goto(`/interview/${session.id}/playback?token=${session.interviewerToken}`);
  const slider = interviewer.getByRole('slider', { name: 'Position' });
  await expect(slider).toBeVisible();
  await slider.fill((await slider.getAttribute('max')) ?? '0');
  const transcript = interviewer.getByRole('list', { name: 'Runs so far' }).getByTestId('console-transcript');
  await expect(transcript).toHaveText('Your name? Cara ← Cara\nHello, Cara!\n');
  await interviewer.screenshot({ path: testInfo.outputPath('console-playback.png') });
  // At the run's start, the prompt had not been answered yet.
  await slider.fill('0');
  await expect(transcript).toHaveCount(0);
});

test('Stop ends an infinite loop that ignores Ctrl+C (SIGINT, then SIGKILL), for everyone', async ({ room }, testInfo) => {
  const { interviewer, candidate } = room;
  await replaceCode(
    candidate,
    'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("spinning", flush=True)\nwhile True:\n    time.sleep(0.05)\n',
  );
  await candidate.getByRole('button', { name: 'Run' }).click();
  await expect(consoleRows(interviewer)).toContainText('spinning', { timeout: 20_000 });
  await expect(candidate.getByLabel('Console input')).toBeEditable();
  await candidate.screenshot({ path: testInfo.outputPath('console-running.png') });
  await interviewer.getByTestId('console-stop').click();
  for (const page of [interviewer, candidate]) {
    // A stop, said as one with who made it, in neutral colours: not a red "Killed by signal SIGKILL".
    const status = output(page).getByTestId('run-status');
    await expect(status).toHaveText('Stopped by Ivy', { timeout: 15_000 });
    await expect(status).toHaveAttribute('data-tone', 'neutral');
    const [color, bad] = await status.evaluate((element) => [
      getComputedStyle(element).color,
      getComputedStyle(element).getPropertyValue('--console-bad').trim(),
    ]);
    const probe = await page.evaluate((value) => {
      const element = document.createElement('span');
      element.style.color = value;
      document.body.append(element);
      const computed = getComputedStyle(element).color;
      element.remove();
      return computed;
    }, bad);
    expect(color).not.toBe(probe);
    // What it printed on the way out is folded, one click away.
    const folded = output(page).getByTestId('stopped-output');
    await expect(folded).not.toHaveAttribute('open');
    await folded.getByText('Output up to the stop').click();
    await expect(consoleRows(page)).toContainText('^C by Ivy');
    await expect(consoleRows(page)).toContainText('■ Stop by Ivy');
  }
  await expect(candidate.getByLabel('Console input')).toHaveCount(0);
});
