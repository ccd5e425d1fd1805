'use client';

import { useEffect } from 'react';
import { readSettings, subscribeSettings } from '@/lib/editor-settings-store';
import { DARK_QUERY, applyTheme, resolveTheme } from '@/lib/theme';

/**
 * Keeps `<html data-theme>` in step with the saved theme choice (from this tab or another) and, for
 * "system", with the operating system switching between light and dark. Renders nothing: the first
 * paint was already themed by the script in app/layout.tsx. It reads storage directly rather than
 * through React state, which holds the defaults while hydrating and would flash the wrong theme.
 */
export function ThemeController() {
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY);
    const apply = () => applyTheme(resolveTheme(readSettings().theme, media.matches));
    apply();
    media.addEventListener('change', apply);
    const unsubscribe = subscribeSettings(apply);
    return () => {
      media.removeEventListener('change', apply);
      unsubscribe();
    };
  }, []);

  return null;
}
