import type { Extension } from '@codemirror/state';
import { EditorView, type Command } from '@codemirror/view';
import { yUndoManagerKeymap } from 'y-codemirror.next';
import type { KeyBindings } from './editor-settings';

/**
 * Vim and Emacs key bindings (Replit's maintained CodeMirror 6 packages), each loaded only when
 * someone picks it: neither is in the room page's first load nor in the editor's own chunk.
 *
 * Both packages undo through CodeMirror's history, which this editor leaves out on purpose (undo
 * is Y.UndoManager's, so it only ever reverts this person's edits). Their undo and redo are
 * pointed at yCollab's commands instead, once per page load (the packages keep their bindings in
 * module-level tables).
 */

function yjsCommand(key: string): Command {
  const command = yUndoManagerKeymap.find((binding) => binding.key === key)?.run;
  if (!command) throw new Error(`y-codemirror.next no longer binds ${key}: update editor-key-bindings.ts`);
  return command;
}

/** Loads once per page; a failed download (network blip) is retried on the next choice. */
function once(load: () => Promise<Extension>): () => Promise<Extension> {
  let loading: Promise<Extension> | null = null;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

const loadVim = once(() =>
  import('@replit/codemirror-vim').then(({ vim, CodeMirror }) => {
    const undo = yjsCommand('Mod-z');
    const redo = yjsCommand('Mod-Shift-z');
    CodeMirror.commands.undo = (cm) => void undo(cm.cm6);
    CodeMirror.commands.redo = (cm) => void redo(cm.cm6);
    // The mode line ("--INSERT--", pending keys, ":" commands) under the editor.
    return vim({ status: true });
  }),
);

const loadEmacs = once(() =>
  import('@replit/codemirror-emacs').then(({ emacs, EmacsHandler }) => {
    // The same chords the package binds to CodeMirror's history.
    EmacsHandler.bindKey('C-/|C-x u|S-C--|C-z', yjsCommand('Mod-z'));
    EmacsHandler.bindKey('S-C-/|S-C-x u|C--|S-C-z', yjsCommand('Mod-Shift-z'));
    return emacs();
  }),
);

function bindingsFor(choice: KeyBindings): Promise<Extension> {
  switch (choice) {
    case 'standard':
      return Promise.resolve([]);
    case 'vim':
      return loadVim();
    case 'emacs':
      return loadEmacs();
    default: {
      const unknown: never = choice;
      throw new Error(`Unknown key bindings ${String(unknown)}`);
    }
  }
}

/**
 * The extension for a key-binding choice ("standard" is CodeMirror's default keymap alone). It
 * marks the editor with `data-key-bindings` once the bindings are in, for styling and tests.
 */
export async function loadKeyBindings(choice: KeyBindings): Promise<Extension> {
  return [EditorView.editorAttributes.of({ 'data-key-bindings': choice }), await bindingsFor(choice)];
}
