'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getMe, signOut as signOutRequest } from './auth-api';
import { useResolveApiUrl } from './config-context';
import type { ApiAuth } from './members-api';
import type { AuthMeResponse, SignedInResponse } from './team-shapes';

export type AuthState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; me: AuthMeResponse };

export interface AuthValue {
  state: AuthState;
  /** The backend and the CSRF token for writes; null until `/api/auth/me` has answered. */
  api: ApiAuth | null;
  /** After sign-in, setup or an accepted invite: the answer holds the member and their CSRF token. */
  signedIn(answer: SignedInResponse): void;
  /** Signs out, then loads the sign-in page. */
  signOut(): Promise<void>;
  retry(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

/**
 * Who is signed in, read once per page load from `GET /api/auth/me` (the session cookie is
 * httpOnly: only the backend can tell). The CSRF token it returns is kept here, in memory, never
 * in storage, and handed to every write.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const resolveApiUrl = useResolveApiUrl();
  const [apiUrl, setApiUrl] = useState<string | null>(null);
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => setApiUrl(resolveApiUrl()), [resolveApiUrl]);

  useEffect(() => {
    if (!apiUrl) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    getMe(apiUrl, controller.signal)
      .then((me) => setState({ status: 'ready', me }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [apiUrl, attempt]);

  const signedIn = useCallback((answer: SignedInResponse) => {
    setState((current) =>
      current.status === 'ready'
        ? { status: 'ready', me: { ...current.me, member: answer.member, csrfToken: answer.csrfToken, setupRequired: false } }
        : {
            status: 'ready',
            me: { member: answer.member, csrfToken: answer.csrfToken, setupRequired: false, oidc: { enabled: false, label: 'SSO' } },
          },
    );
  }, []);

  const csrfToken = state.status === 'ready' ? state.me.csrfToken : null;
  const signOut = useCallback(async () => {
    if (!apiUrl) return;
    await signOutRequest(apiUrl, csrfToken);
    // A full page load: nothing this tab knew about the member (CSRF token, lists) survives it.
    window.location.assign('/sign-in');
  }, [apiUrl, csrfToken]);

  const value = useMemo<AuthValue>(
    () => ({
      state,
      api: apiUrl && state.status === 'ready' ? { apiUrl, csrfToken } : null,
      signedIn,
      signOut,
      retry: () => setAttempt((count) => count + 1),
    }),
    [state, apiUrl, csrfToken, signedIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() needs an <AuthProvider> above it');
  return value;
}

/** A same-site path to go back to after signing in; anything else (another origin, `//host`) becomes the dashboard. */
export function safeReturnTo(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/dashboard';
  return raw;
}
