import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { editorCode } from '../support/editor';
import { openRoomTab, replaceCode } from '../support/room';

/**
 * Live previews in the room: the React template's dev server started from the room, the app on
 * both participants' pages (each in a frame of the preview origin), an edit of App.tsx reaching
 * both through Vite's HMR websocket (the app's state survives: no reload); a Flask endpoint.
 */

test.use({ sessionBody: { name: 'Ivy', language: 'typescript', title: 'Fix the React app' } });

function previewFrame(page: Page) {
  return page.frameLocator('[data-testid="preview-frame"]');
}

test('the React template runs in the preview on both pages; an edit of App.tsx reaches both through HMR', async ({ room }) => {
  test.setTimeout(150_000);
  const { interviewer, candidate } = room;
  const panels = await Promise.all([interviewer, candidate].map((page) => openRoomTab(page, 'Preview')));
  await panels[0]!.getByLabel('Template').selectOption('react-vite');
  await panels[0]!.getByRole('button', { name: 'Start' }).click();
  for (const page of [interviewer, candidate]) {
    await expect(page.getByTestId('preview-status')).toHaveText('Running', { timeout: 60_000 });
    await expect(previewFrame(page).getByRole('heading', { name: 'Hello from React' })).toBeVisible({ timeout: 30_000 });
  }
  // The first start loaded the template's App.tsx into the editor.
  await expect.poll(() => editorCode(candidate)).toContain('Hello from React');
  // The frame is on the preview origin, not PairPad's.
  const src = await candidate.getByTestId('preview-frame').getAttribute('src');
  expect(new URL(src!).hostname).toMatch(/^[0-9a-f]{16}-[0-9a-z]+-[0-9a-f]{32}\.preview\.localhost$/);

  // State in the app, so that a reload (instead of HMR) would show.
  await previewFrame(candidate).getByRole('button', { name: 'Clicked 0 times' }).click();
  await expect(previewFrame(candidate).getByRole('button', { name: 'Clicked 1 times' })).toBeVisible();

  const code = await editorCode(candidate);
  await replaceCode(candidate, code.replace('Hello from React', 'Hello, HMR'));
  for (const page of [interviewer, candidate]) {
    await expect(previewFrame(page).getByRole('heading', { name: 'Hello, HMR' })).toBeVisible({ timeout: 20_000 });
  }
  // Hot replaced, not reloaded: the count survived.
  await expect(previewFrame(candidate).getByRole('button', { name: 'Clicked 1 times' })).toBeVisible();
  await expect(candidate.getByTestId('preview-log')).toContainText('VITE');

  await panels[1]!.getByRole('button', { name: 'Stop' }).click();
  for (const page of [interviewer, candidate]) await expect(page.getByTestId('preview-status')).toContainText('Not running');
});

test('the Flask template answers its endpoint in the preview', async ({ room }) => {
  test.setTimeout(120_000);
  const { interviewer, candidate } = room;
  const panel = await openRoomTab(interviewer, 'Preview');
  await panel.getByLabel('Template').selectOption('python-flask');
  await panel.getByRole('button', { name: 'Start' }).click();
  await expect(interviewer.getByTestId('preview-status')).toHaveText('Running', { timeout: 60_000 });
  await expect(previewFrame(interviewer).getByRole('heading', { name: 'Hello from Flask' })).toBeVisible();
  await openRoomTab(candidate, 'Preview');
  await previewFrame(candidate).getByRole('link', { name: '/api/hello' }).click();
  await expect(previewFrame(candidate).locator('body')).toContainText(/"message":\s*"Hello, PairPad!"/);
});
