import type { DIFFICULTIES } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import styles from './difficulty-badge.module.css';

/** A question's difficulty as a coloured tag (home page form, question bank). */
export function DifficultyBadge({ difficulty }: { difficulty: (typeof DIFFICULTIES)[number] }) {
  return <span className={cx(styles.difficulty, styles[difficulty])}>{difficulty}</span>;
}
