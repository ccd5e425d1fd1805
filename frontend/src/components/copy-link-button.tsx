'use client';

import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

async function copyText(text: string): Promise<void> {
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

/** Copies the candidate link (`${origin}/interview/:id`, no token) and says so. */
export function CopyLinkButton({ sessionId }: { sessionId: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const [link, setLink] = useState('');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2_500);
    return () => clearTimeout(timer);
  }, [state]);

  const onClick = async () => {
    const candidateLink = `${window.location.origin}/interview/${sessionId}`;
    setLink(candidateLink);
    try {
      await copyText(candidateLink);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span className="copy-link">
      <button type="button" className="button" onClick={onClick} aria-label="Copy candidate link" title="Copy the link to send to the candidate">
        {state === 'copied' ? 'Copied!' : 'Copy candidate link'}
      </button>
      <span role="status" className="visually-hidden">
        {state === 'copied' ? 'Candidate link copied to the clipboard' : ''}
      </span>
      {state === 'failed' ? (
        <span className="copy-fallback">
          Copy it yourself: <input readOnly value={link} aria-label="Candidate link" onFocus={(event) => event.target.select()} />
        </span>
      ) : null}
    </span>
  );
}
