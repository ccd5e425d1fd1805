'use client';

import { useEffect, useState } from 'react';
import { useResolveApiUrl } from '@/lib/config-context';
import { storeToken, storedToken } from '@/lib/identity';

export type InterviewerData<T> =
  | { state: 'loading' }
  | { state: 'no-token' }
  | { state: 'error'; message: string }
  | { state: 'ready'; data: T };

/**
 * Loads interviewer-only data for the playback and report pages. The token comes from the
 * interviewer link (`?token=`, then removed from the address bar) or from this browser's storage.
 */
export function useInterviewerData<T>(
  sessionId: string,
  tokenFromUrl: string | null,
  load: (apiUrl: string, token: string, signal: AbortSignal) => Promise<T>,
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
    if (!token) {
      setResult({ state: 'no-token' });
      return;
    }
    const controller = new AbortController();
    load(resolveApiUrl(), token, controller.signal)
      .then((data) => setResult({ state: 'ready', data }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [sessionId, tokenFromUrl, load, resolveApiUrl]);

  return result;
}
