import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { foldKeymap } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import type { Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { editorCompletion } from './editor-completion';

/**
 * What the editor needs to be typed into comfortably but not to show, highlight or accept text:
 * closing brackets, completion, the default keys (Enter that indents, Tab, Backspace by
 * indent unit, line moves…), search. Loaded on the person's first focus or press in the editor
 * (components/code-editor.tsx), not with it, so the room's first load carries none of
 * `@codemirror/autocomplete`, `@codemirror/commands` or `@codemirror/search` (issue 21). Each
 * part goes where it sat in the editor's one extension list before, so key precedence is unchanged.
 */
export interface EditingAids {
  /** Where closeBrackets and completion sat: after bracket matching. */
  input: Extension;
  /** After the editor's undo keys: closing brackets' Backspace, then the default keymap. */
  keys: Extension;
  /** After the default keys: search. */
  search: Extension;
  /** Last: folding's, completion's and Tab's keys. */
  tail: Extension;
}

export const editingAids: EditingAids = {
  input: [closeBrackets(), editorCompletion],
  keys: keymap.of([...closeBracketsKeymap, ...defaultKeymap]),
  search: [highlightSelectionMatches(), keymap.of(searchKeymap)],
  tail: keymap.of([...foldKeymap, ...completionKeymap, indentWithTab]),
};
