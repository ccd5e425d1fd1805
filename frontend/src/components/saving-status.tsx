import type { SavingStatus as Saving } from '@pairpad/protocol';
import styles from './saving-status.module.css';

const LABEL: Record<Saving['status'], string> = {
  saved: 'All changes saved',
  delayed: 'Saving delayed',
};

const TITLE: Record<Saving['status'], string> = {
  saved: 'The interview is being kept in the database as it goes.',
  delayed:
    'The database cannot take the interview right now. Keep going: nothing is lost, and it is saved as soon as the database is back.',
};

/** Whether the interview is being written to the database; nothing until the server has said. */
export function SavingStatus({ status }: { status: Saving['status'] | null }) {
  if (status === null) return null;
  return (
    <span
      className={`${styles.saving} ${status === 'delayed' ? styles.delayed : ''}`}
      role="status"
      aria-live="polite"
      title={TITLE[status]}
      data-testid="saving-status"
    >
      {LABEL[status]}
    </span>
  );
}
