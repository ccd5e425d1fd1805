import { SETTINGS_KEY, type ThemePreference } from './editor-settings';

/**
 * The colour theme on the page: `<html data-theme="light|dark">`, which app/theme.css turns into
 * colours. "system" follows the operating system's `prefers-color-scheme`, live.
 */
export type ResolvedTheme = 'light' | 'dark';

export const THEME_ATTRIBUTE = 'data-theme';
export const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(preference: ThemePreference, systemDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

export function applyTheme(theme: ResolvedTheme): void {
  document.documentElement.setAttribute(THEME_ATTRIBUTE, theme);
}

/**
 * Runs inline in <head> before the body is parsed, so the first paint already has the right theme
 * (no light flash for someone who chose dark). It repeats `parseSettings` + `resolveTheme` for the
 * one field it needs, in plain ES5, because no bundle has loaded yet.
 */
export const THEME_BOOT_SCRIPT = `(function(){var t='light';try{var s=JSON.parse(localStorage.getItem(${JSON.stringify(SETTINGS_KEY)})||'{}')||{};var p=s.theme;t=p==='dark'||p==='light'?p:(window.matchMedia&&window.matchMedia(${JSON.stringify(DARK_QUERY)}).matches?'dark':'light')}catch(e){}document.documentElement.setAttribute(${JSON.stringify(THEME_ATTRIBUTE)},t)})();`;
