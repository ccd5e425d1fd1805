'use client';

import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { Compartment, EditorState } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { bracketMatching, foldGutter, indentOnInput } from '@codemirror/language';
import { keepReplacementsApart } from '@pairpad/client';
import type { LanguageId } from '@pairpad/protocol';
import { languageKeywords } from '@/lib/editor-keywords';
import type { EditingAids } from '@/lib/editing-aids';
import { heldKeys } from '@/lib/held-keys';
import { loadKeyBindings } from '@/lib/editor-key-bindings';
import { useEditorSettings } from '@/lib/editor-settings-store';
import { darkFlag, editorAppearance, fontSizeTheme } from '@/lib/editor-theme';
import { loadLanguageSupport } from '@/lib/language-support';
import { remoteCursorActivity } from '@/lib/remote-cursor-activity';
import { selectionReplacingInput } from '@/lib/selection-replacing-input';
import { useResolvedTheme } from '@/lib/use-resolved-theme';
import styles from './code-editor.module.css';
import { withParticipantLabels } from '@/room/participants';

export interface CodeEditorProps {
  text: Y.Text;
  awareness: Awareness;
  /** The language the text is highlighted as; null: plain text (a file of no known language). */
  language: LanguageId | null;
  readOnly?: boolean;
  /** The editor's accessible name (the file's path in a workspace). */
  label?: string;
}

/** The parts of the editor that change while it lives, each reconfigured on its own. */
function createSlots() {
  return {
    language: new Compartment(),
    readOnly: new Compartment(),
    keyBindings: new Compartment(),
    dark: new Compartment(),
    fontSize: new Compartment(),
    // The editing aids (lib/editing-aids.ts), each where it sat in the list before they were deferred.
    aids: { input: new Compartment(), keys: new Compartment(), search: new Compartment(), tail: new Compartment() },
  };
}

/**
 * The editing aids (closing brackets, completion, default keys, search) load when the person
 * first focuses or presses in the editor, not with it: nothing of them is needed to show,
 * highlight or accept text, and leaving them out of the room's first load saves ~31 kB (issue
 * 21). Focus comes before a key reaches the editor; keys pressed before the aids are in wait for
 * them (lib/held-keys.ts).
 */
const loadEditingAids = (language: LanguageId | null) =>
  Promise.all([import('@/lib/editing-aids'), language === null ? null : loadLanguageSupport(language, 'editing')]).then(
    ([{ editingAids }, support]) => ({ aids: editingAids, support }),
  );

function aidsEffects(slots: ReturnType<typeof createSlots>['aids'], aids: EditingAids) {
  return [
    slots.input.reconfigure(aids.input),
    slots.keys.reconfigure(aids.keys),
    slots.search.reconfigure(aids.search),
    slots.tail.reconfigure(aids.tail),
  ];
}

/**
 * The shared editor: CodeMirror 6 bound to the room's Y.Text with yCollab (remote cursors and
 * selections with names, per-user undo). The CodeMirror history extension is deliberately absent:
 * Y.UndoManager only tracks this user's edits, so Ctrl+Z never undoes someone else's typing.
 *
 * This person's settings (theme, key bindings, font size; lib/editor-settings.ts) are applied
 * through Compartments: changing one reconfigures the live editor, keeping the Yjs binding, the
 * undo history, the cursor and the scroll position.
 */
