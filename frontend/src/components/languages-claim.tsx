'use client';

import { useLanguages } from '@/lib/use-languages';

const NUMBER_WORDS = ['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve'];

/** The home page's languages line: the count follows what this server runs, never a fixed number. */
export function LanguagesClaim() {
  const view = useLanguages();
  const count = view.status === 'ready' ? view.languages.filter((entry) => entry.available).length : null;
  const lead = count === null ? 'Languages' : `${NUMBER_WORDS[count] ?? String(count)} ${count === 1 ? 'language' : 'languages'}`;
  return <li data-testid="languages-claim">{lead} with syntax highlighting, switched for the whole room</li>;
}
