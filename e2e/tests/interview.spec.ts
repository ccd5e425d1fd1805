import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { BACKEND_URL } from '../support/env';
import { editorCode } from '../support/editor';
import { expect, framesContain, test, type TwoPersonRoom } from '../support/fixtures';
import { editor, openHeaderPanel, openRoomTab, output, replaceCode, type CreatedSession } from '../support/room';

const NOTES = 'SECRET-NOTES-7f3c: strong on tests, weak on naming';
const FIRST = 'print("first version")\n';
const FINAL = 'def two_sum(nums, target):\n    return [0, 1]\n\nprint(two_sum([2, 7], 9))\n';

async function reportNotes(session: CreatedSession): Promise<string> {
  const response = await fetch(`${BACKEND_URL}/api/sessions/${session.id}/report`, {
    headers: { Authorization: `Bearer ${session.interviewerToken}` },
  });
  return ((await response.json()) as { notes: string }).notes;
}

async function endInterview(interviewer: Page): Promise<void> {
  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByRole('button', { name: 'End interview' }).click();
  await interviewer.getByRole('button', { name: 'Yes, end it' }).click();
}

/**
 * A whole interview to review afterwards: the candidate writes FIRST and runs it, the interviewer
 * runs it too, then writes FINAL, takes a note, and ends the interview.
 */
async function interviewWithTwoRuns({ interviewer, candidate, session }: TwoPersonRoom): Promise<void> {
  await replaceCode(candidate, FIRST);
  await expect.poll(() => editorCode(interviewer)).toBe(FIRST);
  await candidate.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 30_000 });
  await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(interviewer.getByText('Recent runs (2)')).toBeVisible({ timeout: 30_000 });
  await expect(output(interviewer).getByTestId('run-status')).toHaveText('Finished (exit code 0)', { timeout: 30_000 });
  await replaceCode(interviewer, FINAL);
  await expect.poll(() => editorCode(candidate)).toBe(FINAL);
  await openRoomTab(interviewer, 'Notes');
  await interviewer.getByLabel('Private notes').fill('Good communication.');
  await expect.poll(() => reportNotes(session)).toBe('Good communication.');
  await endInterview(interviewer);
  await expect(candidate.getByTestId('interview-ended')).toContainText('Interview ended');
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
          else if (data.startsWith('40'))
            events.forEach(([event, payload], index) => socket.send(`42${index + 1}${JSON.stringify([event, payload])}`));
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

test('the candidate sees what is recorded, and no interviewer controls or notes', async ({ room: { candidate } }) => {
  await expect(candidate.getByRole('button', { name: 'Recorded', exact: true })).toBeVisible();
  await openHeaderPanel(candidate, 'Recorded');
  await expect(candidate.getByRole('region', { name: 'What is recorded' })).toContainText('loses focus');
  await expect(candidate.getByRole('tab', { name: 'Notes' })).toHaveCount(0);
  await expect(candidate.getByRole('button', { name: 'Interview controls' })).toHaveCount(0);
  await expect(candidate.getByLabel('Private notes')).toHaveCount(0);
  await expect(candidate.getByLabel('Lock editing')).toHaveCount(0);
  await expect(candidate.getByRole('button', { name: 'End interview' })).toHaveCount(0);
});

test('private notes reach the server but never a frame of the candidate, while edits and chat keep flowing', async ({ room }) => {
  const { interviewer, candidate, candidateFrames, session } = room;
  await openRoomTab(interviewer, 'Notes');
  await interviewer.getByLabel('Private notes').fill(NOTES);
  // The notes reached the server (read back through the interviewer-only report).
  await expect.poll(() => reportNotes(session)).toBe(NOTES);

  await replaceCode(interviewer, 'print("hello")\n');
  await expect.poll(() => editorCode(candidate)).toBe('print("hello")\n');
  await openRoomTab(candidate, 'Chat');
  await candidate.getByLabel('Message').fill('Is input() allowed?');
  await candidate.getByLabel('Message').press('Enter');
  // The interviewer is in the Notes tab: the chat's log is read all the same.
  await expect(interviewer.getByRole('list', { name: 'Chat log', includeHidden: true })).toContainText('Is input() allowed?');
  await interviewer.getByLabel('Private notes').press('End');
  await interviewer.getByLabel('Private notes').pressSequentially(' +more');
  await expect.poll(() => reportNotes(session)).toBe(`${NOTES} +more`);
  // A message sent after the last note edit: once it is here, every earlier frame is too.
  await openRoomTab(interviewer, 'Chat');
  await interviewer.getByLabel('Message').fill('Noted.');
  await interviewer.getByLabel('Message').press('Enter');
  await expect(candidate.getByRole('list', { name: 'Chat log' })).toContainText('Noted.');

  expect(candidateFrames.frames.length).toBeGreaterThan(10);
  expect(framesContain(candidateFrames, 'SECRET-NOTES')).toBe(false);
  expect(framesContain(candidateFrames, '+more')).toBe(false);
  expect(candidateFrames.frames.some((frame) => typeof frame === 'string' && frame.includes('"notes"'))).toBe(false);
});

test('a collapsed chat counts messages from others as unread, cleared on opening', async ({ room: { interviewer, candidate } }) => {
  await openRoomTab(candidate, 'Chat');
  await candidate.getByRole('button', { name: 'Chat' }).click();
  await openRoomTab(interviewer, 'Chat');
  await interviewer.getByLabel('Message').fill('Yes, it is.');
  await interviewer.getByLabel('Message').press('Enter');
  await expect(candidate.getByTestId('chat-unread')).toHaveText('1');
  await candidate.getByRole('button', { name: /Chat/ }).click();
  await expect(candidate.getByRole('list', { name: 'Chat log' })).toContainText('Yes, it is.');
  await expect(candidate.getByTestId('chat-unread')).toHaveCount(0);
});

