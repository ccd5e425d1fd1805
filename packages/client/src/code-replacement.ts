import type * as Y from 'yjs';

/**
 * The origin of a programmatic replacement of the shared code (a question's starter loaded over
 * the code, or the "Undo" of that load). Its own object, so an undo manager can tell it from typing.
 */
export const CODE_REPLACEMENT = Object.freeze({ kind: 'code-replacement' as const });

/** Replaces the whole text in one local transaction of origin {@link CODE_REPLACEMENT}; returns what it replaced. */
export function replaceSharedCode(text: Y.Text, code: string): string {
  const previous = text.toString();
  const doc = text.doc;
  const apply = () => {
    text.delete(0, text.length);
    text.insert(0, code);
  };
  if (doc) doc.transact(apply, CODE_REPLACEMENT);
  else apply();
  return previous;
}

/**
 * Makes every code replacement one undo step of its own in `undoManager` (and tracked by it).
 *
 * Y.UndoManager merges tracked changes less than `captureTimeout` (500 ms) apart into one step, so
 * a starter loaded within half a second of the last keystroke was merged with that typing, and
 * Ctrl+Z then reverted both: the room's hello world came back instead of the typed code (the
 * questions.spec flake, fast runs only). Capturing stops right before and right after each
 * replacement, whatever the timing. Returns the function that detaches it.
 */
export function keepReplacementsApart(undoManager: Y.UndoManager): () => void {
  const doc = undoManager.doc;
  undoManager.addTrackedOrigin(CODE_REPLACEMENT);
  const before = (transaction: Y.Transaction) => {
    if (transaction.origin === CODE_REPLACEMENT) undoManager.stopCapturing();
  };
  // Registered after the undo manager's own handler, so this runs once the step is recorded.
  const after = (transaction: Y.Transaction) => {
    if (transaction.origin === CODE_REPLACEMENT) undoManager.stopCapturing();
  };
  doc.on('beforeTransaction', before);
  doc.on('afterTransaction', after);
  return () => {
    doc.off('beforeTransaction', before);
    doc.off('afterTransaction', after);
    undoManager.removeTrackedOrigin(CODE_REPLACEMENT);
  };
}
