import { expect, test } from '@playwright/test';
import { createSessionViaApi, participantList, joinRoom } from '../support/room';

// Names are limited to 40 characters, so the payloads are short ones that still execute if rendered as HTML.
const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_OUTPUT = '<img src=x onerror="window.__pwned=1">';

test('pages carry a nonce-based Content Security Policy and security headers', async ({ page }) => {
  const response = await page.goto('/');
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  // The app still works under the policy: the sign-in form is interactive (it asked the backend who is signed in).
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
});

test('an XSS string as a name and in program output shows as text and never runs', async ({ browser }) => {
  const session = await createSessionViaApi({ name: 'Ida' });
  const interviewerContext = await browser.newContext();
  const candidateContext = await browser.newContext();
  const interviewer = await interviewerContext.newPage();
  const candidate = await candidateContext.newPage();
  const dialogs: string[] = [];
  for (const page of [interviewer, candidate])
    page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));

  await joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await joinRoom(candidate, `/interview/${session.id}?name=${encodeURIComponent(XSS_NAME)}`);
  await expect(participantList(interviewer)).toContainText(XSS_NAME);
  await expect(interviewer.locator('img[src="x"]')).toHaveCount(0);

  // A program printing HTML: both pages show the characters, no element is created.
  await interviewer.getByLabel('Language').selectOption('python');
  await candidate.getByLabel('Input', { exact: true }).fill(XSS_OUTPUT);
  await interviewer.locator('.cm-content').click();
  await interviewer.keyboard.press('Control+a');
  await interviewer.keyboard.type('print(input())\n');
  await interviewer.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [interviewer, candidate]) {
    await expect(page.getByRole('region', { name: 'Output', exact: true })).toContainText(XSS_OUTPUT, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }
  expect(dialogs).toEqual([]);
  await interviewerContext.close();
  await candidateContext.close();
});
