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

export function loadLanguageSupport(language: LanguageId): Promise<Extension> {
  return EDITOR_SUPPORT[languageRecord(language).editor]();
}
