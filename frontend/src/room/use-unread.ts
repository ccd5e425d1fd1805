import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { ChatMessage } from '@pairpad/protocol';

/**
 * Chat messages from others that arrived while the chat was out of sight. History older than this
 * page (and anything said while the chat was open) counts as read.
 */
export function useUnreadChat(messages: readonly ChatMessage[], selfName: string, open: boolean): number {
  const [seenUntil, setSeenUntil] = useState(() => Date.now());
  const newest = messages.at(-1)?.at ?? 0;
  useEffect(() => {
    if (open) setSeenUntil((current) => Math.max(current, newest, Date.now()));
  }, [open, newest]);
  if (open) return 0;
  return messages.filter((message) => message.at > seenUntil && message.name !== selfName).length;
}

/** 1 when another interviewer changed the private notes while they were out of sight, else 0. */
export function useUnreadNotes(notes: Y.Text | null, open: boolean): number {
  const [changed, setChanged] = useState(false);
  useEffect(() => {
    if (open) setChanged(false);
  }, [open]);
  useEffect(() => {
    if (!notes || open) return;
    const onChange = (_event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (!transaction.local) setChanged(true);
    };
    notes.observe(onChange);
    return () => notes.unobserve(onChange);
  }, [notes, open]);
  return changed && !open ? 1 : 0;
}
