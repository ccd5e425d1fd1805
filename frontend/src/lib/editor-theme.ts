import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import type { FontSize } from './editor-settings';
import type { ResolvedTheme } from './theme';

/**
 * The editor's look, written only in the CSS custom properties of app/theme.css: switching the
 * page's theme recolours the editor with no reconfiguration. Only CodeMirror's own dark flag (which
 * picks the dark variant of its built-in panels and search fields) and the font size are set per
 * editor, each in its own Compartment.
 */
const editorChrome = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--editor-bg)' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  // Room for the name label above a remote cursor on the first line.
  '.cm-content': { paddingTop: '14px', caretColor: 'var(--editor-cursor)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--editor-cursor)' },
  '.cm-gutters': { color: 'var(--editor-gutter-fg)', backgroundColor: 'var(--editor-gutter-bg)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line-gutter)', color: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'var(--editor-selection)',
  },
  '.cm-selectionMatch': { backgroundColor: 'var(--editor-selection-match)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--editor-bracket-match)', outline: '1px solid var(--ok)' },
  '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: 'var(--editor-bracket-mismatch)', outline: '1px solid var(--danger)' },
  '.cm-searchMatch': { backgroundColor: 'var(--editor-search-match)', outline: '1px solid var(--warning-border)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'var(--editor-search-match-selected)' },
  '.cm-foldPlaceholder': { color: 'var(--muted)', backgroundColor: 'var(--surface-2)', border: '1px solid var(--border)' },
  '.cm-tooltip': {
    color: 'var(--text)',
    backgroundColor: 'var(--editor-tooltip-bg)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    boxShadow: 'var(--shadow)',
  },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--font-mono)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { color: 'var(--on-accent)', backgroundColor: 'var(--accent)' },
  '.cm-completionDetail': { color: 'var(--muted)' },
  '.cm-completionSvgIcon': { flex: 'none', marginRight: '6px', verticalAlign: '-2px', opacity: '0.8' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail': { color: 'inherit' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700' },
  '.cm-panels': { color: 'var(--text)', backgroundColor: 'var(--surface-2)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel input, .cm-panel button': { color: 'var(--text)' },
  // Vim: the block cursor of normal mode and the mode line.
  '.cm-fat-cursor': { background: 'var(--editor-cursor) !important', color: 'var(--editor-bg) !important' },
  '&:not(.cm-focused) .cm-fat-cursor': { background: 'none !important', outline: '1px solid var(--editor-cursor) !important' },
  // Vim's mode line and Emacs's command line (both packages call it .cm-vim-panel; Emacs paints it yellow).
  '.cm-vim-panel, .cm-vim-panel input': { color: 'var(--text)', backgroundColor: 'var(--surface-2)' },
  '.cm-vim-panel': { padding: '2px 8px', fontFamily: 'var(--font-mono)', fontSize: '13px' },
});

/** Syntax colours, shared with highlight.js on the playback and report pages (--syntax-*). */
const syntaxColours = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.modifier],
    color: 'var(--syntax-keyword)',
  },
  { tag: [tags.string, tags.special(tags.string), tags.regexp, tags.escape, tags.character], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom, tags.literal], color: 'var(--syntax-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment, tags.docComment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  {
    tag: [
      tags.function(tags.variableName),
      tags.function(tags.definition(tags.variableName)),
      tags.function(tags.propertyName),
      tags.macroName,
    ],
    color: 'var(--syntax-function)',
  },
  { tag: [tags.typeName, tags.className, tags.namespace, tags.standard(tags.typeName)], color: 'var(--syntax-type)' },
  { tag: [tags.meta, tags.annotation, tags.processingInstruction, tags.labelName], color: 'var(--syntax-meta)' },
  { tag: [tags.propertyName, tags.attributeName], color: 'var(--syntax-property)' },
  { tag: [tags.variableName, tags.definition(tags.variableName), tags.self], color: 'var(--syntax-variable)' },
  { tag: tags.invalid, color: 'var(--syntax-invalid)' },
  { tag: tags.heading, fontWeight: '700' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strong, fontWeight: '700' },
  { tag: tags.link, textDecoration: 'underline' },
]);

export const editorAppearance: Extension = [editorChrome, syntaxHighlighting(syntaxColours)];

/** CodeMirror's own light/dark flag, for the parts of its base theme we do not override. */
export function darkFlag(theme: ResolvedTheme): Extension {
  return EditorView.darkTheme.of(theme === 'dark');
}

export function fontSizeTheme(size: FontSize): Extension {
  return EditorView.theme({ '&': { fontSize: `${size}px` } });
}
