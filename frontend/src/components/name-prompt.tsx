'use client';

import { useState, type FormEvent } from 'react';
import { DisplayNameSchema } from '@pairpad/protocol';

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
    <main className="centered-page">
      <form className="card join-card" onSubmit={submit} noValidate>
        <h1>Join the interview</h1>
        {title ? <p className="session-title-line">{title}</p> : null}
        <label htmlFor="join-name" className="field-label">
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
          <p id="join-name-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <p className="hint">Others in the room see this name next to your cursor.</p>
        <button type="submit" className="button primary wide">
          Join interview
        </button>
      </form>
    </main>
  );
}
