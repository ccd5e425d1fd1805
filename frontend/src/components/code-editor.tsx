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
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { keepReplacementsApart } from '@pairpad/client';
import type { LanguageId } from '@pairpad/protocol';
import { editorCompletion, languageKeywords } from '@/lib/editor-completion';
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
    search: new Compartment(),
  };
}

/**
 * Search (Ctrl+F, Ctrl+D, highlighting the selection's other occurrences) is loaded when the
 * person first focuses or presses in the editor, not with it: nothing of it is needed to show,
 * highlight or type into the code, and leaving it out of the room's first load saves ~13 kB
 * (issue 21). Focus always comes before a key reaches the editor, so its keys are there in time.
 */
const loadSearch = () =>
  import('@codemirror/search').then(({ highlightSelectionMatches, searchKeymap }) => [
    highlightSelectionMatches(),
    keymap.of(searchKeymap),
  ]);

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

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const undoManager = new Y.UndoManager(text);
    // A starter loaded over the code is one undo step, however soon after the last keystroke.
    const detachReplacements = keepReplacementsApart(undoManager);
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          // First, so Vim or Emacs sees keys before the default keymap.
          slots.keyBindings.of([]),
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          highlightSpecialChars(),
          drawSelection(),
          dropCursor(),
          EditorState.allowMultipleSelections.of(true),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          editorCompletion,
          rectangularSelection(),
          crosshairCursor(),
          highlightActiveLine(),
          keymap.of([...yUndoManagerKeymap, ...closeBracketsKeymap, ...defaultKeymap]),
          // Where searchKeymap sat in the one keymap before: after the default keys, before folding's.
          slots.search.of([]),
          keymap.of([...foldKeymap, ...completionKeymap, indentWithTab]),
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
    const enableSearch = () => {
      host.removeEventListener('focusin', enableSearch);
      host.removeEventListener('pointerdown', enableSearch);
      loadSearch()
        .then((search) => {
          if (viewRef.current === view) view.dispatch({ effects: slots.search.reconfigure(search) });
        })
        .catch((error: unknown) => {
          console.error('Editor search failed to load', error);
          // A network blip: try again on the next focus.
          listen();
        });
    };
    const listen = () => {
      host.addEventListener('focusin', enableSearch);
      host.addEventListener('pointerdown', enableSearch);
    };
    listen();
    return () => {
      host.removeEventListener('focusin', enableSearch);
      host.removeEventListener('pointerdown', enableSearch);
      viewRef.current = null;
      view.destroy();
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
    loadLanguageSupport(language)
      .then((support) => {
        if (current) viewRef.current?.dispatch({ effects: slots.language.reconfigure([support, languageKeywords(language)]) });
      })
      .catch((error: unknown) => console.error(`Syntax highlighting for ${language} failed to load`, error));
    return () => {
      current = false;
    };
  }, [language, text, awareness, slots]);

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
