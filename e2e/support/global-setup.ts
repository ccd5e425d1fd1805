import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from '@playwright/test';
import { BACKEND_URL, MEMBER_CSRF_PATH, MEMBER_EMAIL, MEMBER_PASSWORD, MEMBER_STATE_PATH } from './env';

/**
 * Signs the interviewer in once for the whole run, through the real REST API, and saves the
 * cookie (Playwright storage state, for the browsers of signed-in interviewers) and the CSRF token
 * of that session (for specs that create sessions through the API). Signing in per test would
 * trip the per-address sign-in rate limit.
 */
export default async function globalSetup(): Promise<void> {
  const api = await request.newContext({ baseURL: BACKEND_URL });
  const response = await api.post('/api/auth/sign-in', { data: { email: MEMBER_EMAIL, password: MEMBER_PASSWORD } });
  if (response.status() !== 200) throw new Error(`global setup: sign-in answered ${response.status()}: ${await response.text()}`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  mkdirSync(path.dirname(MEMBER_STATE_PATH), { recursive: true });
  await api.storageState({ path: MEMBER_STATE_PATH });
  writeFileSync(MEMBER_CSRF_PATH, JSON.stringify({ csrfToken }));
  await api.dispose();
}
