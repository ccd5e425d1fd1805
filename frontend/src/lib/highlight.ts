import type { LanguageFn } from 'highlight.js';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import { LANGUAGES, type HighlightGrammar } from '@pairpad/protocol/language-table';

// Only the room's languages' grammars (their `highlight` in @pairpad/protocol's table) are
// registered: the full highlight.js bundle is ~10x larger. A new grammar name in the table is a
// compile error here until it is imported.
const GRAMMARS: Record<HighlightGrammar, LanguageFn> = { bash, c, cpp, go, java, javascript, php, python, ruby, rust, sql, typescript };
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

/**
 * The code as highlighted HTML. highlight.js escapes the source, so the markup holds only its own
 * `<span class="hljs-…">` elements around escaped text.
 */
export function highlightCode(code: string, language: string): string {
  const grammar = LANGUAGES.find((entry) => entry.id === language)?.highlight;
  if (grammar) return hljs.highlight(code, { language: grammar, ignoreIllegals: true }).value;
  return escapeHtml(code);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
