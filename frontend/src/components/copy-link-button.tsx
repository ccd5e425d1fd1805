'use client';

import { useEffect, useState } from 'react';
import { cx } from '@/lib/cx';
import styles from './copy-link-button.module.css';
import ui from './ui.module.css';

type CopyState = 'idle' | 'copied' | 'failed';

export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-http hosts have no Clipboard API: fall back to a selected textarea.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

interface LinkKind {
  label: string;
  /** The button's accessible name: the label and its "Private" tag. */
  name: string;
  /** The link's name in sentences ("Candidate link"). */
  noun: string;
  title: string;
}

const CANDIDATE: LinkKind = {
  label: 'Copy candidate link',
  name: 'Copy candidate link',
  noun: 'Candidate link',
  title: 'Copy the link to send to the candidate',
};

const INTERVIEWER: LinkKind = {
  label: 'Copy interviewer link',
  name: 'Copy interviewer link, private',
  noun: 'Interviewer link',
  title:
    'Private: for a co-interviewer only. It opens this room as an interviewer (private notes, lock, end). Never send it to the candidate.',
};

export interface CopyLinkButtonProps {
  sessionId: string;
  /** Given: copies the private interviewer link (with this token) instead of the candidate link. */
  interviewerToken?: string | null;
}

/**
 * Copies the candidate link (`${origin}/interview/:id`, no token) or, with `interviewerToken`,
 * the private interviewer link (`?token=`), marked "Private" so the two cannot be mixed up.
 */
export function CopyLinkButton({ sessionId, interviewerToken = null }: CopyLinkButtonProps) {
  const kind = interviewerToken ? INTERVIEWER : CANDIDATE;
  const [state, setState] = useState<CopyState>('idle');
  const [link, setLink] = useState('');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2_500);
    return () => clearTimeout(timer);
  }, [state]);

  const onClick = async () => {
    const base = `${window.location.origin}/interview/${sessionId}`;
    const next = interviewerToken ? `${base}?${new URLSearchParams({ token: interviewerToken }).toString()}` : base;
    setLink(next);
    try {
      await copyText(next);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span className={cx(styles.link, interviewerToken && styles.private)}>
      {/* The name holds every visible word ("… link, private"), as WCAG's label-in-name asks, and stays while "Copied!" shows. */}
      <button type="button" className={cx(ui.button, styles.button)} onClick={onClick} aria-label={kind.name} title={kind.title}>
        {state === 'copied' ? 'Copied!' : kind.label}
        {interviewerToken ? (
          <>
            {' '}
            <span className={styles.privateTag} aria-hidden="true">
              Private
            </span>
          </>
        ) : null}
      </button>
      <span role="status" className={ui.visuallyHidden}>
        {state === 'copied' ? `${kind.noun} copied to the clipboard${interviewerToken ? ': private, for a co-interviewer only' : ''}` : ''}
      </span>
      {state === 'failed' ? (
        <span className={styles.fallback}>
          Copy it yourself: <input readOnly value={link} aria-label={kind.noun} onFocus={(event) => event.target.select()} />
        </span>
      ) : null}
    </span>
  );
}
