import { EditorView } from '@codemirror/view';

/**
 * Typing over a selection, applied through CodeMirror's state instead of the browser's DOM edit.
 *
 * CodeMirror normally lets the browser change the DOM and then reads the change back. When the
 * selection covers a remote cursor (y-codemirror.next draws it as an editable inline widget with
 * the user's name and word joiners), the browser's edit tears that widget apart and the read-back
 * takes its text for typed text: "print(x)\n⁠⁠Cara⁠" lands in everyone's document. Replacing the
 * selection ourselves leaves the DOM to CodeMirror. The editor's input handlers (closeBrackets
 * wrapping a selection in brackets) still see the input first; IME composition is left alone.
 */
export const selectionReplacingInput = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== 'insertText' || !event.data || event.isComposing || view.composing) return false;
    const { state } = view;
    if (state.readOnly || state.selection.ranges.every((range) => range.empty)) return false;
    event.preventDefault();
    const text = event.data;
    const { from, to } = state.selection.main;
    const insert = () => state.update(state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true });
    if (state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) return true;
    view.dispatch(insert());
    return true;
  },
});
