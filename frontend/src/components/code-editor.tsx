'use client';

import { useEffect, useRef } from 'react';
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
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import type { LanguageId } from '@pairpad/backend/protocol';
import { loadLanguageSupport } from '@/lib/language-support';
import { selectionReplacingInput } from '@/lib/selection-replacing-input';

export interface CodeEditorProps {
  text: Y.Text;
  awareness: Awareness;
  language: LanguageId;
  readOnly?: boolean;
}

const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '14px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  // Room for the name label above a remote cursor on the first line.
  '.cm-content': { paddingTop: '14px' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', borderRight: '1px solid var(--border)' },
});

/**
 * The shared editor: CodeMirror 6 bound to the room's Y.Text with yCollab (remote cursors and
 * selections with names, per-user undo). The CodeMirror history extension is deliberately absent:
 * Y.UndoManager only tracks this user's edits, so Ctrl+Z never undoes someone else's typing.
 */
export default function CodeEditor({ text, awareness, language, readOnly = false }: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const readOnlySlot = useRef(new Compartment());

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const undoManager = new Y.UndoManager(text);
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          highlightSpecialChars(),
          drawSelection(),
          dropCursor(),
          EditorState.allowMultipleSelections.of(true),
          indentOnInput(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          rectangularSelection(),
          crosshairCursor(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          keymap.of([
            ...yUndoManagerKeymap,
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...foldKeymap,
            ...completionKeymap,
            indentWithTab,
          ]),
          // Before yCollab's remote cursors: typing over a selection must never pick up their labels.
          selectionReplacingInput,
          EditorView.contentAttributes.of({ 'aria-label': 'Code editor' }),
          editorTheme,
          languageSlot.current.of([]),
          readOnlySlot.current.of(EditorState.readOnly.of(false)),
          yCollab(text, awareness, { undoManager }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      viewRef.current = null;
      view.destroy();
      undoManager.destroy();
    };
  }, [text, awareness]);

  useEffect(() => {
    let current = true;
    loadLanguageSupport(language)
      .then((support) => {
        if (current) viewRef.current?.dispatch({ effects: languageSlot.current.reconfigure(support) });
      })
      .catch((error: unknown) => console.error(`Syntax highlighting for ${language} failed to load`, error));
    return () => {
      current = false;
    };
  }, [language, text, awareness]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: readOnlySlot.current.reconfigure(EditorState.readOnly.of(readOnly)) });
  }, [readOnly, text, awareness]);

  return <div className="code-editor" ref={hostRef} />;
}
