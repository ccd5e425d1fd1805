'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { setUp } from '@/lib/auth-api';
import { useAuth } from '@/lib/auth-context';
import { Brand } from '../brand';
import { errorText } from '../error-text';
import styles from '../team.module.css';
import { FormSubmit, TextField } from '../form-fields';
import { FormError } from '@/components/form-error';

/**
 * First run: the first admin, proven by the one-time setup code the server printed in its log
 * (and wrote to DATA_DIR/setup-code.txt). The link in the log carries it as `?code=`.
 */
export function SetupForm({ codeFromUrl }: { codeFromUrl: string }) {
  const { state, api, signedIn } = useAuth();
  const router = useRouter();
  const [setupCode, setSetupCode] = useState(codeFromUrl);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const me = state.status === 'ready' ? state.me : null;

  useEffect(() => {
    // The code is a secret: keep it out of the address bar (and of screen shares and history).
    if (!codeFromUrl) return;
    const url = new URL(window.location.href);
    url.searchParams.delete('code');
    window.history.replaceState(window.history.state, '', url);
  }, [codeFromUrl]);

  useEffect(() => {
    if (me?.member) router.replace('/dashboard');
  }, [me, router]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!api) return;
    if (!setupCode.trim() || !name.trim() || !email.trim() || !password) {
      setError('Fill in every field: the setup code, your name, your email and a password.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      signedIn(await setUp(api.apiUrl, { setupCode: setupCode.trim(), name: name.trim(), email: email.trim(), password }));
      router.replace('/dashboard');
    } catch (failure) {
      setPending(false);
      setError(errorText(failure));
    }
  };

  if (me && !me.setupRequired && !me.member) {
    return (
      <main className={styles.centered}>
        <div className={styles.card}>
          <Brand />
          <h1>PairPad is already set up</h1>
          <p className={styles.lead}>This server has an admin. Sign in, or ask an admin for an invite.</p>
          <div className={styles.actions}>
            <Link href="/sign-in" className={`${styles.button} ${styles.primary}`}>
              Go to sign in
            </Link>
          </div>
        </div>
      </main>
    );
  }

  return (
    <main className={styles.centered}>
      <div className={styles.card}>
        <Brand />
        <h1>Set up PairPad</h1>
        <p className={styles.lead}>Create the first admin account. The setup code is printed in the server&apos;s log when it starts.</p>
        <FormError message={state.status === 'error' ? state.message : null} />
        <form onSubmit={submit} noValidate aria-busy={pending}>
          <TextField
            id="setup-code"
            label="Setup code"
            name="setupCode"
            autoComplete="off"
            spellCheck={false}
            value={setupCode}
            onChange={setSetupCode}
            hint="Also in the file setup-code.txt in the server's data directory."
          />
          <TextField id="setup-name" label="Your name" name="name" autoComplete="name" value={name} onChange={setName} />
          <TextField id="setup-email" label="Email" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} />
          <TextField
            id="setup-password"
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
          />
          <FormSubmit error={error} pending={pending} disabled={!api} label="Create admin account" pendingLabel="Creating the admin…" />
        </form>
      </div>
    </main>
  );
}
