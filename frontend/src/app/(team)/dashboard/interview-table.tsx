'use client';

import Link from 'next/link';
import { useState } from 'react';
import { RECOMMENDATION_LABELS, RECOMMENDATIONS } from '@pairpad/protocol';
import { ModalDialog } from '@/components/modal-dialog';
import { deleteInterview } from '@/lib/interviews-api';
import type { ApiAuth } from '@/lib/members-api';
import type { InterviewStatus, InterviewSummary, Member } from '@/lib/team-shapes';
import { errorText } from '../error-text';
import { FormError } from '@/components/form-error';
import { TableHead } from '../team-list';
import shared from '../team.module.css';
import styles from './dashboard.module.css';

const STATUS_WORDS: Record<InterviewStatus, string> = { upcoming: 'Upcoming', live: 'Live now', ended: 'Ended' };

function when(value: number | string): string {
  return new Date(value).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

function titleOf(item: InterviewSummary): string {
  return item.title?.trim() || 'Untitled interview';
}

export interface InterviewTableProps {
  items: InterviewSummary[];
  member: Member;
  api: ApiAuth;
  showCreator: boolean;
  onDeleted(): void;
}

/** One page of interviews: what, who, which question, where it stands, and the ways in. */
export function InterviewTable({ items, member, api, showCreator, onDeleted }: InterviewTableProps) {
  const [deleting, setDeleting] = useState<InterviewSummary | null>(null);
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label="Interviews">
        <TableHead columns={['Title', 'Candidate', 'Question', 'Status', 'Scorecards', 'Date']} />
        <tbody>
          {items.map((item) => (
            <Row
              key={item.id}
              item={item}
              showCreator={showCreator}
              canDelete={member.role === 'admin' || item.createdBy?.id === member.id}
              onDelete={() => setDeleting(item)}
            />
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDelete
          item={deleting}
          api={api}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            onDeleted();
          }}
        />
      ) : null}
    </div>
  );
}

function Row({
  item,
  showCreator,
  canDelete,
  onDelete,
}: {
  item: InterviewSummary;
  showCreator: boolean;
  canDelete: boolean;
  onDelete(): void;
}) {
  const title = titleOf(item);
  const room = `/interview/${item.id}`;
  return (
    <tr>
      <th scope="row" className={styles.titleCell}>
        {title}
        {showCreator && item.createdBy ? <span className={styles.by}>by {item.createdBy.name}</span> : null}
      </th>
      <td data-label="Candidate">{item.candidateName ?? <span className={styles.muted}>—</span>}</td>
      <td data-label="Question">{item.questionTitle ?? <span className={styles.muted}>None</span>}</td>
      <td data-label="Status">
        <span className={`${styles.badge} ${styles[item.status]}`}>{STATUS_WORDS[item.status]}</span>
      </td>
      <td data-label="Scorecards" data-testid="recommendations">
        <Recommendations counts={item.recommendations} />
      </td>
      <td data-label="Date" className={styles.date}>
        {when(item.startedAt ?? item.createdAt)}
      </td>
      <td>
        <div className={styles.rowActions}>
          {item.status !== 'ended' ? (
            <Link href={room} aria-label={`Open room: ${title}`}>
              Open room
            </Link>
          ) : null}
          {item.status !== 'upcoming' ? (
            <>
              <Link href={`${room}/report`} aria-label={`Report: ${title}`}>
                Report
              </Link>
              <Link href={`${room}/playback`} aria-label={`Playback: ${title}`}>
                Playback
              </Link>
            </>
          ) : null}
          {canDelete ? (
            <button type="button" className={styles.linkButton} onClick={onDelete} aria-label={`Delete: ${title}`}>
              Delete
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** The submitted scorecards' recommendations, counted (null: hidden until this member submits theirs). */
function Recommendations({ counts }: { counts: InterviewSummary['recommendations'] }) {
  if (counts === undefined) return null;
  if (counts === null)
    return (
      <span className={styles.muted} title="An interviewer of this interview sees the others' scorecards once they submit their own">
        Hidden
      </span>
    );
  const given = RECOMMENDATIONS.filter((value) => counts[value] > 0);
  if (given.length === 0) return <span className={styles.muted}>—</span>;
  return <>{given.map((value) => `${RECOMMENDATION_LABELS[value]} ${counts[value]}`).join(' · ')}</>;
}

function ConfirmDelete({ item, api, onClose, onDeleted }: { item: InterviewSummary; api: ApiAuth; onClose(): void; onDeleted(): void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await deleteInterview(api, item.id);
      onDeleted();
    } catch (failure) {
      setPending(false);
      setError(errorText(failure));
    }
  };
  return (
    <ModalDialog label="Delete this interview?" onClose={onClose}>
      <p>
        <strong>{titleOf(item)}</strong>
        {item.candidateName ? ` with ${item.candidateName}` : ''} will be deleted with its code, report, playback and notes. This cannot be
        undone.
      </p>
      <FormError message={error} />
      <div className={shared.actions}>
        <button type="button" className={`${shared.button} ${shared.danger}`} onClick={confirm} disabled={pending}>
          {pending ? 'Deleting…' : 'Delete interview'}
        </button>
        <button type="button" className={shared.button} onClick={onClose} autoFocus>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
