'use client';

import { useState, type FormEvent } from 'react';
import { DisplayNameSchema } from '@pairpad/protocol/first-load-schemas';
import { cx } from '@/lib/cx';
import styles from './name-prompt.module.css';
import ui from './ui.module.css';

export interface NamePromptProps {
  title: string | null;
  defaultName: string;
  onJoin(name: string): void;
}

/** Asks a candidate for a display name before joining. */
export function NamePrompt({ title, defaultName, onJoin }: NamePromptProps) {
  const [name, setName] = useState(defaultName);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = DisplayNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(`Your name ${parsed.error.issues[0]?.message ?? 'is not valid'}.`);
      return;
    }
    onJoin(parsed.data);
  };

  return (
    <main className={ui.centeredPage}>
      <form className={ui.card} onSubmit={submit} noValidate>
        <h1>Join the interview</h1>
        {title ? <p className={styles.titleLine}>{title}</p> : null}
        <label htmlFor="join-name" className={ui.fieldLabel}>
          Your name
        </label>
        <input
          id="join-name"
          name="name"
          autoComplete="name"
          autoFocus
          value={name}
          maxLength={40}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'join-name-error' : undefined}
          onChange={(event) => {
            setName(event.target.value);
            setError(null);
          }}
        />
        {error ? (
          <p id="join-name-error" className={ui.fieldError} role="alert">
            {error}
          </p>
        ) : null}
        <p className={ui.hint}>Others in the room see this name next to your cursor.</p>
        <button type="submit" className={cx(ui.button, ui.primary, ui.wide)}>
          Join interview
        </button>
      </form>
    </main>
  );
}
