import { expect, type Locator, type Page } from '@playwright/test';
import { editorCode } from './editor';
import { BACKEND_URL } from './env';
import { memberCredentials } from './member';

export interface CreatedSession {
  id: string;
  interviewerToken: string;
}

/** Creates a session through the real REST API as the signed-in member (for tests that are not about the dashboard). */
export async function createSessionViaApi(
  body: { name?: string; language?: string; title?: string; questionId?: string; candidateName?: string; candidateEmail?: string } = {},
): Promise<CreatedSession> {
  const { cookie, csrfToken } = memberCredentials();
  const response = await fetch(`${BACKEND_URL}/api/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ language: 'python', ...body }),
  });
  expect(response.status, 'POST /api/sessions').toBe(201);
  return (await response.json()) as CreatedSession;
}

export function editor(page: Page): Locator {
  return page.locator('.cm-content');
}

/**
 * The participants list. It lives in the header's "People" panel, closed unless someone opened
 * it; its text is read all the same (use `openPeople` before clicking in it).
 */
export function participantList(page: Page): Locator {
  return page.getByRole('list', { name: 'Participants', includeHidden: true });
}

/** The entries of the participants list, open or closed. */
export function participantItems(page: Page): Locator {
  return participantList(page).locator('li');
}

/** Opens a header panel ("People", "Interview controls", the candidate's "Recorded") unless it is open already. */
export async function openHeaderPanel(page: Page, name: 'People' | 'Interview controls' | 'Recorded'): Promise<Locator> {
  const button = page.getByRole('button', { name, exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  return page.getByRole('group', { name, exact: true });
}

export type RoomTabName = 'Output & console' | 'Run' | 'Tests' | 'Question' | 'Preview' | 'Chat' | 'Notes' | 'Scorecard' | 'Code';

/** Selects a tab of the room (the side area's, or on a phone the tab bar's) and returns its panel. */
export async function openRoomTab(page: Page, name: RoomTabName): Promise<Locator> {
  const tab = roomTab(page, name);
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('tabpanel', { name, exact: true });
}

/** A tab of the room by its label (its accessible name may go on with ", 2 new"). */
export function roomTab(page: Page, name: RoomTabName): Locator {
  return page.getByRole('tab', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*,|$)`) });
}

export async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveText('Connected');
  await expect(editor(page)).toBeVisible();
}

/** Replaces the whole document as one paste (no auto-indent or bracket closing on the way). */
export async function replaceCode(page: Page, code: string): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
  await expect.poll(() => editorCode(page)).toBe(code);
}

/** The run output region ("Output"). */
export function output(page: Page): Locator {
  return page.getByRole('region', { name: 'Output', exact: true });
}

/**
 * Opens a room link and joins through the name prompt, which every browser that has not joined
 * this session yet is shown (a `?name=` only pre-fills it). `name` types another name first.
 */
export async function joinRoom(page: Page, url: string, name?: string): Promise<void> {
  await page.goto(url);
  if (name !== undefined) await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join interview' }).click();
  await expectConnected(page);
}
