import type { ConnectionStatus as Status } from '@pairpad/client';
import { cx } from '@/lib/cx';
import styles from './connection-status.module.css';

const LABEL: Record<Status, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Closed',
};

/** Connection state in words and as a colored dot. */
export function ConnectionStatus({ status }: { status: Status }) {
  return (
    <span className={cx(styles.connection, styles[status])} role="status" aria-live="polite" data-testid="connection-status">
      <span className={styles.dot} aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
