'use client';

import { useState } from 'react';
import type * as Y from 'yjs';
import type { LanguageId } from '@pairpad/protocol';
import { isMultiFile, workspaceFiles } from '@pairpad/protocol/workspace';
import { zipFiles } from '@/lib/zip-files';
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

/** What "Copy code" copies of a workspace: every file after a line with its path. */
export function filesAsText(files: readonly { name: string; content: string }[]): string {
  return files.map((file) => `// ===== ${file.name} =====\n${file.content}${file.content.endsWith('\n') ? '' : '\n'}`).join('\n');
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/**
 * The session is gone, but the code in this tab is not: it may hold edits the server never got.
 * Offers to copy it or download it, so nothing typed is lost with the session. A room of several
 * files (or folders) downloads one .zip with every file at its path (folders kept, as a project is
 * expected to come back: one download, unzipped where it was), and copies every file after a line
 * naming it; a single-file room downloads its one file, as before.
 */
export function KeepCode({ code, language, doc }: { code: () => string; language: LanguageId; doc?: Y.Doc }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const several = () => (doc && isMultiFile(doc) ? workspaceFiles(doc) : null);
  const onCopy = () => {
    const files = several();
    copyText(files ? filesAsText(files) : code()).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };
  const onDownload = () => {
    const files = several();
    if (files) download(new Blob([zipFiles(files)], { type: 'application/zip' }), 'pairpad-code.zip');
    else download(new Blob([code()], { type: 'text/plain;charset=utf-8' }), `pairpad-code.${EXTENSION[language]}`);
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
