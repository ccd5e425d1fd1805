import { LANGUAGES, languageOptionLabel } from '@pairpad/protocol/language-table';
import type { LanguagesView } from '@/lib/use-languages';

/**
 * The `<option>`s of a language picker. Until the server's runtimes are known every language is
 * listed by name; then each shows its version ("Python 3.11.2"), and a language this server does
 * not have stays visible but disabled, with the reason.
 */
export function LanguageOptions({ view }: { view: LanguagesView }) {
  if (view.status !== 'ready') {
    return LANGUAGES.map((language) => (
      <option key={language.id} value={language.id}>
        {language.label}
      </option>
    ));
  }
  return view.languages.map((entry) => (
    <option key={entry.id} value={entry.id} disabled={!entry.available}>
      {languageOptionLabel(entry)}
    </option>
  ));
}
