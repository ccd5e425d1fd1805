import { mkdtempSync, rmSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { startBackend, type BackendDependencies, type BackendHandle } from '../../src/server';
import { SocketYjsProvider, type SocketYjsProviderOptions } from '@pairpad/client';
import { ROOM_DOC, type CreateSessionResponse } from '@pairpad/protocol';
import { waitFor } from './wait-for';
import { memberAgent, TEST_ADMIN_ENV } from './member-agent';

export { memberAgent, signIn, TEST_ADMIN, TEST_ADMIN_ENV, type MemberAgent } from './member-agent';

/**
 * A real backend on a random loopback port, quiet unless TEST_LOGS=1. Without DATA_DIR or
 * DATABASE_URL it gets its own SQLite folder, removed when it closes.
 */
export async function startTestBackend(env: Record<string, string> = {}, dependencies: BackendDependencies = {}): Promise<BackendHandle> {
  const ownDataDir = env.DATA_DIR || env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'pairpad-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PISTON_URL: 'http://127.0.0.1:9',
    ...TEST_ADMIN_ENV,
    ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
    ...env,
  });
  const logger = createLogger({ level: 'warn', format: 'pretty', silent: process.env.TEST_LOGS !== '1' });
  const backend = await startBackend(config, logger, dependencies);
  if (!ownDataDir) return backend;
  return {
    ...backend,
    async close() {
      await backend.close();
      rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The real backend with its embedded executor (real sandbox) on a port of its own, ready to run:
 * `runtimes` only (a comma list), to start fast; runs not rate-limited. `env` adds or overrides.
 */
export async function startBackendWithExecutor(runtimes: string, env: Record<string, string> = {}): Promise<BackendHandle> {
  const backend = await startTestBackend({
    PISTON_URL: '',
    EXECUTOR_HOST: '127.0.0.1',
    EXECUTOR_PORT: '0',
    EXECUTOR_RUNTIMES: runtimes,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000',
    ...env,
  });
  await backend.executor?.ready;
  return backend;
}

/** Creates a session as the test admin (signed in once per backend URL, see `memberAgent`). */
export async function createSession(
  backend: { url: string },
  body: Record<string, unknown> = { name: 'Ivy', language: 'python' },
): Promise<CreateSessionResponse> {
  const agent = await memberAgent(backend);
  const response = await agent.fetch('/api/sessions', { method: 'POST', json: body });
  if (response.status !== 201) throw new Error(`create session failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreateSessionResponse;
}

/** The real provider with quick reconnects, as the browser uses it. */
export function connectClient(backend: { url: string }, options: Omit<SocketYjsProviderOptions, 'url'>): SocketYjsProvider {
  return new SocketYjsProvider({
    url: backend.url,
    socketOptions: { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true },
    ...options,
  });
}

/**
 * A suite's providers: `connect` opens one on the backend `backendOf()` returns at the time, and
 * every one opened is destroyed by an `after` hook registered here, in the calling describe.
 */
export function trackedClients(backendOf: () => { url: string }): {
  connect(options: Omit<SocketYjsProviderOptions, 'url'>): SocketYjsProvider;
  destroyAll(): void;
} {
  const open: SocketYjsProvider[] = [];
  const destroyAll = (): void => {
    for (const provider of open.splice(0)) provider.destroy();
  };
  after(destroyAll);
  return {
    connect(options) {
      const provider = connectClient(backendOf(), options);
      open.push(provider);
      return provider;
    },
    destroyAll,
  };
}

export async function waitSynced(provider: SocketYjsProvider, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => provider.synced && provider.status === 'connected', { timeoutMs, what: 'provider synced' });
}

export function codeOf(provider: SocketYjsProvider): string {
  return provider.doc.getText(ROOM_DOC.code).toString();
}
