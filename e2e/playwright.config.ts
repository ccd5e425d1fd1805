import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import { BACKEND_PORT, FRONTEND_PORT, FRONTEND_URL, MEMBER_EMAIL, MEMBER_PASSWORD } from './support/env';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Playwright cannot download its own browser here: use the system Chromium when there is one.
const systemChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(systemChromium) ? systemChromium : undefined;
// A fresh database per run. Workers evaluate this file again: they inherit the runner's variable.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'pairpad-e2e-'));

export default defineConfig({
  testDir: './tests',
  // Signs the interviewer in once (support/global-setup.ts); candidates stay anonymous.
  globalSetup: './support/global-setup.ts',
  forbidOnly: !!process.env.CI,
  // No retries, in CI or not: a test that passes only on its retry is a defect (issue 21), and npm
  // test counts one as failed.
  retries: 0,
  // A 2-core machine runs two browsers plus both servers: one worker keeps timings honest.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    ...devices['Desktop Chrome'],
    baseURL: FRONTEND_URL,
    viewport: { width: 1366, height: 768 },
    // Off unless E2E_TRACE=1 (then kept for failed tests): recording costs every test CPU, and
    // zipping a trace at a context's close failed a passing axe test at load 22 with "file data
    // stream has unexpected number of bytes" (microsoft/playwright#41351). A failure still leaves
    // its screenshot and page snapshot (error-context.md) in test-results/artifacts.
    trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: [
    {
      // The real backend from source (tsx), on a dedicated port, allowing the test frontend's origin.
      command: 'npx tsx backend/src/main.ts',
      cwd: repoRoot,
      port: BACKEND_PORT,
      env: {
        PORT: String(BACKEND_PORT),
        CLIENT_URL: FRONTEND_URL,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        // Keep the embedded executor off a dev backend's default port (2000).
        EXECUTOR_PORT: process.env.E2E_EXECUTOR_PORT ?? '2100',
        DATA_DIR: process.env.E2E_DATA_DIR,
        // The first admin, so the run needs no setup code; the team spec starts its own backend for first-run setup.
        ADMIN_EMAIL: MEMBER_EMAIL,
        ADMIN_PASSWORD: MEMBER_PASSWORD,
        // The webhooks spec's receiver listens on loopback: allowed here (refused by default).
        WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      },
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      // The real frontend in production mode; builds first when the build is missing or stale.
      command: 'node e2e/support/serve-frontend.mjs',
      cwd: repoRoot,
      url: FRONTEND_URL,
      env: { FRONTEND_PORT: String(FRONTEND_PORT), API_URL: `http://localhost:${BACKEND_PORT}` },
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
