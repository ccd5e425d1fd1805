import type { Completion } from '@codemirror/autocomplete';

/**
 * The completion list's icons as inline SVG. CodeMirror's own are emoji and symbols in CSS
 * (`🔑`, `𝑥`, …) that a machine without an emoji font draws as empty boxes. Each is a 14 px
 * glyph in `currentColor`, so it follows the theme and the selected row's colours.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Path data per completion type, on a 16×16 grid. */
const ICON_PATHS: Record<string, string> = {
  // A key: the language's own words.
  keyword: 'M5.5 4a3.5 3.5 0 1 0 3.3 4.7H10V10h1.6V8.7H13V6.3H8.8A3.5 3.5 0 0 0 5.5 4zm0 2a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z',
  // A box: a value with a name.
  variable: 'M3 4.5 8 2l5 2.5v7L8 14l-5-2.5v-7zm2 1.2v4.6l3 1.5 3-1.5V5.7L8 4.2 5 5.7z',
  // Parentheses: something to call.
  function:
    'M6 2.5C4.2 4 3.5 6 3.5 8s.7 4 2.5 5.5l1-1.1C5.7 11.2 5.2 9.7 5.2 8s.5-3.2 1.8-4.4l-1-1.1zm4 0-1 1.1c1.3 1.2 1.8 2.7 1.8 4.4s-.5 3.2-1.8 4.4l1 1.1c1.8-1.5 2.5-3.5 2.5-5.5s-.7-4-2.5-5.5z',
  // Stacked bars: a type or a class.
  type: 'M3 3h10v3H3V3zm0 4.5h10v2H3v-2zm0 3.5h7v2H3v-2z',
  // A dot in a ring: a member of something.
  property: 'M8 3a5 5 0 1 0 0 10A5 5 0 0 0 8 3zm0 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6zm0 1.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  // Lines of text: anything else.
  text: 'M3 4h10v1.6H3V4zm0 3.2h10v1.6H3V7.2zm0 3.2h6v1.6H3v-1.6z',
};

const TYPE_ICON: Record<string, keyof typeof ICON_PATHS> = {
  keyword: 'keyword',
  variable: 'variable',
  constant: 'variable',
  function: 'function',
  method: 'function',
  class: 'type',
  type: 'type',
  interface: 'type',
  enum: 'type',
  namespace: 'type',
  property: 'property',
};

/** The icon element for one completion, in the list's icon column. */
export function completionIcon(completion: Completion): Node {
  const kind = TYPE_ICON[completion.type ?? ''] ?? 'text';
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `cm-completionSvgIcon cm-completionSvgIcon-${kind}`);
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICON_PATHS[kind] ?? '');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('fill-rule', 'evenodd');
  svg.append(path);
  return svg;
}
