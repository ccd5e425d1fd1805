/** Settings the browser needs, resolved on the server for every request (never baked into the build). */
export interface PublicConfig {
  /** Backend origin, e.g. `https://api.example.com`; null means "same host as the page, port 5000". */
  apiUrl: string | null;
}

/**
 * Reads the backend URL from the environment at request time: `API_URL`, else `NEXT_PUBLIC_API_URL`
 * as set when the server starts, else `NEXT_PUBLIC_API_URL` as it was at build time.
 * Call only after `connection()` so the page renders per request.
 */
export function readPublicConfig(): PublicConfig {
  const runtimeKey = 'NEXT_PUBLIC_API_URL';
  // A computed key so Next does not inline the build-time value here.
  const raw = process.env.API_URL || process.env[runtimeKey] || process.env.NEXT_PUBLIC_API_URL || '';
  const apiUrl = raw.trim().replace(/\/+$/, '');
  return { apiUrl: apiUrl === '' ? null : apiUrl };
}
