import { readFile } from 'node:fs/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { BACKEND_URL } from '../support/env';
import { createSessionViaApi, editor, editorText, expectConnected, type CreatedSession } from '../support/room';

const NOTES = 'SECRET-NOTES-7f3c: strong on tests, weak on naming';

/** Every websocket frame (text or binary) a page receives, as text and as bytes. */
function captureFrames(page: Page): { frames: Array<string | Buffer> } {
  const capture = { frames: [] as Array<string | Buffer> };
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => capture.frames.push(frame.payload)));
  return capture;
}

function framesContain(frames: Array<string | Buffer>, needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return frames.some((frame) => (typeof frame === 'string' ? frame.includes(needle) : frame.includes(bytes)));
}

async function openRoom(browser: Browser, session: CreatedSession, capture = false) {
  const interviewer = await (await browser.newContext()).newPage();
  const candidate = await (await browser.newContext()).newPage();
  const candidateFrames = capture ? captureFrames(candidate) : { frames: [] };
  await interviewer.goto(`/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`);
  await candidate.goto(`/interview/${session.id}?name=Cara`);
  await Promise.all([expectConnected(interviewer), expectConnected(candidate)]);
  return { interviewer, candidate, candidateFrames };
}

async function replaceCode(page: Page, code: string): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
  await expect.poll(() => editorText(page)).toBe(code);
}

/**
 * From inside the candidate's page, a hand-made Socket.IO client speaking the raw Engine.IO v4
 * protocol with the candidate's own handshake (no token): exactly what a candidate could do from
 * the browser console. Sends each event with an ack id and returns the error code of each ack.
 */
