/**
 * Ports and URLs the e2e run uses: dedicated ports so a dev server on 3000/5000 is left alone.
 * Override with E2E_BACKEND_PORT / E2E_FRONTEND_PORT.
 */
export const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT ?? 5100);
export const FRONTEND_PORT = Number(process.env.E2E_FRONTEND_PORT ?? 3100);
export const BACKEND_URL = `http://localhost:${BACKEND_PORT}`;
export const FRONTEND_URL = `http://localhost:${FRONTEND_PORT}`;
