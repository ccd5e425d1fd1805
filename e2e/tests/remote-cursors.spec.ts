import { editorCode } from '../support/editor';
import { expect, test, type TwoPersonRoom } from '../support/fixtures';
import { editor } from '../support/room';

/** The candidate's cursor at the end of the code, drawn (with her name) in the interviewer's editor. */
async function candidateCursorAtEnd({ interviewer, candidate }: TwoPersonRoom): Promise<void> {
  await editor(candidate).click();
  await candidate.keyboard.press('ControlOrMeta+End');
  await expect(interviewer.locator('.cm-ySelectionInfo', { hasText: 'Cara' })).toBeAttached();
}

test("replacing a selection that covers a remote cursor puts only the typed text in the code, never the cursor's label", async ({
  room,
}) => {
  const { interviewer, candidate } = room;
  const code = 'print(two_sum([2, 7], 9))\n';
  await candidateCursorAtEnd(room);
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.insertText(code);
  await expect.poll(() => editorCode(interviewer)).toBe(code);
  await expect.poll(() => editorCode(candidate)).toBe(code);

  // Typed key by key over a selection, too.
  await candidateCursorAtEnd(room);
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.type('x = 1');
  await expect.poll(() => editorCode(candidate)).toBe('x = 1');
  expect(await editorCode(interviewer)).toBe('x = 1');
});

test('a bracket typed over a selection still wraps it', async ({ room: { interviewer, candidate } }) => {
  await editor(interviewer).click();
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.insertText('abc');
  await interviewer.keyboard.press('ControlOrMeta+a');
  await interviewer.keyboard.type('(');
  await expect.poll(() => editorCode(candidate)).toBe('(abc)');
});
