'use client';

import { isLanguageId, languageLabel, type LanguageId } from '@pairpad/protocol/language-table';
import { useId } from 'react';
import { availabilityOf, useLanguages } from '@/lib/use-languages';
import { cx } from '@/lib/cx';
import { LanguageOptions } from './language-options';
import styles from './language-selector.module.css';
import ui from './ui.module.css';

export interface LanguageSelectorProps {
  value: LanguageId;
  onChange(language: LanguageId): void;
  disabled?: boolean;
}

/**
 * The room's language, shared by everyone: the value comes from the document, a change goes to
 * the server. Only languages this server runs can be picked; the others are listed, disabled.
 */
export function LanguageSelector({ value, onChange, disabled = false }: LanguageSelectorProps) {
  const view = useLanguages();
  const noteId = useId();
  const current = availabilityOf(view, value);
  // The room may be in a language this server lacks (a session created over the API, say).
  const note =
    view.status === 'unavailable'
      ? { text: view.message, warning: false }
      : current && !current.available
        ? { text: `${languageLabel(value)} is ${current.reason}: pick another language to run code.`, warning: true }
        : null;

  return (
    <span className={styles.selector}>
      <label>
        <span className={ui.visuallyHidden}>Language</span>
        <select
          aria-label="Language"
          aria-describedby={note ? noteId : undefined}
          aria-busy={view.status === 'loading' ? true : undefined}
          value={value}
          disabled={disabled}
          onChange={(event) => {
            const picked = event.target.value;
            if (isLanguageId(picked)) onChange(picked);
          }}
        >
          <LanguageOptions view={view} />
        </select>
      </label>
      {note ? (
        <span id={noteId} className={cx(styles.note, note.warning && styles.warning)} role="status" data-testid="language-note">
          {note.text}
        </span>
      ) : null}
    </span>
  );
}
