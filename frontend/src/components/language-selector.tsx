'use client';

import { LANGUAGES, LanguageIdSchema, type LanguageId } from '@pairpad/backend/protocol';

export interface LanguageSelectorProps {
  value: LanguageId;
  onChange(language: LanguageId): void;
  disabled?: boolean;
}

/** The room's language, shared by everyone: the value comes from the document, a change goes to the server. */
export function LanguageSelector({ value, onChange, disabled = false }: LanguageSelectorProps) {
  return (
    <label className="language-selector">
      <span className="visually-hidden">Language</span>
      <select
        aria-label="Language"
        value={value}
        disabled={disabled}
        onChange={(event) => {
          const parsed = LanguageIdSchema.safeParse(event.target.value);
          if (parsed.success) onChange(parsed.data);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language.id} value={language.id}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}
