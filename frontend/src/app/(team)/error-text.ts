import { ApiError } from '@/lib/api';
import { knownErrorWords } from './sign-in/error-words';

const FIELD_WORDS: Record<string, string> = { email: 'Email', password: 'Password', name: 'Name', setupCode: 'Setup code', role: 'Role' };

/** A failed call in words: our sentence for a known code, else the server's message with its field details. */
export function errorText(failure: unknown): string {
  if (!(failure instanceof ApiError)) return failure instanceof Error ? failure.message : String(failure);
  const known = knownErrorWords(failure.code);
  if (known) return known;
  const details = Object.entries(failure.details ?? {}).map(([field, message]) => `${FIELD_WORDS[field] ?? field} ${message}.`);
  return details.length > 0 ? details.join(' ') : failure.message;
}
