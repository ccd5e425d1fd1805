import { Prec, type Extension } from '@codemirror/state';
import { EditorView, runScopeHandlers } from '@codemirror/view';

/**
 * Keys pressed in the editor while its editing aids load (lib/editing-aids.ts), held and replayed
 * in order once they are in: Enter typed right after the first click still indents, "(" still
 * gets its ")", Tab still indents instead of leaving the editor. Only plain and shifted keys are
 * held; anything with Ctrl, Alt or Meta (copy, paste, undo) goes through at once, as do IME
 * composition and dead keys.
 */
export interface HeldKeys {
  extension: Extension;
  /** From now on, plain keys wait. */
  hold(): void;
  /** Replays the waiting keys through the editor's key bindings and input handlers, then stops holding. */
  release(view: EditorView): void;
}

/** Keys never held: modifiers alone, and the ones that start a composition (a dead key's accent). */
const PASSED_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'AltGraph', 'Dead', 'Process', 'Unidentified']);

export function heldKeys(): HeldKeys {
  let holding = false;
  const waiting: KeyboardEvent[] = [];
  const extension = Prec.highest(
    EditorView.domEventHandlers({
      keydown(event, view) {
        if (!holding || event.isComposing || view.composing || PASSED_KEYS.has(event.key)) return false;
        if (event.ctrlKey || event.altKey || event.metaKey) return false;
        waiting.push(event);
        return true;
      },
    }),
  );
  return {
    extension,
    hold: () => {
      holding = true;
    },
    release: (view) => {
      holding = false;
      for (const event of waiting.splice(0)) replay(view, event);
    },
  };
}

function replay(view: EditorView, event: KeyboardEvent): void {
  if (runScopeHandlers(view, event, 'editor')) return;
  // A printable key nothing bound: typed, through the input handlers (closing brackets) first.
  if ([...event.key].length !== 1 || view.state.readOnly) return;
  const text = event.key;
  const { from, to } = view.state.selection.main;
  const insert = () => view.state.update(view.state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true });
  if (view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) return;
  view.dispatch(insert());
}
