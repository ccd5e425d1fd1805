import { cx } from '@/lib/cx';
import styles from './recording-notice.module.css';
import ui from './ui.module.css';

/** Tells the candidate, in the room, exactly what the session records. */
export function RecordingNotice() {
  return (
    <section className={cx(ui.panel, styles.notice)} aria-label="What is recorded">
      <h2 className={ui.panelTitle}>
        <span className={styles.dot} aria-hidden="true" /> Recorded
      </h2>
      <p>
        The interviewer can replay this session: the code as it changes, every run and its output, who joins and leaves, pastes longer than
        200 characters, and when this tab loses focus. Chat is kept with the room.
      </p>
    </section>
  );
}
