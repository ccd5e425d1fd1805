'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { oidcStartUrl, signIn } from '@/lib/auth-api';
import { safeReturnTo, useAuth } from '@/lib/auth-context';
import { LanguagesClaim } from '@/components/languages-claim';
import { SettingsMenu } from '@/components/settings-menu';
import { LanguagesProvider } from '@/lib/use-languages';
import { Brand } from '../brand';
import page from './sign-in.module.css';
import styles from '../team.module.css';
import { knownErrorWords, signInErrorWords } from './error-words';
import { FormSubmit, TextField } from '../form-fields';
import { FormError } from '@/components/form-error';

/** Email + password, and "Sign in with …" when the server has an OpenID provider. */
export function SignInForm({ errorCode, returnTo }: { errorCode: string | null; returnTo: string | null }) {
  const { state, api, signedIn } = useAuth();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(errorCode ? signInErrorWords(errorCode) : null);
  const destination = safeReturnTo(returnTo);
  const me = state.status === 'ready' ? state.me : null;

  // Already signed in, or nobody can be yet: go where this visitor belongs.
  useEffect(() => {
    if (me?.member) router.replace(destination);
    else if (me?.setupRequired) router.replace('/setup');
  }, [me, destination, router]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!api) return;
    if (!email.trim() || !password) {
      setError('Enter your email and your password.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      signedIn(await signIn(api.apiUrl, { email: email.trim(), password }));
      router.replace(destination);
    } catch (failure) {
      setPending(false);
      setError(
        (failure instanceof ApiError ? knownErrorWords(failure.code) : null) ??
          (failure instanceof Error ? failure.message : String(failure)),
      );
    }
  };

  return (
    <LanguagesProvider>
      <header className={page.header}>
        <SettingsMenu editor={false} />
      </header>
      <main className={page.page}>
        <section className={page.hero} aria-label="About PairPad">
          <p className={page.brandLarge}>
            <Brand />
          </p>
          <p className={page.tagline}>Live coding interviews, together in one editor.</p>
          <ul className={page.features}>
            <li>Real-time shared editor with everyone&apos;s cursor and name</li>
            <LanguagesClaim />
            <li>Candidates join by one link: no account, no install</li>
            <li>Every interview kept for the team: report and playback on the dashboard</li>
          </ul>
        </section>
        <div className={styles.card}>
          <p className={page.cardBrand}>
            <Brand />
          </p>
          <h1>Sign in</h1>
          <p className={styles.lead}>For your team&apos;s interviewers. Candidates need no account: they join by the link you send.</p>
          <FormError message={state.status === 'error' ? state.message : null} />
          <form onSubmit={submit} noValidate aria-busy={pending}>
            <TextField
              id="sign-in-email"
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={setEmail}
            />
            <TextField
              id="sign-in-password"
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={setPassword}
            />
            <FormSubmit error={error} pending={pending} disabled={!api} label="Sign in" pendingLabel="Signing in…" />
          </form>
          {me?.oidc.enabled && api ? (
            <>
              <p className={styles.divider}>or</p>
              <button
                type="button"
                className={`${styles.button} ${styles.wide}`}
                onClick={() => window.location.assign(oidcStartUrl(api.apiUrl, destination))}
              >
                Sign in with {me.oidc.label}
              </button>
            </>
          ) : null}
          <p className={styles.hint}>Forgot your password? Ask an admin of your team for a reset link.</p>
        </div>
      </main>
    </LanguagesProvider>
  );
}
