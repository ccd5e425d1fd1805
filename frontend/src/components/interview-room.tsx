'use client';

import { useCallback, useEffect, useState } from 'react';
import type { SessionPublicView } from '@pairpad/protocol';
import { DisplayNameSchema } from '@pairpad/protocol/first-load-schemas';
import { SESSION_ID_PATTERN } from '@pairpad/protocol/limits';
import { getSession, isMissingSession } from '@/lib/api';
import { useResolveApiUrl } from '@/lib/config-context';
import {
  joinedName,
  personId,
  rememberName,
  rememberedName,
  storeJoinedName,
  storeSuggestedName,
  storeToken,
  storedToken,
  suggestedName,
} from '@/lib/identity';
import { NamePrompt } from './name-prompt';
import { RoomView } from './room-view';
import { SessionMissing } from './session-missing';
import { cx } from '@/lib/cx';
import ui from './ui.module.css';

export interface InterviewRoomProps {
  sessionId: string;
  /** `?name=` from the link: pre-fills the name prompt (never skips it), then leaves the address bar. */
  nameFromUrl: string | null;
  /** `?token=` from the interviewer link. */
  tokenFromUrl: string | null;
}

type Lookup =
  { state: 'loading' } | { state: 'ready'; session: SessionPublicView } | { state: 'missing' } | { state: 'unreachable'; message: string };

interface Identity {
  name: string | null;
  token: string | null;
  defaultName: string;
  personId: string;
}

function validName(name: string | null): string | null {
  if (name === null) return null;
  const parsed = DisplayNameSchema.safeParse(name);
  return parsed.success ? parsed.data : null;
}

/**
 * Everything before the room itself: is the session there, who are you (name prompt), are you the
 * interviewer (token from the link, kept in localStorage for every tab and removed from the address bar).
 */
export function InterviewRoom({ sessionId, nameFromUrl, tokenFromUrl }: InterviewRoomProps) {
  const resolveApiUrl = useResolveApiUrl();
  const [apiUrl, setApiUrl] = useState<string | null>(null);
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [attempt, setAttempt] = useState(0);
  const validId = SESSION_ID_PATTERN.test(sessionId);

  // Browser-only state (storage, location) is read after mount to keep hydration consistent.
  useEffect(() => {
    setApiUrl(resolveApiUrl());
    if (tokenFromUrl) storeToken(sessionId, tokenFromUrl);
    const token = tokenFromUrl ?? storedToken(sessionId);
    // Only a name this browser joined this session with skips the prompt: a `?name=` in a
    // forwarded link (or an address bar shared on screen) must not join someone as another person.
    const suggested = validName(nameFromUrl);
    if (suggested) storeSuggestedName(sessionId, suggested);
    const name = validName(joinedName(sessionId));
    setIdentity({
      name,
      token,
      defaultName: suggested ?? validName(suggestedName(sessionId)) ?? rememberedName(),
      personId: personId(sessionId),
    });
    if (tokenFromUrl || nameFromUrl !== null) {
      // Keep the secret and the name out of the address bar (and of screen shares and copied
      // links); localStorage keeps reloads and new tabs working.
      const url = new URL(window.location.href);
      url.searchParams.delete('token');
      url.searchParams.delete('name');
      window.history.replaceState(window.history.state, '', url);
    }
  }, [resolveApiUrl, sessionId, nameFromUrl, tokenFromUrl]);

  useEffect(() => {
    if (!apiUrl || !validId) return;
    const controller = new AbortController();
    setLookup({ state: 'loading' });
    getSession(apiUrl, sessionId, controller.signal)
      .then((session) => setLookup({ state: 'ready', session }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (isMissingSession(error)) setLookup({ state: 'missing' });
        else setLookup({ state: 'unreachable', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [apiUrl, sessionId, validId, attempt]);

  const join = useCallback(
    (name: string) => {
      rememberName(name);
      storeJoinedName(sessionId, name);
      setIdentity((current) => (current ? { ...current, name } : current));
    },
    [sessionId],
  );

  if (!validId || lookup.state === 'missing') return <SessionMissing reason="not-found" />;
  if (lookup.state === 'unreachable') {
    return (
      <main className={ui.centeredPage}>
        <div className={ui.card} role="alert">
          <h1>Cannot open this session</h1>
          <p>{lookup.message}</p>
          <button type="button" className={cx(ui.button, ui.primary)} onClick={() => setAttempt((count) => count + 1)}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (lookup.state === 'loading' || !identity || !apiUrl) {
    return (
      <main className={ui.centeredPage} aria-busy="true">
        <p className={ui.loadingLine}>Opening the session…</p>
      </main>
    );
  }
  // An ended interview still opens, read-only: the room shows that it has ended.
  if (!identity.name) return <NamePrompt title={lookup.session.title} defaultName={identity.defaultName} onJoin={join} />;
  return <RoomView apiUrl={apiUrl} session={lookup.session} name={identity.name} token={identity.token} personId={identity.personId} />;
}
