'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ChatMessage } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import { formatClock } from '@/lib/format';
import styles from './chat-panel.module.css';
import ui from './ui.module.css';

export interface ChatPanelProps {
  messages: ChatMessage[];
  /** The local user's name, to tell own messages apart (they never count as unread). */
  selfName: string;
  disabled: boolean;
  send(text: string): Promise<string | null>;
}

/** The room's chat: plain text for everyone, collapsible, with an unread count while collapsed. */
export function ChatPanel({ messages, selfName, disabled, send }: ChatPanelProps) {
  const id = useId();
  const [open, setOpen] = useState(true);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [seen, setSeen] = useState(messages.length);
  const listRef = useRef<HTMLOListElement>(null);

  // While open, everything is read; the history arriving at join counts as read too.
  useEffect(() => {
    if (open) setSeen(messages.length);
  }, [open, messages.length]);
  useEffect(() => {
    if (open) listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [open, messages.length]);

  const unread = open ? 0 : messages.slice(seen).filter((message) => message.name !== selfName).length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    const refused = await send(text);
    setSending(false);
    setError(refused);
    if (!refused) setDraft('');
  };

  return (
    <section className={cx(ui.panel, styles.chat, open && styles.open)} aria-labelledby={`${id}-title`}>
      <h2 className={ui.panelTitle}>
        <button
          type="button"
          id={`${id}-title`}
          className={styles.toggle}
          aria-expanded={open}
          aria-controls={`${id}-body`}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Chat
          {unread > 0 ? (
            <span className={cx(ui.countBadge, ui.unread)} data-testid="chat-unread" aria-label={`${unread} unread`}>
              {unread}
            </span>
          ) : null}
        </button>
      </h2>
      <div id={`${id}-body`} className={styles.body} hidden={!open}>
        <ol ref={listRef} className={styles.list} aria-label="Chat log" aria-live="polite">
          {messages.length === 0 ? <li className={styles.empty}>No messages yet.</li> : null}
          {messages.map((message) => (
            <li key={message.id} className={cx(styles.message, message.role === 'interviewer' && styles.fromInterviewer)}>
              <span className={styles.meta}>
                <strong>{message.name}</strong> <time dateTime={new Date(message.at).toISOString()}>{formatClock(message.at)}</time>
              </span>
              <span className={styles.text}>{message.text}</span>
            </li>
          ))}
        </ol>
        <form className={styles.form} onSubmit={(event) => void submit(event)}>
          <input
            type="text"
            aria-label="Message"
            placeholder={disabled ? 'Chat is closed' : 'Message the room'}
            value={draft}
            maxLength={2000}
            disabled={disabled}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className={ui.button} disabled={disabled || sending || draft.trim() === ''}>
            Send
          </button>
        </form>
        {error ? (
          <p className={ui.refused} role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  );
}
