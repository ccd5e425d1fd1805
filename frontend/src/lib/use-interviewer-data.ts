'use client';

import { useEffect, useState } from 'react';
import { ApiError } from '@/lib/api';
import { useResolveApiUrl } from '@/lib/config-context';
import { storeToken, storedToken } from '@/lib/identity';

export type InterviewerData<T> =
  { state: 'loading' } | { state: 'no-token' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/**
 * Loads interviewer-only data for the playback and report pages, as a signed-in member (the
 * session cookie) or with the guest interviewer token, which comes from the interviewer link
 * (`?token=`, then removed from the address bar) or from this browser's storage.
 */
export function useInterviewerData<T>(
  sessionId: string,
  tokenFromUrl: string | null,
  load: (apiUrl: string, token: string | null, signal: AbortSignal) => Promise<T>,
): InterviewerData<T> {
  const resolveApiUrl = useResolveApiUrl();
  const [result, setResult] = useState<InterviewerData<T>>({ state: 'loading' });

  useEffect(() => {
    if (tokenFromUrl) {
      storeToken(sessionId, tokenFromUrl);
      const url = new URL(window.location.href);
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url);
    }
    const token = tokenFromUrl ?? storedToken(sessionId);
    const controller = new AbortController();
    load(resolveApiUrl(), token, controller.signal)
      .then((data) => setResult({ state: 'ready', data }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // Neither signed in nor holding the token: say who this page is for, not "401".
        if (!token && error instanceof ApiError && (error.status === 401 || error.status === 403)) setResult({ state: 'no-token' });
        else setResult({ state: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [sessionId, tokenFromUrl, load, resolveApiUrl]);

  return result;
}
