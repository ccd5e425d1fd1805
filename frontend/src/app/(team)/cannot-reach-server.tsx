'use client';

import styles from './team.module.css';

/** The team pages' answer when the backend cannot be reached: the reason in words, and a retry. */
export function CannotReachServer({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main className={styles.centered}>
      <div className={styles.card} role="alert">
        <h1>Cannot reach PairPad</h1>
        <p>{message}</p>
        <div className={styles.actions}>
          <button type="button" className={`${styles.button} ${styles.primary}`} onClick={onRetry}>
            Try again
          </button>
        </div>
      </div>
    </main>
  );
}
