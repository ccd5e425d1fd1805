'use client';

import { useState } from 'react';
import styles from './team.module.css';

/**
 * A link to hand to someone (invite, reset, candidate): shown in a read-only field so it can be
 * selected by hand too, with a button that copies it. `label` names both ("Invite link").
 */
export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      // Plain-http hosts have no Clipboard API: the field is selected for Ctrl+C instead.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('failed');
    }
  };
  return (
    <div>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <div className={styles.copyRow}>
        <input id={id} readOnly value={value} onFocus={(event) => event.target.select()} />
        <button type="button" className={styles.button} onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied === 'copied' ? 'Copied!' : 'Copy'}
        </button>
      </div>
      <p role="status" className={styles.hint}>
        {copied === 'copied'
          ? `${label} copied to the clipboard.`
          : copied === 'failed'
            ? 'Copying is not available here: the link is selected, press Ctrl+C.'
            : ''}
      </p>
    </div>
  );
}
