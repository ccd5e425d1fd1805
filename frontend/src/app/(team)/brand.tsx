import Link from 'next/link';
import styles from './team.module.css';

export function Brand() {
  return (
    <Link href="/" className={styles.brand}>
      <span className={styles.brandMark} aria-hidden="true">
        ⌘
      </span>
      PairPad
    </Link>
  );
}
