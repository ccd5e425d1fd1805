/**
 * A person's own editor settings: colour theme, key bindings and font size. Kept per browser in
 * localStorage, so they hold in every tab and after a restart, and never sent anywhere: they are
 * not part of the shared Y.Doc or of awareness, so nobody else's page changes with them.
 */

export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

export const KEY_BINDINGS = ['standard', 'vim', 'emacs'] as const;
export type KeyBindings = (typeof KEY_BINDINGS)[number];

export const FONT_SIZES = [12, 13, 14, 15, 16, 18, 20, 22, 24] as const;
export type FontSize = (typeof FONT_SIZES)[number];

export interface EditorSettings {
  theme: ThemePreference;
  keyBindings: KeyBindings;
  fontSize: FontSize;
}

export const DEFAULT_SETTINGS: EditorSettings = Object.freeze({ theme: 'system', keyBindings: 'standard', fontSize: 14 });

/** The localStorage key; the theme script in app/layout.tsx reads it too, before React runs. */
export const SETTINGS_KEY = 'pairpad:settings';

function oneOf<T extends string | number>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/**
 * The settings stored as `raw` (JSON), each field checked on its own: a value from an older or
 * newer version, or one edited by hand, falls back to its default without losing the others.
 */
export function parseSettings(raw: string | null): EditorSettings {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: every field takes its default.
  }
  return {
    theme: oneOf(THEME_PREFERENCES, stored.theme, DEFAULT_SETTINGS.theme),
    keyBindings: oneOf(KEY_BINDINGS, stored.keyBindings, DEFAULT_SETTINGS.keyBindings),
    fontSize: oneOf(FONT_SIZES, stored.fontSize, DEFAULT_SETTINGS.fontSize),
  };
}
