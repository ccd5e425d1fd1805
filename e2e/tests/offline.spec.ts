import { expect, test } from '@playwright/test';
import { createSessionViaApi, editor, joinRoom } from '../support/room';
import { editorCode } from '../support/editor';

test('a page that goes offline says so, keeps editing, and its edits merge when it is back', async ({ browser }) => {
  const session = await createSessionViaApi({ name: 'Ida' });
  const onlineContext = await browser.newContext();
  const offlineContext = await browser.newContext();
  const online = await onlineContext.newPage();
  const flaky = await offlineContext.newPage();
  await joinRoom(online, `/interview/${session.id}?token=${session.interviewerToken}&name=Ida`);
  await joinRoom(flaky, `/interview/${session.id}?name=Cam`);

  await offlineContext.setOffline(true);
  await expect(flaky.getByTestId('connection-status')).toHaveText('Offline');
  // Type at the very end of the document while cut off; the other side types too.
  await editor(flaky).click();
  await flaky.keyboard.press('Control+End');
  await flaky.keyboard.type('\n# typed while offline');
  await editor(online).click();
  await online.keyboard.press('Control+Home');
  await online.keyboard.type('# typed online\n');
  await expect.poll(() => editorCode(online)).toContain('# typed online');
  expect(await editorCode(online)).not.toContain('typed while offline');

  await offlineContext.setOffline(false);
  await expect(flaky.getByTestId('connection-status')).toHaveText('Connected', { timeout: 20_000 });
  await expect.poll(() => editorCode(online), { timeout: 15_000 }).toContain('# typed while offline');
  await expect.poll(() => editorCode(flaky)).toContain('# typed online');
  expect(await editorCode(flaky)).toBe(await editorCode(online));
  await onlineContext.close();
  await offlineContext.close();
});
