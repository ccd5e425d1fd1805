'use client';

import { useId } from 'react';
import type * as Y from 'yjs';
import { SharedTextarea } from './shared-textarea';

/** Notes shared among the interviewers only: the candidate's connection never receives them. */
export function PrivateNotes({ notes }: { notes: Y.Text | null }) {
  const id = useId();
  return (
    <section className="panel private-notes">
      <label htmlFor={id} className="panel-title">
        Private notes
      </label>
      <SharedTextarea id={id} text={notes} className="notes-text" rows={5} placeholder="Only interviewers see these notes." />
    </section>
  );
}
