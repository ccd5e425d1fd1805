import type { Extension } from '@codemirror/state';
import type { LanguageId } from '@pairpad/protocol';

/**
 * CodeMirror language support per room language, loaded on demand: each mode is its own chunk,
 * so the room page only downloads the grammar it shows.
 */
export async function loadLanguageSupport(language: LanguageId): Promise<Extension> {
  switch (language) {
    case 'python':
      return (await import('@codemirror/lang-python')).python();
    case 'javascript':
      return (await import('@codemirror/lang-javascript')).javascript();
    case 'typescript':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true });
    case 'c':
    case 'c++':
      return (await import('@codemirror/lang-cpp')).cpp();
    case 'java':
      return (await import('@codemirror/lang-java')).java();
    case 'rust':
      return (await import('@codemirror/lang-rust')).rust();
    case 'go':
      return (await import('@codemirror/lang-go')).go();
    case 'php':
      return (await import('@codemirror/lang-php')).php({ plain: false });
    case 'ruby': {
      const [{ StreamLanguage }, { ruby }] = await Promise.all([import('@codemirror/language'), import('@codemirror/legacy-modes/mode/ruby')]);
      return StreamLanguage.define(ruby);
    }
    case 'bash': {
      const [{ StreamLanguage }, { shell }] = await Promise.all([import('@codemirror/language'), import('@codemirror/legacy-modes/mode/shell')]);
      return StreamLanguage.define(shell);
    }
    default: {
      const unknown: never = language;
      throw new Error(`No editor support for ${String(unknown)}`);
    }
  }
}
