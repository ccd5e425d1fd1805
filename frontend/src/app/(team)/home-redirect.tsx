'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useAuth } from '@/lib/auth-context';
import styles from './team.module.css';

/** `/`: a member goes to the dashboard; anyone else to sign in, or to the first-run setup while there is no admin. */
export function HomeRedirect() {
  const { state, retry } = useAuth();
  const router = useRouter();
  const me = state.status === 'ready' ? state.me : null;

  useEffect(() => {
    if (!me) return;
    router.replace(me.member ? '/dashboard' : me.setupRequired ? '/setup' : '/sign-in');
  }, [me, router]);

  if (state.status === 'error') {
    return (
      <main className={styles.centered}>
        <div className={styles.card} role="alert">
          <h1>Cannot reach PairPad</h1>
          <p>{state.message}</p>
          <div className={styles.actions}>
            <button type="button" className={`${styles.button} ${styles.primary}`} onClick={retry}>
              Try again
            </button>
          </div>
        </div>
      </main>
    );
  }
  return (
    <main className={styles.centered} aria-busy="true">
      <p className={styles.lead}>Opening PairPad…</p>
    </main>
  );
}
