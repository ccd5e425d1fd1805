'use client';

import { useId } from 'react';
import type * as Y from 'yjs';
import { SharedTextarea } from './shared-textarea';
import styles from './private-notes.module.css';
import ui from './ui.module.css';

/** Notes shared among the interviewers only: the candidate's connection never receives them. */
export function PrivateNotes({ notes }: { notes: Y.Text | null }) {
  const id = useId();
  return (
    <section className={ui.panel}>
      <label htmlFor={id} className={ui.panelTitle}>
        Private notes
      </label>
      <SharedTextarea id={id} text={notes} className={styles.notes} rows={5} placeholder="Only interviewers see these notes." />
    </section>
  );
}