async function sendByHand(page: Page, sessionId: string, events: Array<[string, unknown]>): Promise<string[]> {
  const url = `${BACKEND_URL.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  return page.evaluate(
    ({ url, sessionId, events }) =>
      new Promise<string[]>((resolve, reject) => {
        const socket = new WebSocket(url);
        const answers = new Map<number, string>();
        const timer = setTimeout(() => reject(new Error('no acks in time')), 10_000);
        socket.onmessage = ({ data }) => {
          if (typeof data !== 'string') return; // binary attachments (Yjs) are not acks
          if (data.startsWith('0')) socket.send(`40${JSON.stringify({ sessionId, name: 'Cara' })}`);
          else if (data === '2') socket.send('3');
          else if (data.startsWith('40')) events.forEach(([event, payload], index) => socket.send(`42${index + 1}${JSON.stringify([event, payload])}`));
          else {
            const ack = /^43(\d+)(.*)$/s.exec(data);
            if (!ack) return;
            const [result] = JSON.parse(ack[2]!) as [{ ok: boolean; error?: { code: string } }];
            answers.set(Number(ack[1]), result.ok ? 'OK' : (result.error?.code ?? '?'));
            if (answers.size === events.length) {
              clearTimeout(timer);
              socket.close();
              resolve(events.map((_, index) => answers.get(index + 1)!));
            }
          }
        };
        socket.onerror = () => reject(new Error('websocket failed'));
      }),
    { url, sessionId, events },
  );
}

test('private notes never reach the candidate; lock, run-disable and end sent by hand from the candidate are refused FORBIDDEN', async ({ browser }) => {
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python', title: 'Notes privacy' });
  const { interviewer, candidate, candidateFrames } = await openRoom(browser, session, true);

  // The candidate sees what is recorded, and no interviewer controls or notes.
  await expect(candidate.getByRole('region', { name: 'What is recorded' })).toContainText('loses focus');
  await expect(candidate.getByLabel('Private notes')).toHaveCount(0);
  await expect(candidate.getByLabel('Lock editing')).toHaveCount(0);
  await expect(candidate.getByRole('button', { name: 'End interview' })).toHaveCount(0);

  await interviewer.getByLabel('Private notes').fill(NOTES);
  // The notes reached the server (read back through the interviewer-only report).
  await expect
    .poll(async () => {
      const response = await fetch(`${BACKEND_URL}/api/sessions/${session.id}/report`, { headers: { Authorization: `Bearer ${session.interviewerToken}` } });
      return ((await response.json()) as { notes: string }).notes;
    })
    .toBe(NOTES);

  // Traffic keeps flowing to the candidate meanwhile: edits, chat, presence.
  await replaceCode(interviewer, 'print("hello")\n');
  await expect.poll(() => editorText(candidate)).toBe('print("hello")\n');
  await candidate.getByLabel('Message').fill('Is input() allowed?');
  await candidate.getByLabel('Message').press('Enter');
  await expect(interviewer.getByRole('list', { name: 'Chat log' })).toContainText('Is input() allowed?');
  // Collapsed chat: new messages from others show as an unread count, cleared on opening.
  await candidate.getByRole('button', { name: 'Chat' }).click();
  await interviewer.getByLabel('Message').fill('Yes, it is.');
  await interviewer.getByLabel('Message').press('Enter');
  await expect(candidate.getByTestId('chat-unread')).toHaveText('1');
  await candidate.getByRole('button', { name: /Chat/ }).click();
  await expect(candidate.getByRole('list', { name: 'Chat log' })).toContainText('Yes, it is.');
  await expect(candidate.getByTestId('chat-unread')).toHaveCount(0);
  await interviewer.getByLabel('Private notes').press('End');
  await interviewer.getByLabel('Private notes').pressSequentially(' +more');

  const refused = await sendByHand(candidate, session.id, [
    ['room:lock', { locked: true }],
    ['room:disable-run', { disabled: true }],
    ['room:end', {}],
  ]);
  expect(refused).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  // Nothing changed: the interviewer's controls still show an open, unlocked room.
  await expect(interviewer.getByLabel('Lock editing')).not.toBeChecked();
  await expect(interviewer.getByLabel('Disable Run for candidates')).not.toBeChecked();
  await expect(interviewer.getByRole('button', { name: 'End interview' })).toBeEnabled();
  await expect(candidate.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(candidate.getByTestId('interview-ended')).toHaveCount(0);

  expect(candidateFrames.frames.length).toBeGreaterThan(10);
  expect(framesContain(candidateFrames.frames, 'SECRET-NOTES')).toBe(false);
  expect(framesContain(candidateFrames.frames, '+more')).toBe(false);
  expect(candidateFrames.frames.some((frame) => typeof frame === 'string' && frame.includes('"notes"'))).toBe(false);
});

test('the interviewer locks and ends: the candidate cannot type; playback in the middle shows the code of then; the report lists every run', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const session = await createSessionViaApi({ name: 'Ivy', language: 'python', title: 'Two sum' });
  const { interviewer, candidate } = await openRoom(browser, session);
  const first = 'print("first version")\n';
  const final = 'def two_sum(nums, target):\n    return [0, 1]\n\nprint(two_sum([2, 7], 9))\n';

  // Lock: the candidate's editor is read-only until unlocked.
  // The box follows the server's answer (room:state), so click and wait rather than check().
  await interviewer.getByLabel('Lock editing').click();
  await expect(interviewer.getByLabel('Lock editing')).toBeChecked();
  await expect(candidate.getByText('The interviewer has locked editing')).toBeVisible();
  await expect(editor(candidate)).toHaveAttribute('aria-readonly', 'true');
  await interviewer.getByLabel('Lock editing').click();
  await expect(editor(candidate)).not.toHaveAttribute('aria-readonly', 'true');

  await replaceCode(candidate, first);
  await expect.poll(() => editorText(interviewer)).toBe(first);
  const output = (page: Page) => page.getByRole('region', { name: 'Output' });
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 30_000 });
  await interviewer.waitForTimeout(2_500);
  await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(interviewer.getByText('Recent runs (2)')).toBeVisible({ timeout: 30_000 });
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 30_000 });
  await interviewer.waitForTimeout(2_500);
  await replaceCode(interviewer, final);
  await expect.poll(() => editorText(candidate)).toBe(final);
  await interviewer.getByLabel('Private notes').fill('Good communication.');
  await candidate.getByLabel('Message').fill('Done!');
  await candidate.getByLabel('Message').press('Enter');
  await expect(interviewer.getByRole('list', { name: 'Chat log' })).toContainText('Done!');
  await interviewer.screenshot({ path: testInfo.outputPath('room-interviewer.png') });
  await candidate.screenshot({ path: testInfo.outputPath('room-candidate.png') });

  // End: the candidate sees it, and typing changes nothing anywhere.
  await interviewer.getByRole('button', { name: 'End interview' }).click();
  await interviewer.getByRole('button', { name: 'Yes, end it' }).click();
  await expect(candidate.getByTestId('interview-ended')).toContainText('Interview ended');
  await expect(editor(candidate)).toHaveAttribute('aria-readonly', 'true');
  await editor(candidate).click();
  await candidate.keyboard.type('zzz');
  await candidate.keyboard.press('Enter');
  await candidate.waitForTimeout(500);
  expect(await editorText(candidate)).toBe(final);
  expect(await editorText(interviewer)).toBe(final);
  await expect(candidate.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  await expect(candidate.getByLabel('Message')).toBeDisabled();
  await candidate.screenshot({ path: testInfo.outputPath('room-candidate-ended.png') });

  // Playback, in the middle of the session: the first version, with the first run done.
  await interviewer.getByRole('link', { name: 'Playback' }).click();
  const slider = interviewer.getByRole('slider', { name: 'Position' });
  await expect(slider).toBeVisible();
  const max = Number(await slider.getAttribute('max'));
  await slider.fill(String(Math.round(max / 2)));
  await expect(interviewer.getByTestId('playback-code')).toHaveText(first);
  await expect(interviewer.getByRole('list', { name: 'Runs so far' })).toContainText('Finished (exit code 0)');
  await interviewer.screenshot({ path: testInfo.outputPath('playback.png') });
  await slider.fill('0');
  await expect(interviewer.getByTestId('playback-code')).toContainText('Hello, PairPad!');
  await interviewer.getByLabel('Speed').selectOption('32');
  await interviewer.getByRole('button', { name: 'Play' }).click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(final, { timeout: 15_000 });

  // Report: every run, the final code highlighted, notes; downloadable as one self-contained file.
  await interviewer.getByRole('link', { name: 'Report' }).click();
  const runs = interviewer.getByRole('list', { name: 'Runs' }).getByRole('listitem');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText('Finished (exit code 0) — Cara');
  await expect(runs.nth(1)).toContainText('Finished (exit code 0) — Ivy');
  await expect(interviewer.getByTestId('report-code')).toHaveText(final);
  await expect(interviewer.getByTestId('report-code').locator('.hljs-keyword').first()).toHaveText('def');
  await expect(interviewer.getByTestId('report-language')).toHaveText('Python');
  await expect(interviewer.getByRole('table', { name: 'Participants' })).toContainText('Cara');
  await expect(interviewer.getByText('Good communication.')).toBeVisible();
  await interviewer.screenshot({ path: testInfo.outputPath('report.png'), fullPage: true });
  const [download] = await Promise.all([interviewer.waitForEvent('download'), interviewer.getByRole('button', { name: 'Download report' }).click()]);
  const html = await readFile((await download.path())!, 'utf8');
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).toContain('<style>');
  expect(html).not.toMatch(/<script|<link|src=/i);
  expect(html).toContain('two_sum');
  expect(html.match(/Finished \(exit code 0\)/g)).toHaveLength(2);
  await interviewer.emulateMedia({ media: 'print' });
  await expect(interviewer.getByRole('button', { name: 'Download report' })).toBeHidden();
});
