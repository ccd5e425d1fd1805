import { Facet, type Extension } from '@codemirror/state';
import { languageRecord, type LanguageId } from '@pairpad/protocol/language-table';

/**
 * The room language's keywords and built-ins, for completion (lib/editor-completion.ts). Apart
 * from the completion itself so the editor can set them with its language while completion
 * (`@codemirror/autocomplete`) is still loading (lib/editing-aids.ts).
 */
export const languageKeywordsFacet = Facet.define<readonly string[], readonly string[]>({
  combine: (lists) => lists.flat(),
});

/** The keywords to offer for `language`; goes in the editor's language compartment. */
export function languageKeywords(language: LanguageId): Extension {
  return languageKeywordsFacet.of(languageRecord(language).keywords);
}
