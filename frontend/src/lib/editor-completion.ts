import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';
import { completionIcon } from './completion-icons';
import { languageKeywordsFacet } from './editor-keywords';

/**
 * Completion from two places, the same in every language: the room language's keywords and
 * built-ins, and the identifiers already in the document (what the candidate named themselves).
 * One source for both, so a word that is a keyword and also in the document is offered once.
 * It replaces the language packages' own sources, which only a few languages have.
 */

/** Identifier characters in every room language (`$` for PHP, shell and JavaScript). */
const IDENTIFIER_BEFORE_CURSOR = /[\p{L}_$][\p{L}\p{N}_$]*$/u;
const IDENTIFIER_CHARS = /^[\p{L}\p{N}_$]*$/u;
const IDENTIFIERS = /[\p{L}_$][\p{L}\p{N}_$]+/gu;
/** How far around the cursor to look for identifiers, and how many to collect, bounding the work per keystroke on a large file. */
const SCAN_RADIUS = 50_000;
const MAX_IDENTIFIERS = 2_000;

function documentIdentifiers(context: CompletionContext, typedFrom: number): Set<string> {
  const { doc } = context.state;
  const start = Math.max(0, context.pos - SCAN_RADIUS);
  const text = doc.sliceString(start, Math.min(doc.length, context.pos + SCAN_RADIUS));
  const found = new Set<string>();
  for (const match of text.matchAll(IDENTIFIERS)) {
    // The word being typed is not a suggestion for itself.
    if (start + match.index === typedFrom) continue;
    found.add(match[0]);
    if (found.size >= MAX_IDENTIFIERS) break;
  }
  return found;
}

export function completeKeywordsAndIdentifiers(context: CompletionContext): CompletionResult | null {
  const typed = context.matchBefore(IDENTIFIER_BEFORE_CURSOR);
  if (!typed && !context.explicit) return null;
  const from = typed?.from ?? context.pos;
  const keywords = new Set(context.state.facet(languageKeywordsFacet));
  const options: Completion[] = [...keywords].map((label) => ({ label, type: 'keyword' }));
  for (const label of documentIdentifiers(context, from)) {
    if (!keywords.has(label)) options.push({ label, type: 'variable', detail: 'in this file' });
  }
  // validFor lets CodeMirror filter the same list while the word grows, without asking again.
  return { from, options, validFor: IDENTIFIER_CHARS };
}

/** CodeMirror's emoji icons off, our SVG ones in their place (lib/completion-icons.ts). */
export const editorCompletion: Extension = autocompletion({
  override: [completeKeywordsAndIdentifiers],
  icons: false,
  addToOptions: [{ render: completionIcon, position: 20 }],
});
