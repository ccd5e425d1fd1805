'use client';

import { useRef } from 'react';
import { FONT_SIZES, KEY_BINDINGS, THEME_PREFERENCES, type FontSize, type KeyBindings, type ThemePreference } from '@/lib/editor-settings';
import { useEditorSettings } from '@/lib/editor-settings-store';
import { useDisclosure } from '@/lib/use-disclosure';
import styles from './settings-menu.module.css';
import ui from './ui.module.css';

const THEME_LABEL: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const KEY_BINDINGS_LABEL: Record<KeyBindings, string> = { standard: 'Standard', vim: 'Vim', emacs: 'Emacs' };

function pick<T extends string | number>(allowed: readonly T[], raw: string): T | undefined {
  return allowed.find((value) => String(value) === raw);
}

export interface SettingsMenuProps {
  /** Also show the editor's own settings (key bindings, font size); pages without an editor show the theme only. */
  editor?: boolean;
  /** Only the gear on the button (a phone's header); its name stays "Settings". */
  iconOnly?: boolean;
}

/**
 * This person's settings behind one header button: theme everywhere, key bindings and font size
 * where there is an editor. A disclosure: the button says whether it is open, Escape closes it and
 * returns focus to the button, and so does a click or focus outside. Settings stay in this browser.
 */
export function SettingsMenu({ editor = true, iconOnly = false }: SettingsMenuProps) {
  const [settings, update] = useEditorSettings();
  const firstField = useRef<HTMLSelectElement>(null);
  const { open, panelId, wrapper, button } = useDisclosure(firstField);

  return (
    <div className={styles.menu} {...wrapper}>
      <button {...button} className={ui.button}>
        <span aria-hidden="true">⚙</span> {iconOnly ? <span className={ui.visuallyHidden}>Settings</span> : 'Settings'}
      </button>
      <div id={panelId} className={styles.panel} role="group" aria-label="Settings" hidden={!open}>
        <label className={styles.field}>
          <span>Theme</span>
          <select
            ref={firstField}
            value={settings.theme}
            onChange={(event) => {
              const theme = pick(THEME_PREFERENCES, event.target.value);
              if (theme) update({ theme });
            }}
          >
            {THEME_PREFERENCES.map((theme) => (
              <option key={theme} value={theme}>
                {THEME_LABEL[theme]}
              </option>
            ))}
          </select>
        </label>
        {editor ? (
          <>
            <label className={styles.field}>
              <span>Key bindings</span>
              <select
                value={settings.keyBindings}
                onChange={(event) => {
                  const keyBindings = pick(KEY_BINDINGS, event.target.value);
                  if (keyBindings) update({ keyBindings });
                }}
              >
                {KEY_BINDINGS.map((bindings) => (
                  <option key={bindings} value={bindings}>
                    {KEY_BINDINGS_LABEL[bindings]}
                  </option>
                ))}
              </select>
            </label>
            <label className={styles.field}>
              <span>Font size</span>
              <select
                value={settings.fontSize}
                onChange={(event) => {
                  const fontSize = pick<FontSize>(FONT_SIZES, event.target.value);
                  if (fontSize) update({ fontSize });
                }}
              >
                {FONT_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {size} px
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        <p className={styles.note}>Saved in this browser only: nobody else&apos;s view changes.</p>
      </div>
    </div>
  );
}
