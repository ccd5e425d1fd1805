'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { NotesChannel, type SocketYjsProvider } from '@pairpad/client';
import type { Ack, ChatHistory, ChatMessage, InterviewState, Role, SavingStatus } from '@pairpad/protocol';

/** Mirrors CHAT_HISTORY_LIMIT in the protocol (kept here so the room bundle needs no zod module for it). */
const CHAT_LIMIT = 500;

const INITIAL_STATE: InterviewState = { locked: false, runDisabled: false, ended: false, endedAt: null };

export interface InterviewRoomState {
  /** Lock, run-disable and end, as the server announced them. */
  state: InterviewState;
  /** The room's chat, oldest first. */
  messages: ChatMessage[];
  /** Whether the interview is being written to the database (null until the server says). */
  saving: SavingStatus['status'] | null;
  /** The interviewers' private notes; null for candidates (they never receive them). */
  notes: Y.Text | null;
  /** Why the last interview action was refused, in words. */
  error: string | null;
  setLocked(locked: boolean): Promise<void>;
  setRunDisabled(disabled: boolean): Promise<void>;
  end(): Promise<void>;
  /** Resolves with null when sent, else the reason in words. */
  sendMessage(text: string): Promise<string | null>;
  dismissError(): void;
}

/**
 * The interview side of the room: controls state, chat, private notes (interviewers only) and the
 * candidate's focus reports. Used by useRoom only, so components never see the socket.
 */
export function useInterview(provider: SocketYjsProvider | null, role: Role): InterviewRoomState {
  const [state, setState] = useState<InterviewState>(INITIAL_STATE);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [saving, setSaving] = useState<SavingStatus['status'] | null>(null);
  const [notes, setNotes] = useState<Y.Text | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setState(INITIAL_STATE);
    setMessages([]);
    setSaving(null);
    if (!provider) return;
    const onState = (next: InterviewState) => setState(next);
    // Sent on every (re)join: the server's list is the truth.
    const onHistory = (history: ChatHistory) => setMessages(history.messages.slice(-CHAT_LIMIT));
    const onMessage = (message: ChatMessage) =>
      setMessages((current) => (current.some((entry) => entry.id === message.id) ? current : [...current, message].slice(-CHAT_LIMIT)));
    const onSaving = (next: SavingStatus) => setSaving(next.status);
    provider.socket.on('room:saving', onSaving);
    provider.socket.on('room:state', onState);
    provider.socket.on('chat:history', onHistory);
    provider.socket.on('chat:message', onMessage);
    return () => {
      provider.socket.off('room:saving', onSaving);
      provider.socket.off('room:state', onState);
      provider.socket.off('chat:history', onHistory);
      provider.socket.off('chat:message', onMessage);
    };
  }, [provider]);

  // Only interviewers open the notes channel; the server would refuse anyone else anyway.
  useEffect(() => {
    if (!provider || role !== 'interviewer') {
      setNotes(null);
      return;
    }
    const channel = new NotesChannel(provider);
    setNotes(channel.text);
    return () => {
      setNotes(null);
      channel.destroy();
    };
  }, [provider, role]);

  // The candidate is told (in the room) that leaving the tab is recorded.
  const focused = useRef(true);
  useEffect(() => {
    if (!provider || role !== 'candidate') return;
    const report = (next: boolean) => {
      if (focused.current === next) return;
      focused.current = next;
      void provider.request('activity:focus', { focused: next });
    };
    const onBlur = () => report(false);
    const onFocus = () => report(true);
    const onVisibility = () => report(document.visibilityState === 'visible' && document.hasFocus());
    window.addEventListener('blur', onBlur);
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [provider, role]);

  const control = useCallback(
    async (send: (connected: SocketYjsProvider) => Promise<Ack<{ state: InterviewState }>>) => {
      if (!provider) return;
      setError(null);
      const ack = await send(provider);
      if (ack.ok) setState(ack.state);
      else setError(ack.error.message);
    },
    [provider],
  );

  const sendMessage = useCallback(
    async (text: string): Promise<string | null> => {
      if (!provider) return 'Not connected.';
      const ack = await provider.request('chat:send', { text });
      if (!ack.ok) return ack.error.message;
      const { message } = ack;
      setMessages((current) => (current.some((entry) => entry.id === message.id) ? current : [...current, message].slice(-CHAT_LIMIT)));
      return null;
    },
    [provider],
  );

  return useMemo(
    () => ({
      state,
      messages,
      saving,
      notes,
      error,
      setLocked: (locked: boolean) => control((connected) => connected.request('room:lock', { locked })),
      setRunDisabled: (disabled: boolean) => control((connected) => connected.request('room:disable-run', { disabled })),
      end: () => control((connected) => connected.request('room:end', {})),
      sendMessage,
      dismissError: () => setError(null),
    }),
    [state, messages, saving, notes, error, control, sendMessage],
  );
}