export default function CodeEditor({ text, awareness, language, readOnly = false, label = 'Code editor' }: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const [slots] = useState(createSlots);
  const [{ keyBindings, fontSize }] = useEditorSettings();
  const theme = useResolvedTheme();
  // What the editor starts with; later changes go through the effects below.
  const initial = useRef({ fontSize, theme });
  initial.current = { fontSize, theme };
  // Vim and Emacs read keys themselves (not through the keymap held keys are replayed into).
  const standardKeys = useRef(keyBindings === 'standard');
  standardKeys.current = keyBindings === 'standard';
  const languageNow = useRef(language);
  languageNow.current = language;
  // The editing aids are in: the language's full support from now on (lib/language-support.ts).
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const undoManager = new Y.UndoManager(text);
    // A starter loaded over the code is one undo step, however soon after the last keystroke.
    const detachReplacements = keepReplacementsApart(undoManager);
    const held = heldKeys();
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          // First, so Vim or Emacs sees keys before the default keymap.
          slots.keyBindings.of([]),
          held.extension,
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          highlightSpecialChars(),
          drawSelection(),
          dropCursor(),
          EditorState.allowMultipleSelections.of(true),
          indentOnInput(),
          bracketMatching(),
          slots.aids.input.of([]),
          rectangularSelection(),
          crosshairCursor(),
          highlightActiveLine(),
          keymap.of(yUndoManagerKeymap),
          slots.aids.keys.of([]),
          slots.aids.search.of([]),
          slots.aids.tail.of([]),
          // Before yCollab's remote cursors: typing over a selection must never pick up their labels.
          selectionReplacingInput,
          // tabindex: the scroller holds a focusable element in axe's eyes too (scrollable-region-focusable).
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
          editorAppearance,
          slots.dark.of(darkFlag(initial.current.theme)),
          slots.fontSize.of(fontSizeTheme(initial.current.fontSize)),
          slots.language.of([]),
          slots.readOnly.of(EditorState.readOnly.of(false)),
          yCollab(text, withParticipantLabels(awareness), { undoManager }),
          // After yCollab: its carets are drawn by the time this marks the active ones.
          remoteCursorActivity(text, awareness),
        ],
      }),
    });
    viewRef.current = view;
    const enableAids = () => {
      host.removeEventListener('focusin', enableAids);
      host.removeEventListener('pointerdown', enableAids);
      if (standardKeys.current) held.hold();
      const language = languageNow.current;
      loadEditingAids(language)
        .then(({ aids, support }) => {
          if (viewRef.current !== view) return;
          // With the language's full support (indentation), so held keys replay as if typed now.
          // A file of no known language (notes.txt in a workspace) gets the aids without a language.
          const languageSupport = support === null || language === null ? [] : [support, languageKeywords(language)];
          view.dispatch({ effects: [...aidsEffects(slots.aids, aids), slots.language.reconfigure(languageSupport)] });
          setEditing(true);
        })
        .catch((error: unknown) => {
          console.error('Editing aids failed to load', error);
          // A network blip: try again on the next focus.
          listen();
        })
        .finally(() => {
          if (viewRef.current === view) held.release(view);
        });
    };
    const listen = () => {
      host.addEventListener('focusin', enableAids);
      host.addEventListener('pointerdown', enableAids);
    };
    listen();
    return () => {
      host.removeEventListener('focusin', enableAids);
      host.removeEventListener('pointerdown', enableAids);
      viewRef.current = null;
      view.destroy();
      setEditing(false);
      detachReplacements();
      undoManager.destroy();
    };
    // The label is read when the editor is made (a workspace makes one per file).
  }, [text, awareness, slots]);

  useEffect(() => {
    let current = true;
    if (language === null) {
      viewRef.current?.dispatch({ effects: slots.language.reconfigure([]) });
      return;
    }
    loadLanguageSupport(language, editing ? 'editing' : 'showing')
      .then((support) => {
        if (current) viewRef.current?.dispatch({ effects: slots.language.reconfigure([support, languageKeywords(language)]) });
      })
      .catch((error: unknown) => console.error(`Syntax highlighting for ${language} failed to load`, error));
    return () => {
      current = false;
    };
  }, [language, editing, text, awareness, slots]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: slots.readOnly.reconfigure(EditorState.readOnly.of(readOnly)) });
  }, [readOnly, text, awareness, slots]);

  useEffect(() => {
    let current = true;
    loadKeyBindings(keyBindings)
      .then((bindings) => {
        if (current) viewRef.current?.dispatch({ effects: slots.keyBindings.reconfigure(bindings) });
      })
      .catch((error: unknown) => console.error(`${keyBindings} key bindings failed to load`, error));
    return () => {
      current = false;
    };
  }, [keyBindings, text, awareness, slots]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: slots.dark.reconfigure(darkFlag(theme)) });
  }, [theme, text, awareness, slots]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: slots.fontSize.reconfigure(fontSizeTheme(fontSize)) });
  }, [fontSize, text, awareness, slots]);

  return <div className={styles.editor} ref={hostRef} />;
}
