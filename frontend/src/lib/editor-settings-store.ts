import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_SETTINGS, SETTINGS_KEY, parseSettings, type EditorSettings } from './editor-settings';

/**
 * This browser's editor settings as a store React components subscribe to: read from and saved to
 * localStorage, and updated when another tab of this browser changes them.
 */

function readRaw(): string | null {
  try {
    return window.localStorage.getItem(SETTINGS_KEY);
  } catch {
    // Storage can be unavailable (private mode, disabled cookies): the defaults apply.
    return null;
  }
}

/** Settings changed in this tab but not stored (storage unavailable) still apply to this tab. */
let unsavedRaw: string | null = null;
let cached: { raw: string | null; settings: EditorSettings } | null = null;
const listeners = new Set<() => void>();

/** The current settings; the same object until they change (useSyncExternalStore relies on that). */
export function readSettings(): EditorSettings {
  const raw = unsavedRaw ?? readRaw();
  if (!cached || cached.raw !== raw) cached = { raw, settings: parseSettings(raw) };
  return cached.settings;
}

export function saveSettings(change: Partial<EditorSettings>): void {
  const next = JSON.stringify({ ...readSettings(), ...change });
  try {
    window.localStorage.setItem(SETTINGS_KEY, next);
    unsavedRaw = null;
  } catch {
    unsavedRaw = next;
  }
  for (const listener of listeners) listener();
}

/** Calls `listener` when the settings change, here or in another tab of this browser. */
export function subscribeSettings(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === SETTINGS_KEY || event.key === null) listener();
  };
  listeners.add(listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

const serverSettings = () => DEFAULT_SETTINGS;

/** The settings and a setter; renders the defaults on the server and while hydrating. */
export function useEditorSettings(): [EditorSettings, (change: Partial<EditorSettings>) => void] {
  const settings = useSyncExternalStore(subscribeSettings, readSettings, serverSettings);
  const update = useCallback((change: Partial<EditorSettings>) => saveSettings(change), []);
  return [settings, update];
}
