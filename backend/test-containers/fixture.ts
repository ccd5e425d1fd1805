import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  dockerBuildArgs,
  dockerRunArgs,
  namedVolumes,
  readComposeFile,
  resolveService,
  type ComposeFile,
  type RunOptions,
} from './compose-service';
import { docker, ensureBaseImages, ensureEngine, hostPort, logDir, logsOf, repoRoot, waitForHealth, type BaseImages } from './docker';

/**
 * The container suite's fixture: a Docker engine, base images, the three images built from the
 * repository's compose files, and containers started from those files' services on a private
 * network, every name prefixed per run and removed in `cleanup`.
 */

export const COMPOSE = () => readComposeFile(path.join(repoRoot, 'docker-compose.yml'));
export const EXECUTOR_COMPOSE = () => readComposeFile(path.join(repoRoot, 'docker-compose.executor.yml'));

/**
 * Tags the suite builds: stable per checkout (a second run reuses every layer), and apart from
 * another checkout's on the same engine, so two worktrees running the suite at once never start
 * each other's images (a tag is whatever was built last).
 */
const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 10);
export const IMAGES = {
  backend: `pairpad-test/backend:${checkout}`,
  frontend: `pairpad-test/frontend:${checkout}`,
  executor: `pairpad-test/executor:${checkout}`,
};

const LABEL = 'pairpad.containers-test.pid';
const BUILD_TIMEOUT_MS = 40 * 60_000;

export interface Engine {
  images: BaseImages;
  /** The environment compose files are interpolated with (base images chosen for this machine). */
  env: Record<string, string | undefined>;
}

let engine: Promise<{ skip: string } | Engine> | undefined;

/** Engine + base images, once per process. `skip` says why there is no engine. */
export function prepareEngine(): Promise<{ skip: string } | Engine> {
  engine ??= (async () => {
    mkdirSync(logDir, { recursive: true });
    const setupLog = path.join(logDir, 'setup.log');
    const reason = await ensureEngine(setupLog);
    if (reason) return { skip: `no Docker engine: ${reason}` };
    await removeLeftovers();
    const images = await ensureBaseImages(process.env, setupLog);
    const names = { NODE_IMAGE: images.NODE_IMAGE, REDIS_IMAGE: images.REDIS_IMAGE, NGINX_IMAGE: images.NGINX_IMAGE };
    // A neutral shell: the caller's variables (PORT, REDIS_URL, …) must not change what runs.
    return { images, env: names };
  })();
  return engine;
}

/** Containers, networks and volumes of earlier runs whose test process is gone. */
async function removeLeftovers(): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  for (const kind of ['container', 'network', 'volume'] as const) {
    const listed = await docker(
      [
        kind,
        'ls',
        ...(kind === 'container' ? ['-a'] : []),
        '--filter',
        `label=${LABEL}`,
        '--format',
        `{{.${kind === 'container' ? 'ID' : 'Name'}}} {{.Label "${LABEL}"}}`,
      ],
      { allowFailure: true },
    );
    const stale = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter(([, pid]) => !alive(Number(pid)))
      .map(([id]) => id!);
    if (stale.length > 0)
      await docker([kind, 'rm', ...(kind === 'container' || kind === 'volume' ? ['-f'] : []), ...stale], { allowFailure: true });
  }
}

const builds = new Map<string, Promise<void>>();

/** Builds one image from its compose service's build section (cached layers are reused). */
export function buildImage(which: keyof typeof IMAGES, ready: Engine): Promise<void> {
  const existing = builds.get(which);
  if (existing) return existing;
  const build = (async () => {
    const compose = which === 'executor' ? EXECUTOR_COMPOSE() : COMPOSE();
    const service = resolveService(compose, which, { ...ready.env, EXECUTOR_TOKEN: 'build-time-placeholder' });
    const args = dockerBuildArgs(compose, service, { tag: IMAGES[which], extraArgs: ['--network', 'host'] });
    // The stand-ins exist only on this machine: the legacy builder uses them as they are
    // (BuildKit would try to fetch the Dockerfile frontend named by `# syntax=` from Docker Hub).
    const env = ready.images.standIns ? { ...process.env, DOCKER_BUILDKIT: '0' } : process.env;
    const logFile = path.join(logDir, `build-${which}.log`);
    const started = Date.now();
    await docker(args, { timeoutMs: BUILD_TIMEOUT_MS, logFile, env });
    console.log(`# built ${IMAGES[which]} in ${Math.round((Date.now() - started) / 1000)} s (log: ${path.relative(repoRoot, logFile)})`);
  })();
  builds.set(which, build);
  return build;
}

