import { LanguageSupport, LRLanguage } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { languageRecord, type EditorMode, type LanguageId } from '@pairpad/protocol/language-table';

/**
 * CodeMirror language support per editor mode (a language's `editor` in @pairpad/protocol's
 * table), loaded on demand: each mode is its own chunk, so the room page only downloads the
 * grammar it shows. A new mode in the table is a compile error here until it is loaded.
 */
const EDITOR_SUPPORT: Record<EditorMode, () => Promise<Extension>> = {
  python: async () => (await import('@codemirror/lang-python')).python(),
  javascript: async () => (await import('@codemirror/lang-javascript')).javascript(),
  typescript: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true }),
  cpp: async () => (await import('@codemirror/lang-cpp')).cpp(),
  java: async () => (await import('@codemirror/lang-java')).java(),
  rust: async () => (await import('@codemirror/lang-rust')).rust(),
  go: async () => (await import('@codemirror/lang-go')).go(),
  php: async () => (await import('@codemirror/lang-php')).php({ plain: false }),
  ruby: async () => {
    const [{ StreamLanguage }, { ruby }] = await Promise.all([
      import('@codemirror/language'),
      import('@codemirror/legacy-modes/mode/ruby'),
    ]);
    return StreamLanguage.define(ruby);
  },
  shell: async () => {
    const [{ StreamLanguage }, { shell }] = await Promise.all([
      import('@codemirror/language'),
      import('@codemirror/legacy-modes/mode/shell'),
    ]);
    return StreamLanguage.define(shell);
  },
  sql: async () => {
    const [{ StreamLanguage }, { sqlite }] = await Promise.all([
      import('@codemirror/language'),
      import('@codemirror/legacy-modes/mode/sql'),
    ]);
    return StreamLanguage.define(sqlite);
  },
};

/**
 * A lighter first stage for modes whose full support carries more than showing the code needs.
 * Python's: the Lezer grammar alone (it carries the highlighting), without `@codemirror/lang-python`,
 * whose module imports `@codemirror/autocomplete` (11 kB) for completion sources the editor
 * overrides anyway; its indentation, folding and bracket data come with the editing aids, on the
 * first focus (components/code-editor.tsx), before any key is applied.
 */
const FIRST_PAINT: Partial<Record<EditorMode, () => Promise<Extension>>> = {
  python: async () => {
    const { parser } = await import('@lezer/python');
    return new LanguageSupport(LRLanguage.define({ name: 'python', parser }));
  },
};

/** `showing`: enough to show the code highlighted; `editing`: everything the mode offers. */
export type LanguageStage = 'showing' | 'editing';

export function loadLanguageSupport(language: LanguageId, stage: LanguageStage = 'editing'): Promise<Extension> {
  const { editor } = languageRecord(language);
  return ((stage === 'showing' && FIRST_PAINT[editor]) || EDITOR_SUPPORT[editor])();
}
