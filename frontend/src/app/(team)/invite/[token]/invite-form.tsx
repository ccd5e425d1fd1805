'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { acceptInvite, getInvite } from '@/lib/auth-api';
import { useAuth } from '@/lib/auth-context';
import type { InviteView } from '@/lib/team-shapes';
import { Brand } from '../../brand';
import { errorText } from '../../error-text';
import styles from '../../team.module.css';
import { FormSubmit, TextField } from '../../form-fields';

type Lookup = { state: 'loading' } | { state: 'ready'; invite: InviteView } | { state: 'invalid' } | { state: 'error'; message: string };

/** An admin's invite: the teammate picks their name and a password and is signed in. */
export function InviteForm({ token }: { token: string }) {
  const { api, signedIn } = useAuth();
  const router = useRouter();
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const apiUrl = api?.apiUrl ?? null;

  useEffect(() => {
    if (!apiUrl) return;
    const controller = new AbortController();
    getInvite(apiUrl, token, controller.signal)
      .then((invite) => setLookup({ state: 'ready', invite }))
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && (failure.status === 410 || failure.status === 404)) setLookup({ state: 'invalid' });
        else setLookup({ state: 'error', message: errorText(failure) });
      });
    return () => controller.abort();
  }, [apiUrl, token]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!apiUrl) return;
    if (!name.trim() || !password) {
      setError('Enter your name and choose a password.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      signedIn(await acceptInvite(apiUrl, token, { name: name.trim(), password }));
      router.replace('/dashboard');
    } catch (failure) {
      setPending(false);
      if (failure instanceof ApiError && failure.status === 410) setLookup({ state: 'invalid' });
      else setError(errorText(failure));
    }
  };

  return (
    <main className={styles.centered}>
      <div className={styles.card}>
        <Brand />
        {lookup.state === 'loading' ? (
          <p className={styles.lead} aria-busy="true">
            Checking your invite…
          </p>
        ) : lookup.state === 'invalid' ? (
          <div role="alert">
            <h1>This invite link no longer works</h1>
            <p className={styles.lead}>It has expired or was already used. Ask the admin who invited you for a new one.</p>
            <div className={styles.actions}>
              <Link href="/sign-in" className={styles.button}>
                Go to sign in
              </Link>
            </div>
          </div>
        ) : lookup.state === 'error' ? (
          <div role="alert">
            <h1>Cannot open this invite</h1>
            <p className={styles.lead}>{lookup.message}</p>
          </div>
        ) : (
          <>
            <h1>Join your team</h1>
            <p className={styles.lead}>
              You are invited as {lookup.invite.role === 'admin' ? 'an admin' : 'an interviewer'} with{' '}
              <strong>{lookup.invite.email}</strong>.
            </p>
            <form onSubmit={submit} noValidate aria-busy={pending}>
              <TextField id="invite-name" label="Your name" name="name" autoComplete="name" value={name} onChange={setName} />
              <TextField
                id="invite-password"
                label="Password"
                name="password"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={setPassword}
              />
              <FormSubmit error={error} pending={pending} label="Join the team" pendingLabel="Joining…" />
            </form>
          </>
        )}
      </div>
    </main>
  );
}
