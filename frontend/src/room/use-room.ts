'use client';

import { useEffect, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { SocketYjsProvider, type ConnectionStatus } from '@pairpad/client';
import { META_KEYS, ROOM_DOC } from '@pairpad/protocol/wire';
import type { AwarenessUser, ErrorBody, LanguageId, Role, SessionClosed } from '@pairpad/protocol';
import { LanguageIdSchema } from '@pairpad/protocol/first-load-schemas';
import { participantsFrom, type Participant } from './participants';
import { usePresence } from './use-presence';
import { useInterview, type InterviewRoomState } from './use-interview';
import { useRuns, type RunsState } from './use-runs';
import { usePreview, type PreviewRoomState } from './use-preview';
import { useQuestions, type QuestionsState } from './use-questions';
import { colorForName } from './user-color';

export interface RoomOptions {
  apiUrl: string;
  sessionId: string;
  name: string;
  token?: string | null;
  /** This browser's id in the session (identity.personId): one person's tabs are one participant. */
  personId?: string;
  /** Language to show until the shared document has synced. */
  initialLanguage: LanguageId;
}

/** Why the room cannot be used any more: refused at join, or closed by the server. */
export type RoomEnd =
  { kind: 'refused'; code: ErrorBody['code']; message: string } | { kind: 'closed'; reason: SessionClosed['reason']; message: string };

export interface RoomState {
  status: ConnectionStatus;
  synced: boolean;
  role: Role;
  language: LanguageId;
  participants: Participant[];
  /** The shared code; null until the provider exists (first client render). */
  text: Y.Text | null;
  awareness: Awareness | null;
  end: RoomEnd | null;
  /** This tab has been in the room (welcomed) at least once: its document may hold the code. */
  joined: boolean;
  /** The latest non-fatal problem (a refused language change, a dropped message). */
  notice: string | null;
  /** Runs in the room: history, live updates, the shared input, and starting a run. */
  runs: RunsState;
  /** Lock, run-disable, end, chat and (interviewers only) private notes. */
  interview: InterviewRoomState;
  /** The room's question (description, cases) and its test runs. */
  questions: QuestionsState;
  /** The room's live preview (a web app's dev server on the executor). */
  preview: PreviewRoomState;
  setLanguage(language: LanguageId): Promise<void>;
  dismissNotice(): void;
}

function readLanguage(meta: Y.Map<unknown>): LanguageId | null {
  const parsed = LanguageIdSchema.safeParse(meta.get(META_KEYS.language));
  return parsed.success ? parsed.data : null;
}

/**
 * One live room: creates the Socket.IO + Yjs provider, publishes the local user in awareness, and
 * exposes status, role, language and participants as React state. The only place that touches
 * the provider, so components never see Socket.IO.
 */
export function useRoom({ apiUrl, sessionId, name, token, personId, initialLanguage }: RoomOptions): RoomState {
  const [provider, setProvider] = useState<SocketYjsProvider | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [synced, setSynced] = useState(false);
  const [role, setRole] = useState<Role>(token ? 'interviewer' : 'candidate');
  const [language, setLanguageState] = useState<LanguageId>(initialLanguage);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [end, setEnd] = useState<RoomEnd | null>(null);
  const [joined, setJoined] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const presence = usePresence();
  const runs = useRuns(provider);
  const interview = useInterview(provider, role);
  const questions = useQuestions(provider);
  const preview = usePreview(provider);

  useEffect(() => {
    setEnd(null);
    setJoined(false);
    const created = new SocketYjsProvider({
      url: apiUrl,
      sessionId,
      name,
      ...(token ? { token } : {}),
      // Behind a proxy or firewall that blocks websockets, fall back to HTTP long-polling.
      // The session cookie rides along: a signed-in member of the team joins as an interviewer.
      socketOptions: { tryAllTransports: true, withCredentials: true },
    });
    const meta = created.doc.getMap<unknown>(ROOM_DOC.meta);
    const { color, colorLight } = colorForName(name);
    const user: AwarenessUser = {
      name,
      color,
      colorLight,
      role: token ? 'interviewer' : 'candidate',
      status: 'active',
      ...(personId ? { personId } : {}),
    };
    // Set before the socket connects, so the first awareness message already carries the user.
    created.awareness.setLocalStateField('user', user);

    const onStatus = (next: ConnectionStatus) => setStatus(next);
    const onSynced = (next: boolean) => setSynced(next);
    const onWelcome = ({ role: verified }: { role: Role }) => {
      setJoined(true);
      // In again: a "retrying" notice from the refused attempts is old news.
      setNotice(null);
      setRole(verified);
      const current = created.awareness.getLocalState()?.user as AwarenessUser | undefined;
      if (current && current.role !== verified) created.awareness.setLocalStateField('user', { ...current, role: verified });
    };
    const onError = (error: ErrorBody & { fatal: boolean }) => {
      if (error.fatal) setEnd({ kind: 'refused', code: error.code, message: error.message });
      else setNotice(error.message);
    };
    // A server restart ('shutdown') never arrives here: the provider stays 'reconnecting' and rejoins by itself.
    const onClosed = (closed: SessionClosed) => {
      setEnd({ kind: 'closed', reason: closed.reason, message: closed.message });
    };
    const onMeta = () => {
      const next = readLanguage(meta);
      if (next) setLanguageState(next);
    };
    const onAwareness = () => setParticipants(participantsFrom(created.awareness));
    // Leaving the page: tell the others right away instead of waiting for the socket timeout.
    let userBeforeHide: unknown = null;
    const onPageHide = () => {
      userBeforeHide = created.awareness.getLocalState()?.user ?? null;
      created.awareness.setLocalState(null);
    };
    // Back from the back/forward cache: show up again.
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted && userBeforeHide) created.awareness.setLocalStateField('user', userBeforeHide);
    };

    created.on('status', onStatus);
    created.on('synced', onSynced);
    created.on('welcome', onWelcome);
    created.on('error', onError);
    created.on('closed', onClosed);
    meta.observe(onMeta);
    created.awareness.on('change', onAwareness);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    setStatus(created.status);
    onAwareness();
    setProvider(created);

    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      created.awareness.off('change', onAwareness);
      meta.unobserve(onMeta);
      created.off('status', onStatus);
      created.off('synced', onSynced);
      created.off('welcome', onWelcome);
      created.off('error', onError);
      created.off('closed', onClosed);
      created.destroy();
      created.doc.destroy();
      setProvider(null);
    };
  }, [apiUrl, sessionId, name, token, personId]);

  useEffect(() => {
    if (!provider) return;
    const current = provider.awareness.getLocalState()?.user as AwarenessUser | undefined;
    if (current && current.status !== presence) provider.awareness.setLocalStateField('user', { ...current, status: presence });
  }, [provider, presence]);

  return useMemo<RoomState>(
    () => ({
      status,
      synced,
      role,
      language,
      participants,
      text: provider?.doc.getText(ROOM_DOC.code) ?? null,
      awareness: provider?.awareness ?? null,
      end,
      joined,
      notice,
      runs,
      interview,
      questions,
      preview,
      async setLanguage(next: LanguageId) {
        if (!provider) return;
        const ack = await provider.setLanguage(next);
        if (!ack.ok) setNotice(`Could not change the language: ${ack.error.message}`);
      },
      dismissNotice: () => setNotice(null),
    }),
    [status, synced, role, language, participants, provider, end, joined, notice, runs, interview, questions, preview],
  );
}
