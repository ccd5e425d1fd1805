import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createApp } from './api';
import { attachConnect } from './connect';
import { loadExecutorConfig, type Env } from './config';
import { Executor, type HealthReport } from './executor';
import { createConsoleLogger, type ExecutorLogger } from './logger';
import { proxyPreviewUpgrade } from './preview-proxy';
import { tokenVerifier } from './token';

export { executorSettingsDocs, loadExecutorConfig, ExecutorConfigError, type ExecutorConfig } from './config';
export type { ExecutorLogger } from './logger';
export type { HealthReport } from './executor';
export type { ExecuteResponse } from './job';
export type { StageResult } from './stage-result';
export type { RuntimeInfo } from './runtimes';
export { relayUpgrade, upgradeRequestHead, type UpgradeRelay } from './upgrade-relay';

export interface ExecutorHandle {
  /** Base URL, e.g. http://127.0.0.1:2000 (the real port when started on port 0). */
  url: string;
  /** Resolves when runtime discovery and the hello-world self-tests are done. */
  ready: Promise<void>;
  /** The same report GET /health answers with. */
  health(): HealthReport;
  /** SQL (PostgreSQL): the run databases that exist now (each is dropped when its run ends). */
  postgresRunDatabases(): Promise<string[]>;
  close(): Promise<void>;
}

export interface StartExecutorOptions {
  /** Configuration source (EXECUTOR_* and PISTON_*); main.ts passes process.env. */
  env?: Env;
  /** Overrides EXECUTOR_HOST / EXECUTOR_PORT. */
  host?: string;
  port?: number;
  logger?: ExecutorLogger;
}

/**
 * Starts the embedded Piston-compatible executor. The HTTP server listens as soon as the
 * sandbox has been checked (a few ms); runtimes are proven in the background (`ready`).
 * Throws ExecutorConfigError on bad configuration.
 */
export async function startExecutor(options: StartExecutorOptions = {}): Promise<ExecutorHandle> {
  const env = options.env ?? {};
  const logger = options.logger ?? createConsoleLogger();
  const config = loadExecutorConfig(env, {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const executor = await Executor.create(config, env, logger);
  // Connect is attached to the server the app listens on, after it: /health reads it from here.
  const attached: { connect?: ReturnType<typeof attachConnect>; advertisedUrl?: string } = {};
  const app = createApp(executor, logger, {
    connectSessions: () => attached.connect?.sessions ?? 0,
    advertisedUrl: () => attached.advertisedUrl,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const connect = attachConnect(server, executor, logger);
  attachPreviewUpgrades(server, executor);
  attached.connect = connect;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  attached.advertisedUrl = withPort(config.advertiseUrl, address.port);
  logger.info('executor listening', { url, sandbox: executor.health().sandbox });
  let closing: Promise<void> | undefined;
  return {
    url,
    ready: executor.ready,
    health: () => executor.health(),
    postgresRunDatabases: () => executor.postgresRunDatabases(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        connect.close();
        server.closeAllConnections();
        await executor.close();
        await closed;
      })();
      return closing;
    },
  };
}

/** A preview's WebSocket (Vite's HMR) upgrades, behind EXECUTOR_TOKEN as everything else. */
function attachPreviewUpgrades(server: Server, executor: Executor): void {
  const verify = executor.config.token ? tokenVerifier(executor.config.token) : undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!req.url?.startsWith('/preview/')) return;
    const problem = verify?.(req.headers.authorization);
    if (problem) return void socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    proxyPreviewUpgrade(executor.previews, req, socket, head);
  });
}

/** EXECUTOR_ADVERTISE_URL with the listening port when it names none. */
function withPort(advertised: string | undefined, port: number): string | undefined {
  if (!advertised) return undefined;
  const url = new URL(advertised);
  if (url.port === '') url.port = String(port);
  return url.origin;
}
