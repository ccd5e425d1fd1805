'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useAuth } from '@/lib/auth-context';
import { CannotReachServer } from './cannot-reach-server';
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

  if (state.status === 'error') return <CannotReachServer message={state.message} onRetry={retry} />;
  return (
    <main className={styles.centered} aria-busy="true">
      <p className={styles.lead}>Opening PairPad…</p>
    </main>
  );
}
