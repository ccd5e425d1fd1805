import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions } from '@playwright/test';
import { MEMBER_CSRF_PATH, MEMBER_STATE_PATH } from './env';

interface SavedState {
  cookies: Array<{ name: string; value: string }>;
}

/** The signed-in member's cookie header and CSRF token, as the global setup saved them. */
export function memberCredentials(): { cookie: string; csrfToken: string } {
  const state = JSON.parse(readFileSync(MEMBER_STATE_PATH, 'utf8')) as SavedState;
  const { csrfToken } = JSON.parse(readFileSync(MEMBER_CSRF_PATH, 'utf8')) as { csrfToken: string };
  return { cookie: state.cookies.map(({ name, value }) => `${name}=${value}`).join('; '), csrfToken };
}

/** A browser of the signed-in interviewer (the team member of the global setup). */
export function memberContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...options, storageState: MEMBER_STATE_PATH });
}
