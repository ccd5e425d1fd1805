/**
 * Ports and URLs the e2e run uses: dedicated ports so a dev server on 3000/5000 is left alone.
 * Override with E2E_BACKEND_PORT / E2E_FRONTEND_PORT.
 */
export const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT ?? 5100);
export const FRONTEND_PORT = Number(process.env.E2E_FRONTEND_PORT ?? 3100);
export const BACKEND_URL = `http://localhost:${BACKEND_PORT}`;
export const FRONTEND_URL = `http://localhost:${FRONTEND_PORT}`;

/**
 * The team member every spec signs in as: the first admin, created by the backend at start from
 * ADMIN_EMAIL / ADMIN_PASSWORD (playwright.config.ts passes them).
 */
export const MEMBER_EMAIL = 'ivy@e2e.pairpad.test';
export const MEMBER_PASSWORD = 'e2e-interviewer-password';

/** Where the global setup keeps the signed-in member (cookie) and the CSRF token of that session. */
export const MEMBER_STATE_PATH = new URL('../test-results/.auth/member.json', import.meta.url).pathname;
export const MEMBER_CSRF_PATH = new URL('../test-results/.auth/member-csrf.json', import.meta.url).pathname;
