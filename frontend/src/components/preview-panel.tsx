'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleEntry } from '@pairpad/protocol';
import { PREVIEW_TEMPLATES } from '@pairpad/protocol/preview-templates';
import { cx } from '@/lib/cx';
import type { ConsoleStore } from '@/room/console-store';
import type { PreviewRoomState } from '@/room/use-preview';
import styles from './preview-panel.module.css';
import ui from './ui.module.css';

export interface PreviewPanelProps {
  preview: PreviewRoomState;
  /** The room's question's project template, if it names one: the picker preselects it. */
  questionTemplate?: string | null;
  consoles: ConsoleStore;
  /** Start and Stop are allowed to this participant now (as Run, and editing: Start loads the template). */
  canStart: boolean;
  /** Why not, in words. */
  startOffReason: string | null;
}

const STATE_WORDS = { off: 'Not running', starting: 'Starting the dev server…', running: 'Running', failed: 'Failed' } as const;
/** Output lines the pane shows (the room's console keeps the rest). */
const LOG_CHARS = 8000;

/**
 * The room's live preview: choose a template, Start / Stop, the app in a frame served from the
 * preview origin (its own origin, one per preview and participant token: the app cannot read
 * PairPad's cookies or call its API), Reload, Open in a new tab, and what the dev server prints.
 */
export function PreviewPanel({ preview, questionTemplate, consoles, canStart, startOffReason }: PreviewPanelProps) {
  const { status } = preview;
  const [template, setTemplate] = useState<string>(status.template ?? questionTemplate ?? PREVIEW_TEMPLATES[0].id);
  const [url, setUrl] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const running = status.state === 'running';
  const { open } = preview;

  // A fresh signed address each time the preview (re)starts for this participant.
  useEffect(() => {
    if (!running) {
      setUrl(null);
      return;
    }
    let cancelled = false;
    void open().then((address) => {
      if (!cancelled && address) setUrl(address.url);
    });
    return () => {
      cancelled = true;
    };
  }, [running, status.at, open]);

  useEffect(() => {
    if (status.template) setTemplate(status.template);
  }, [status.template]);

  // A question naming a template, loaded now: its template is the one to start.
  useEffect(() => {
    if (questionTemplate) setTemplate(questionTemplate);
  }, [questionTemplate]);

  const openInNewTab = useCallback(async () => {
    const address = await open();
    if (address) window.open(address.url, '_blank', 'noopener,noreferrer');
  }, [open]);

  return (
    <section className={cx(ui.panel, styles.panel)} aria-label="Preview">
      <div className={styles.controls}>
        <label className={ui.visuallyHidden} htmlFor="preview-template">
          Template
        </label>
        <select
          id="preview-template"
          className={styles.template}
          value={template}
          onChange={(event) => setTemplate(event.target.value)}
          disabled={running || preview.busy}
        >
          {PREVIEW_TEMPLATES.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.title}
            </option>
          ))}
        </select>
        {running || status.state === 'starting' ? (
          <button type="button" className={ui.button} onClick={() => void preview.stop()} disabled={!canStart || preview.busy}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            className={cx(ui.button, ui.primary)}
            onClick={() => void preview.start(template)}
            disabled={!canStart || preview.busy}
            title={startOffReason ?? 'Start the dev server (the first start loads the template into the editor)'}
          >
            Start
          </button>
        )}
        <button type="button" className={ui.button} onClick={() => setReloads((n) => n + 1)} disabled={!url}>
          Reload
        </button>
        <button type="button" className={ui.button} onClick={() => void openInNewTab()} disabled={!running}>
          Open in a new tab
        </button>
      </div>
      <p className={cx(styles.status, status.state === 'failed' && styles.failed)} role="status" data-testid="preview-status">
        {STATE_WORDS[status.state]}
        {status.message ? ` — ${status.message}` : ''}
      </p>
      {preview.error ? (
        <p className={cx(styles.status, styles.failed)} role="alert">
          {preview.error}
        </p>
      ) : null}
      {url ? (
        <iframe
          key={`${url}#${reloads}`}
          className={styles.frame}
          src={url}
          title="Preview of the app"
          // Its own origin already keeps it from PairPad's cookies and API; the sandbox keeps it
          // from navigating this page or opening windows without a click.
          sandbox="allow-scripts allow-same-origin allow-forms allow-modals allow-popups"
          data-testid="preview-frame"
        />
      ) : (
        <div className={styles.placeholder}>
          {status.state === 'starting' ? 'Starting…' : 'Choose a template and press Start to run the app and see it here.'}
        </div>
      )}
      <PreviewLog consoles={consoles} jobId={status.jobId} />
    </section>
  );
}

/** The dev server's recent output (the preview's console transcript), written outside React state. */
function PreviewLog({ consoles, jobId }: { consoles: ConsoleStore; jobId: string | undefined }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const node = ref.current;
    if (!node || !jobId) return;
    const text = (entries: readonly ConsoleEntry[]) => entries.map((entry) => entry.text).join('');
    node.textContent = text(consoles.entries(jobId)).slice(-LOG_CHARS);
    return consoles.subscribe(jobId, (entries, reset) => {
      node.textContent = (reset ? text(entries) : (node.textContent ?? '') + text(entries)).slice(-LOG_CHARS);
      node.scrollTop = node.scrollHeight;
    });
  }, [consoles, jobId]);
  return jobId ? <pre ref={ref} className={styles.log} aria-label="Dev server output" data-testid="preview-log" /> : null;
}
