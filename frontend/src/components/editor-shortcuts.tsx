'use client';

import { useEditorSettings } from '@/lib/editor-settings-store';
import styles from './editor-shortcuts.module.css';

/** The keys line under the editor, for the key bindings this person chose (Settings menu). */
export function EditorShortcuts() {
  const [{ keyBindings }] = useEditorSettings();
  const leave = (
    <>
      <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the editor
    </>
  );
  return (
    <p className={styles.shortcuts} data-testid="editor-shortcuts">
      {keyBindings === 'vim' ? (
        <>
          Vim keys · <kbd>u</kbd> undoes your own edits · <kbd>/</kbd> search · {leave}
        </>
      ) : keyBindings === 'emacs' ? (
        <>
          Emacs keys · <kbd>Ctrl</kbd>+<kbd>/</kbd> undoes your own edits · <kbd>Ctrl</kbd>+<kbd>S</kbd> search · {leave}
        </>
      ) : (
        <>
          <kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes your own edits · <kbd>Ctrl</kbd>+<kbd>F</kbd> search · <kbd>Tab</kbd> indents · {leave}
        </>
      )}
    </p>
  );
}
