'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { resetPassword } from '@/lib/auth-api';
import { useAuth } from '@/lib/auth-context';
import { Brand } from '../../brand';
import { errorText } from '../../error-text';
import styles from '../../team.module.css';
import { FormSubmit, TextField } from '../../form-fields';

type Outcome = 'form' | 'done' | 'invalid';

/** An admin-issued reset link: choose a new password, then sign in with it. */
export function ResetForm({ token }: { token: string }) {
  const { api } = useAuth();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>('form');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!api) return;
    if (!password) return setError('Choose a new password.');
    if (password !== confirm) return setError('The two passwords are not the same.');
    setPending(true);
    setError(null);
    try {
      await resetPassword(api.apiUrl, token, { password });
      setOutcome('done');
    } catch (failure) {
      setPending(false);
      if (failure instanceof ApiError && failure.status === 410) setOutcome('invalid');
      else setError(errorText(failure));
    }
  };

  return (
    <main className={styles.centered}>
      <div className={styles.card}>
        <Brand />
        {outcome === 'done' ? (
          <div role="status">
            <h1>Password changed</h1>
            <p className={styles.lead}>Sign in with your new password.</p>
            <div className={styles.actions}>
              <Link href="/sign-in" className={`${styles.button} ${styles.primary}`}>
                Go to sign in
              </Link>
            </div>
          </div>
        ) : outcome === 'invalid' ? (
          <div role="alert">
            <h1>This reset link no longer works</h1>
            <p className={styles.lead}>It has expired or was already used. Ask an admin for a new one.</p>
          </div>
        ) : (
          <>
            <h1>Choose a new password</h1>
            <form onSubmit={submit} noValidate aria-busy={pending}>
              <TextField
                id="reset-password"
                label="New password"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={setPassword}
              />
              <TextField
                id="reset-confirm"
                label="New password again"
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={setConfirm}
              />
              <FormSubmit error={error} pending={pending} disabled={!api} label="Set new password" pendingLabel="Saving…" />
            </form>
          </>
        )}
      </div>
    </main>
  );
}