export interface Started {
  name: string;
  /** http://127.0.0.1:<host port> of the service's first published port. */
  url: string | undefined;
}

/** One run's containers on one private network. */
export class ContainerRun {
  readonly prefix = `pairpad-ct-${randomBytes(3).toString('hex')}`;
  readonly network = `${this.prefix}-net`;
  private readonly containers: string[] = [];
  private readonly volumes = new Set<string>();
  private networkCreated = false;

  constructor(private readonly ready: Engine) {}

  private label() {
    return ['--label', `${LABEL}=${process.pid}`];
  }

  /**
   * Starts `service` of `compose` as the file says, as container `<prefix>-<suffix>`, with the
   * service's name as its network alias. `env` is the shell environment compose would see.
   */
  async start(
    compose: ComposeFile,
    serviceName: string,
    options: { suffix?: string; image?: string; env?: Record<string, string>; extraEnv?: Record<string, string> } & Pick<
      RunOptions,
      'healthTiming' | 'withoutSecurityOpt'
    > = {},
  ): Promise<Started> {
    if (!this.networkCreated) {
      await docker(['network', 'create', ...this.label(), this.network]);
      this.networkCreated = true;
    }
    const service = resolveService(compose, serviceName, { ...this.ready.env, ...options.env });
    const name = `${this.prefix}-${options.suffix ?? serviceName}`;
    const volumePrefix = `${this.prefix}-`;
    for (const volume of namedVolumes(service, volumePrefix)) {
      if (!this.volumes.has(volume)) await docker(['volume', 'create', ...this.label(), volume]);
      this.volumes.add(volume);
    }
    const args = dockerRunArgs(compose, service, { name, network: this.network, volumePrefix, ...pick(options) }, serviceName);
    // Labels are metadata only: they let a later run remove what a killed run left behind.
    args.splice(2, 0, ...this.label());
    this.containers.push(name);
    await docker(args);
    const port = service.ports?.[0];
    const url = port === undefined ? undefined : `http://127.0.0.1:${await hostPort(name, String(port).split(':').at(-1)!)}`;
    return { name, url };
  }

  /** http://127.0.0.1:<port> Docker publishes a container port on now (a restart picks a new one). */
  async url(name: string, containerPort: string): Promise<string> {
    return `http://127.0.0.1:${await hostPort(name, containerPort)}`;
  }

  /** Waits for Docker's health status, with the container's log in the failure message. */
  async healthy(name: string, timeoutMs = 180_000): Promise<void> {
    try {
      await waitForHealth(name, 'healthy', timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- docker logs ${name} ---\n${await logsOf(name)}`);
    }
  }

  async cleanup(): Promise<void> {
    for (const name of this.containers.reverse()) {
      const logs = await docker(['logs', name], { allowFailure: true });
      try {
        mkdirSync(logDir, { recursive: true });
        writeFileSync(path.join(logDir, `${name}.log`), `${logs.stdout}${logs.stderr}`);
      } catch {
        // the log is a convenience; removing the container is what matters
      }
      await docker(['rm', '-f', '-v', name], { allowFailure: true });
    }
    if (this.networkCreated) await docker(['network', 'rm', this.network], { allowFailure: true });
    for (const volume of this.volumes) await docker(['volume', 'rm', '-f', volume], { allowFailure: true });
  }
}

function pick(options: Pick<RunOptions, 'healthTiming' | 'withoutSecurityOpt' | 'image' | 'extraEnv'>): Partial<RunOptions> {
  const out: Partial<RunOptions> = {};
  if (options.image) out.image = options.image;
  if (options.extraEnv) out.extraEnv = options.extraEnv;
  if (options.healthTiming) out.healthTiming = options.healthTiming;
  if (options.withoutSecurityOpt) out.withoutSecurityOpt = options.withoutSecurityOpt;
  return out;
}

// ---------------------------------------------------------------- HTTP

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function http<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T };
}
