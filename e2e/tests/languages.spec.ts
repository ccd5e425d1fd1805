import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type ElementHandle, type Locator, type Page } from '@playwright/test';
import { openNewInterview } from '../support/dashboard';
import { BACKEND_PORT, BACKEND_URL, FRONTEND_URL, MEMBER_STATE_PATH } from '../support/env';
import { createSessionViaApi, expectConnected, joinRoom } from '../support/room';

/**
 * The language pickers offer the languages the executor has, with versions; the others are
 * listed disabled with the reason. Other servers (an executor limited to Python and Bash, a
 * backend whose executor is down) are real backends started here; the page's runtimes request
 * is routed to them, everything else still goes to the test backend.
 */

// The pickers are in the dashboard's "New interview" form: the page is a signed-in member's.
test.use({ storageState: MEMBER_STATE_PATH });

/** The sign-in page (its pitch counts the languages) in a browser without the member's cookie. */
async function signInPage(browser: Browser, backend?: ExtraBackend): Promise<Page> {
  const visitor = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  if (backend) await runtimesFrom(visitor, backend);
  await visitor.goto('/sign-in');
  return visitor;
}

/** Its runtimes request may go to a backend this test stops: drop the route (even mid-request), then the browser. */
async function closeVisitor(visitor: Page): Promise<void> {
  await visitor.unrouteAll({ behavior: 'ignoreErrors' });
  await visitor.context().close();
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = process.env.E2E_SCREENSHOTS_DIR;

interface Runtime {
  language: string;
  version: string;
  aliases: string[];
}

interface ExtraBackend {
  url: string;
  stop(): Promise<void>;
}

/** A real backend from source on its own ports; resolves once GET /api/runtimes answers `ready`. */
async function startBackend(
  offset: number,
  env: Record<string, string>,
  ready: (status: number, body: unknown) => boolean,
): Promise<ExtraBackend> {
  const port = BACKEND_PORT + offset;
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn('npx', ['tsx', 'backend/src/main.ts'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      CLIENT_URL: FRONTEND_URL,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      EXECUTOR_PORT: String(Number(process.env.E2E_EXECUTOR_PORT ?? 2100) + offset),
      // A database of its own: never the repository's default data folder.
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'pairpad-e2e-languages-')),
      ...env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  try {
    await expect
      .poll(
        async () => {
          if (child.exitCode !== null) throw new Error(`backend on ${port} exited: ${stderr}`);
          const response = await fetch(`${url}/api/runtimes`).catch(() => null);
          return response ? ready(response.status, await response.json().catch(() => null)) : false;
        },
        { timeout: 45_000, intervals: [250, 500, 1000] },
      )
      .toBe(true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** Sends this page's runtimes request to another backend (the rest of the API is untouched). */
async function runtimesFrom(page: Page, backend: ExtraBackend): Promise<void> {
  await page.route('**/api/runtimes', async (route) => {
    const response = await route.fetch({ url: `${backend.url}/api/runtimes` });
    await route.fulfill({ response });
  });
}

async function optionsOf(select: Locator): Promise<{ value: string; label: string; disabled: boolean }[]> {
  return select.locator('option').evaluateAll((options) =>
    options.map((option) => {
      const element = option as HTMLOptionElement;
      return { value: element.value, label: element.textContent ?? '', disabled: element.disabled };
    }),
  );
}

/** With E2E_SCREENSHOTS_DIR set: the page, and with `list` also the picker drawn open (a native popup is not captured). */
async function shot(page: Page, name: string, list?: Locator): Promise<void> {
  if (!SHOTS) return;
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  if (!list) return;
  // A handle, not the locator: drawn open, the select's role is listbox, no longer combobox.
  const select = (await list.elementHandle()) as ElementHandle<HTMLSelectElement>;
  await select.evaluate((element) => {
    element.size = element.options.length;
    element.style.height = 'auto';
  });
  await select.screenshot({ path: path.join(SHOTS, `${name}-options.png`) });
  await select.evaluate((element) => {
    element.size = 0;
    element.style.height = '';
  });
}

test('the pickers offer exactly the runtimes the executor has, with their versions', async ({ page, browser }) => {
  const runtimes = (await (await fetch(`${BACKEND_URL}/api/runtimes`)).json()) as Runtime[];
  const versionOf = new Map(runtimes.map((runtime) => [runtime.language, runtime.version]));

  const picker = (await openNewInterview(page)).getByLabel('Starting language');
  await expect(page.getByTestId('language-status')).not.toHaveText(/Checking/);
  const options = await optionsOf(picker);
  expect(options.length).toBeGreaterThan(0);
  for (const option of options) {
    const version = versionOf.get(option.value);
    if (version) {
      expect(option.disabled, `${option.value} is offered`).toBe(false);
      expect(option.label).toMatch(new RegExp(` ${version.replaceAll('.', '\\.')}$`));
    } else {
      expect(option, `${option.value} has no runtime`).toMatchObject({
        disabled: true,
        label: expect.stringContaining('(not installed on this server)'),
      });
    }
  }
  const offered = options.filter((option) => !option.disabled).length;
  await shot(page, 'languages-home-all', picker);
  const visitor = await signInPage(browser);
  await expect(visitor.getByTestId('languages-claim')).toContainText(offered === 13 ? '13 languages' : 'languages');
  await expect(visitor.getByTestId('languages-claim')).not.toHaveText(/^Languages/);
  await closeVisitor(visitor);

  const session = await createSessionViaApi({ name: 'Ivy', language: 'python' });
  await joinRoom(page, `/interview/${session.id}?name=Ivy`);
  const selector = page.getByRole('combobox', { name: 'Language' });
  await expect(selector.locator('option[value="python"]')).toHaveText(`Python ${versionOf.get('python') ?? ''}`);
  expect(await optionsOf(selector)).toEqual(options);
  await expect(page.getByTestId('language-note')).toHaveCount(0);
  await shot(page, 'languages-room-all');
});

test.describe('a server whose executor has only Python and Bash', () => {
  let backend: ExtraBackend;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    backend = await startBackend(
      7,
      { EXECUTOR_RUNTIMES: 'python,bash' },
      (status, body) => status === 200 && Array.isArray(body) && body.length === 2,
    );
  });
  test.afterAll(async () => backend?.stop());

  test('the new-interview form offers those two and names the others as not installed', async ({ page, browser }) => {
    await runtimesFrom(page, backend);
    const picker = (await openNewInterview(page)).getByLabel('Starting language');
    await expect(picker.locator('option[value="python"]')).toHaveText(/^Python \d+\.\d+\.\d+$/);
    await expect(picker.locator('option[value="bash"]')).toHaveText(/^Bash \d+\.\d+\.\d+$/);
    await expect(picker.locator('option[value="go"]')).toHaveText('Go (not installed on this server)');
    await expect(picker.locator('option:not([disabled])')).toHaveCount(2);
    await expect(picker.locator('option[disabled]')).toHaveCount(11);
    await expect(page.getByTestId('language-status')).toHaveText('11 of 13 languages are not installed on this server.');
    await shot(page, 'languages-home-python-bash', picker);
    const visitor = await signInPage(browser, backend);
    await expect(visitor.getByTestId('languages-claim')).toHaveText('Two languages with syntax highlighting, switched for the whole room');
    await closeVisitor(visitor);
  });

  test('a room in a missing language says so and offers only the installed ones', async ({ page }) => {
    await runtimesFrom(page, backend);
    const session = await createSessionViaApi({ name: 'Ivy', language: 'go' });
    await joinRoom(page, `/interview/${session.id}?name=Ivy`);
    const selector = page.getByRole('combobox', { name: 'Language' });
    await expect(selector).toHaveValue('go');
    await expect(selector.locator('option[value="go"]')).toBeDisabled();
    await expect(page.getByTestId('language-note')).toHaveText('Go is not installed on this server: pick another language to run code.');
    await expect(selector).toHaveAccessibleDescription(/Go is not installed on this server/);
    await shot(page, 'languages-room-missing', selector);
    await selector.selectOption('bash');
    await expect(selector).toHaveValue('bash');
    await expect(page.getByTestId('language-note')).toHaveCount(0);
  });
});

test.describe('a server whose executor is down', () => {
  let backend: ExtraBackend;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    // Nothing listens on this port: every runtimes request fails as "executor unavailable".
    backend = await startBackend(8, { PISTON_URL: 'http://127.0.0.1:9' }, (status) => status >= 500);
  });
  test.afterAll(async () => backend?.stop());

  test('the page says so, lists every language and still creates a session', async ({ page, browser }) => {
    await runtimesFrom(page, backend);
    const dialog = await openNewInterview(page);
    const status = page.getByTestId('language-status');
    await expect(status).toHaveText(
      'Code execution is unavailable on this server right now, so the languages it runs are unknown. You can still create a session.',
    );
    const picker = dialog.getByLabel('Starting language');
    await expect(picker.locator('option')).toHaveCount(13);
    await expect(picker.locator('option[disabled]')).toHaveCount(0);
    await shot(page, 'languages-home-executor-down');
    const visitor = await signInPage(browser, backend);
    await expect(visitor.getByTestId('languages-claim')).toHaveText('Languages with syntax highlighting, switched for the whole room');
    await closeVisitor(visitor);

    await dialog.getByLabel('Your name').fill('Ivy');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    await page.getByRole('link', { name: 'Open the room' }).click();
    await expect(page).toHaveURL(/\/interview\//);
    await expectConnected(page);
    await expect(page.getByTestId('language-note')).toHaveText(/Code execution is unavailable on this server right now/);
    await expect(page.getByRole('combobox', { name: 'Language' })).toBeEnabled();
    await shot(page, 'languages-room-executor-down');
  });
});

test('while the runtimes load, every language is listed and can be picked', async ({ page }) => {
  let release: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/runtimes', async (route) => {
    await answered;
    await route.continue();
  });
  const picker = (await openNewInterview(page)).getByLabel('Starting language');
  await expect(page.getByTestId('language-status')).toHaveText('Checking which languages this server runs…');
  await expect(picker.locator('option')).toHaveCount(13);
  await expect(picker).toHaveAttribute('aria-busy', 'true');
  await picker.selectOption('javascript');
  await expect(picker).toHaveValue('javascript');
  release();
  await expect(page.getByTestId('language-status')).not.toHaveText(/Checking/);
  await expect(picker).not.toHaveAttribute('aria-busy', 'true');
});
