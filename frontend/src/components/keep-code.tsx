'use client';

import { useState } from 'react';
import type { LanguageId } from '@pairpad/protocol';
import { copyText } from './copy-link-button';
import ui from './ui.module.css';

/** File name extensions for "Download code". */
const EXTENSION: Record<LanguageId, string> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  c: 'c',
  'c++': 'cpp',
  java: 'java',
  rust: 'rs',
  go: 'go',
  ruby: 'rb',
  php: 'php',
  bash: 'sh',
  sqlite3: 'sql',
  postgresql: 'sql',
};

/**
 * The session is gone, but the code in this tab is not: it may hold edits the server never got.
 * Offers to copy it or download it as a file, so nothing typed is lost with the session.
 */
export function KeepCode({ code, language }: { code: () => string; language: LanguageId }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onCopy = () => {
    copyText(code()).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };
  const onDownload = () => {
    const url = URL.createObjectURL(new Blob([code()], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `pairpad-code.${EXTENSION[language]}`;
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  };
  return (
    <span data-testid="keep-code">
      Your code is still here in this tab; keep a copy before you leave.{' '}
      <button type="button" className={ui.button} onClick={onCopy}>
        Copy code
      </button>{' '}
      <button type="button" className={ui.button} onClick={onDownload}>
        Download code
      </button>
      <span role="status" aria-live="polite">
        {copy === 'copied' ? ' Copied.' : copy === 'failed' ? ' Could not copy: select the code and copy it by hand.' : ''}
      </span>
    </span>
  );
}
