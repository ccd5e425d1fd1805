import { useSyncExternalStore } from 'react';
import { THEME_ATTRIBUTE, type ResolvedTheme } from './theme';

function subscribeToThemeAttribute(listener: () => void): () => void {
  const observer = new MutationObserver(listener);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: [THEME_ATTRIBUTE] });
  return () => observer.disconnect();
}

function currentTheme(): ResolvedTheme {
  return document.documentElement.getAttribute(THEME_ATTRIBUTE) === 'dark' ? 'dark' : 'light';
}

/**
 * The theme the page shows now, for code that paints colours itself (CodeMirror's dark flag, a
 * terminal canvas): re-read the CSS variables whenever this changes.
 */
export function useResolvedTheme(): ResolvedTheme {
  return useSyncExternalStore(subscribeToThemeAttribute, currentTheme, () => 'light');
}
