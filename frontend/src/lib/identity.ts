/**
 * What the browser remembers about the user: their display name (localStorage, across sessions)
 * and, per tab and session, the interviewer token and the name they joined with (sessionStorage,
 * so a reload keeps working after the token is stripped from the visible URL).
 */
const NAME_KEY = 'pairpad:name';
const tokenKey = (sessionId: string) => `pairpad:token:${sessionId}`;
const joinedKey = (sessionId: string) => `pairpad:joined:${sessionId}`;

function safely<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch {
    // Storage can be unavailable (private mode, disabled cookies); the app works without it.
    return fallback;
  }
}

export function rememberedName(): string {
  return safely(() => window.localStorage.getItem(NAME_KEY) ?? '', '');
}

export function rememberName(name: string): void {
  safely(() => window.localStorage.setItem(NAME_KEY, name), undefined);
}

export function storedToken(sessionId: string): string | null {
  return safely(() => window.sessionStorage.getItem(tokenKey(sessionId)), null);
}

export function storeToken(sessionId: string, token: string): void {
  safely(() => window.sessionStorage.setItem(tokenKey(sessionId), token), undefined);
}

export function joinedName(sessionId: string): string | null {
  return safely(() => window.sessionStorage.getItem(joinedKey(sessionId)), null);
}

export function storeJoinedName(sessionId: string, name: string): void {
  safely(() => window.sessionStorage.setItem(joinedKey(sessionId), name), undefined);
}
