/**
 * What the browser remembers about the user, all in localStorage so it holds in every tab and
 * after a browser restart: their display name (across sessions), and per session the interviewer
 * token, the name they joined with, and a random person id that tells this browser's tabs apart
 * from other people (the same person in two tabs is one participant).
 */
const NAME_KEY = 'pairpad:name';
const tokenKey = (sessionId: string) => `pairpad:token:${sessionId}`;
const joinedKey = (sessionId: string) => `pairpad:joined:${sessionId}`;
const personKey = (sessionId: string) => `pairpad:person:${sessionId}`;
const suggestedKey = (sessionId: string) => `pairpad:suggested:${sessionId}`;

function safely<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch {
    // Storage can be unavailable (private mode, disabled cookies); the app works without it.
    return fallback;
  }
}

/** Reads a per-session value; earlier versions kept it per tab (sessionStorage), so that is read too. */
function read(key: string): string | null {
  return safely(() => window.localStorage.getItem(key) ?? window.sessionStorage.getItem(key), null);
}

function write(key: string, value: string): void {
  safely(() => window.localStorage.setItem(key, value), undefined);
}

export function rememberedName(): string {
  return safely(() => window.localStorage.getItem(NAME_KEY) ?? '', '');
}

export function rememberName(name: string): void {
  write(NAME_KEY, name);
}

export function storedToken(sessionId: string): string | null {
  return read(tokenKey(sessionId));
}

export function storeToken(sessionId: string, token: string): void {
  write(tokenKey(sessionId), token);
}

export function joinedName(sessionId: string): string | null {
  return read(joinedKey(sessionId));
}

export function storeJoinedName(sessionId: string, name: string): void {
  write(joinedKey(sessionId), name);
}

/**
 * The `?name=` a link suggested, kept for this tab once it leaves the address bar: it pre-fills
 * the name prompt after a reload, and never joins anyone by itself.
 */
export function suggestedName(sessionId: string): string | null {
  return safely(() => window.sessionStorage.getItem(suggestedKey(sessionId)), null);
}

export function storeSuggestedName(sessionId: string, name: string): void {
  safely(() => window.sessionStorage.setItem(suggestedKey(sessionId), name), undefined);
}

/** 128 random bits as hex; works on plain-http hosts, where crypto.randomUUID is missing. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * This browser's id in one session, shared with the room through awareness. Per session, so it
 * cannot follow a person from one interview to the next; new when storage is unavailable.
 */
export function personId(sessionId: string): string {
  const known = read(personKey(sessionId));
  if (known) return known;
  const fresh = randomId();
  write(personKey(sessionId), fresh);
  return fresh;
}