test('lock, run-disable and end sent by hand from the candidate are refused FORBIDDEN and change nothing', async ({
  room: { interviewer, candidate, session },
}) => {
  const refused = await sendByHand(candidate, session.id, [
    ['room:lock', { locked: true }],
    ['room:disable-run', { disabled: true }],
    ['room:end', {}],
  ]);
  expect(refused).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  await openHeaderPanel(interviewer, 'Interview controls');
  await expect(interviewer.getByLabel('Lock editing')).not.toBeChecked();
  await expect(interviewer.getByLabel('Disable Run for candidates')).not.toBeChecked();
  await expect(interviewer.getByRole('button', { name: 'End interview' })).toBeEnabled();
  await expect(candidate.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(candidate.getByTestId('interview-ended')).toHaveCount(0);
});

test("the interviewer's lock makes the candidate's editor read-only until unlocked", async ({ room: { interviewer, candidate } }) => {
  // The box follows the server's answer (room:state), so click and wait rather than check().
  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByLabel('Lock editing').click();
  await expect(interviewer.getByLabel('Lock editing')).toBeChecked();
  await expect(candidate.getByText('The interviewer has locked editing')).toBeVisible();
  await expect(editor(candidate)).toHaveAttribute('aria-readonly', 'true');
  await interviewer.getByLabel('Lock editing').click();
  await expect(editor(candidate)).not.toHaveAttribute('aria-readonly', 'true');
  await replaceCode(candidate, FIRST);
  await expect.poll(() => editorCode(interviewer)).toBe(FIRST);
});

test('after the end the candidate can no longer type, run or chat', async ({ room: { interviewer, candidate } }, testInfo) => {
  await replaceCode(interviewer, FINAL);
  await expect.poll(() => editorCode(candidate)).toBe(FINAL);
  await endInterview(interviewer);
  await expect(candidate.getByTestId('interview-ended')).toContainText('Interview ended');
  await expect(editor(candidate)).toHaveAttribute('aria-readonly', 'true');
  await editor(candidate).click();
  await candidate.keyboard.type('zzz');
  await candidate.keyboard.press('Enter');
  // Keystrokes apply to the local document synchronously: a read-only editor's is unchanged, so nothing was sent.
  expect(await editorCode(candidate)).toBe(FINAL);
  expect(await editorCode(interviewer)).toBe(FINAL);
  await expect(candidate.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  await expect(candidate.getByLabel('Message')).toBeDisabled();
  await candidate.screenshot({ path: testInfo.outputPath('room-candidate-ended.png') });
});

test('playback shows the code as it was at each event, and plays through to the final code', async ({ room }, testInfo) => {
  test.setTimeout(120_000);
  const { interviewer } = room;
  await interviewWithTwoRuns(room);

  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByRole('link', { name: 'Playback' }).click();
  await expect(interviewer.getByRole('slider', { name: 'Position' })).toBeVisible();
  // Seek to the interviewer's run: the code it ran, with the candidate's run already done.
  const events = interviewer.getByRole('list', { name: 'Events so far' }).getByRole('listitem');
  await events.filter({ hasText: 'Run by Ivy' }).getByRole('button').click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(FIRST);
  await expect(interviewer.getByRole('list', { name: 'Runs so far' })).toContainText('Cara: Finished (exit code 0)');
  await interviewer.screenshot({ path: testInfo.outputPath('playback.png') });
  await interviewer.getByRole('slider', { name: 'Position' }).fill('0');
  await expect(interviewer.getByTestId('playback-code')).toContainText('Hello, PairPad!');
  await interviewer.getByLabel('Speed').selectOption('32');
  await interviewer.getByRole('button', { name: 'Play' }).click();
  await expect(interviewer.getByTestId('playback-code')).toHaveText(FINAL, { timeout: 15_000 });
});

test('the report lists every run, the final code highlighted and the notes, and downloads as one file', async ({ room }, testInfo) => {
  test.setTimeout(120_000);
  const { interviewer } = room;
  await interviewWithTwoRuns(room);

  await openHeaderPanel(interviewer, 'Interview controls');
  await interviewer.getByRole('link', { name: 'Report' }).click();
  const runs = interviewer.getByRole('list', { name: 'Runs' }).getByRole('listitem');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText('Finished (exit code 0) — Cara');
  await expect(runs.nth(1)).toContainText('Finished (exit code 0) — Ivy');
  await expect(interviewer.getByTestId('report-code')).toHaveText(FINAL);
  await expect(interviewer.getByTestId('report-code').locator('.hljs-keyword').first()).toHaveText('def');
  await expect(interviewer.getByTestId('report-language')).toHaveText('Python');
  await expect(interviewer.getByRole('table', { name: 'Participants' })).toContainText('Cara');
  await expect(interviewer.getByText('Good communication.')).toBeVisible();
  await interviewer.screenshot({ path: testInfo.outputPath('report.png'), fullPage: true });
  const [download] = await Promise.all([
    interviewer.waitForEvent('download'),
    interviewer.getByRole('button', { name: 'Download report' }).click(),
  ]);
  const html = await readFile((await download.path())!, 'utf8');
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).toContain('<style>');
  expect(html).not.toMatch(/<script|<link|src=/i);
  expect(html).toContain('two_sum');
  expect(html.match(/Finished \(exit code 0\)/g)).toHaveLength(2);
  await interviewer.emulateMedia({ media: 'print' });
  await expect(interviewer.getByRole('button', { name: 'Download report' })).toBeHidden();
});
