import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * A service of a compose file turned into `docker build` and `docker run` arguments, so a test
 * runs what the file says. Debian's docker-compose (v1.29) cannot apply
 * `systempaths=unconfined`, hence this reader. Every key of a service is either applied, or
 * listed in IGNORED_KEYS with the reason; any other key fails loudly instead of being dropped.
 */

export type Env = Record<string, string | undefined>;

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string | null> | string[] };
  restart?: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number)[];
  security_opt?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  privileged?: boolean;
  user?: string;
  mem_limit?: string | number;
  pids_limit?: number;
  shm_size?: string | number;
  read_only?: boolean;
  tmpfs?: string[] | string;
  volumes?: string[];
  healthcheck?: {
    test?: string[] | string;
    interval?: string;
    timeout?: string;
    start_period?: string;
    retries?: number;
    disable?: boolean;
  };
  stop_grace_period?: string;
  [key: string]: unknown;
}

/** Keys read elsewhere or meaningless for one `docker run`. */
const IGNORED_KEYS: Record<string, string> = {
  profiles: 'the test decides which services it starts',
  depends_on: 'the test starts services in order and waits for health',
  expose: 'documentation only; containers on one network reach each other anyway',
};

const APPLIED_KEYS = new Set([
  'image',
  'build',
  'restart',
  'command',
  'entrypoint',
  'environment',
  'ports',
  'security_opt',
  'cap_drop',
  'cap_add',
  'privileged',
  'user',
  'mem_limit',
  'pids_limit',
  'shm_size',
  'read_only',
  'tmpfs',
  'volumes',
  'healthcheck',
  'stop_grace_period',
]);

export interface ComposeFile {
  file: string;
  /** The folder the file's relative paths (build context, bind mounts) are resolved against. */
  dir: string;
  services: Record<string, ComposeService>;
}

export function readComposeFile(file: string): ComposeFile {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, ComposeService> };
  if (!doc?.services) throw new Error(`${file} has no services`);
  return { file, dir: path.dirname(file), services: doc.services };
}

// ---------------------------------------------------------------- interpolation

/** Compose's `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`. */
export function interpolate(text: string, env: Env): string {
  return text.replace(
    /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^}\\]|\\.)*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, braced, colon, op, operand, bare) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      const missing = colon ? value === undefined || value === '' : value === undefined;
      if (!op) return value ?? '';
      if (!missing) return value!;
      if (op === '-') return interpolate(operand as string, env);
      throw new Error(`${name}: ${operand || 'required variable is not set'}`);
    },
  );
}

function interpolateDeep<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, env)])) as T;
  }
  return value;
}

/** The service as compose would resolve it with `env` as the shell's environment. */
export function resolveService(compose: ComposeFile, name: string, env: Env): ComposeService {
  const service = compose.services[name];
  if (!service) throw new Error(`${compose.file} has no service "${name}"`);
  for (const key of Object.keys(service)) {
    if (!APPLIED_KEYS.has(key) && !(key in IGNORED_KEYS))
      throw new Error(`compose-service: "${key}" of service ${name} is not supported; teach compose-service.ts to apply it`);
  }
  const resolved = interpolateDeep(service, env);
  if (typeof resolved.command === 'string') throw new Error(`compose-service: write the command of ${name} as a list`);
  return { ...resolved, environment: environmentOf(resolved, env) };
}

// ---------------------------------------------------------------- durations, lists

/** Compose durations (`1m30s`, `15s`, `500ms`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  let rest = text.trim();
  if (/^\d+(\.\d+)?$/.test(rest)) return Number(rest) * 1000;
  while (rest) {
    const match = /^(\d+(?:\.\d+)?)(ms|us|h|m|s)/.exec(rest);
    if (!match) throw new Error(`not a duration: "${text}"`);
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

/** `environment` as a map, either form; a name without a value takes the shell's (compose's rule). */
export function environmentOf(service: ComposeService, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Array.isArray(service.environment)
    ? service.environment.map((item) => {
        const index = item.indexOf('=');
        return index < 0 ? ([item, null] as const) : ([item.slice(0, index), item.slice(index + 1)] as const);
      })
    : Object.entries(service.environment ?? {});
  for (const [key, value] of entries) {
    if (value === null || value === undefined) {
      if (env[key] !== undefined) out[key] = env[key]!;
    } else out[key] = String(value);
  }
  return out;
}

/** A CMD array as one `sh -c` string (`docker run --health-cmd` takes CMD-SHELL only). */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function healthCmd(test: string[] | string): string | null {
  if (typeof test === 'string') return test;
  const [kind, ...rest] = test;
  if (kind === 'NONE') return null;
  if (kind === 'CMD-SHELL') return rest.join(' ');
  if (kind === 'CMD') return shellJoin(rest);
  throw new Error(`healthcheck test must start with CMD, CMD-SHELL or NONE (got ${kind})`);
}

/** The container port of a `ports` entry (`"5000"`, `"8080:5000"`, `"127.0.0.1:8080:5000/tcp"`). */
export function containerPortOf(entry: string | number): string {
  const text = String(entry);
  const last = text.split(':').at(-1)!;
  return last;
}

// ---------------------------------------------------------------- docker build / docker run

export interface BuildOptions {
  tag: string;
  /** Extra `docker build` flags, e.g. `--network host`. */
  extraArgs?: string[];
}

/** `docker build` arguments for the service's `build` section (context, dockerfile, target, args). */
export function dockerBuildArgs(compose: ComposeFile, service: ComposeService, options: BuildOptions): string[] {
  const build = service.build;
  if (!build) throw new Error('the service has no build section');
  const context = path.resolve(compose.dir, build.context ?? '.');
  const args = ['build', '-t', options.tag, ...(options.extraArgs ?? [])];
  if (build.dockerfile) args.push('-f', path.resolve(context, build.dockerfile));
  if (build.target) args.push('--target', build.target);
  const buildArgs = Array.isArray(build.args)
    ? build.args.map((item) => item.split(/=(.*)/s).slice(0, 2) as [string, string])
    : Object.entries(build.args ?? {});
  for (const [key, value] of buildArgs) if (value !== null && value !== undefined) args.push('--build-arg', `${key}=${value}`);
  args.push(context);
  return args;
}

export interface RunOptions {
  /** Container name (unique per test run). */
  name: string;
  /** The network the container joins; the service's name is its alias there, as in compose. */
  network: string;
  /** The image to run instead of the service's `image` (e.g. the tag the test built). */
  image?: string;
  /** Named volumes are created under this prefix so runs do not share them. */
  volumePrefix: string;
  /** Extra environment on top of the service's own (e.g. a canary secret). */
  extraEnv?: Record<string, string>;
  /** Health check timing for tests; the check itself and its retries stay the file's. */
  healthTiming?: { interval?: string; startPeriod?: string };
  /** security_opt entries the test removes on purpose (to see the health check fail). */
  withoutSecurityOpt?: string[];
}

/** `docker run -d` arguments applying every setting of the service (ports go to 127.0.0.1 only). */
export function dockerRunArgs(compose: ComposeFile, service: ComposeService, options: RunOptions, alias: string): string[] {
  const args = ['run', '-d', '--name', options.name, '--network', options.network, '--network-alias', alias];
  if (service.restart) args.push('--restart', service.restart);
  for (const opt of service.security_opt ?? []) if (!options.withoutSecurityOpt?.includes(opt)) args.push('--security-opt', opt);
  for (const cap of service.cap_drop ?? []) args.push('--cap-drop', cap);
  for (const cap of service.cap_add ?? []) args.push('--cap-add', cap);
  if (service.privileged) args.push('--privileged');
  if (service.read_only) args.push('--read-only');
  if (service.user) args.push('--user', service.user);
  if (service.mem_limit !== undefined) args.push('--memory', String(service.mem_limit));
  if (service.pids_limit !== undefined) args.push('--pids-limit', String(service.pids_limit));
  if (service.shm_size !== undefined) args.push('--shm-size', String(service.shm_size));
  if (service.stop_grace_period) args.push('--stop-timeout', String(Math.round(durationMs(service.stop_grace_period) / 1000)));
  for (const entry of [service.tmpfs ?? []].flat()) args.push('--tmpfs', entry);
  for (const volume of service.volumes ?? []) {
    const [source = '', ...rest] = volume.split(':');
    const isPath = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
    const resolved = isPath ? path.resolve(compose.dir, source) : `${options.volumePrefix}${source}`;
    args.push('-v', [resolved, ...rest].join(':'));
  }
  for (const port of service.ports ?? []) args.push('-p', `127.0.0.1::${containerPortOf(port)}`);
  const env = { ...environmentOf(service, {}), ...options.extraEnv };
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  const health = service.healthcheck;
  if (health?.disable) args.push('--no-healthcheck');
  else if (health?.test) {
    const cmd = healthCmd(health.test);
    if (cmd === null) args.push('--no-healthcheck');
    else {
      args.push('--health-cmd', cmd);
      const interval = options.healthTiming?.interval ?? health.interval;
      const startPeriod = options.healthTiming?.startPeriod ?? health.start_period;
      if (interval) args.push('--health-interval', seconds(durationMs(interval)));
      if (health.timeout) args.push('--health-timeout', seconds(durationMs(health.timeout)));
      if (startPeriod) args.push('--health-start-period', seconds(durationMs(startPeriod)));
      if (health.retries !== undefined) args.push('--health-retries', String(health.retries));
    }
  }
  const entrypoint = service.entrypoint === undefined ? undefined : [service.entrypoint].flat();
  if (entrypoint) args.push('--entrypoint', entrypoint[0] ?? '');
  const image = options.image ?? service.image;
  if (!image) throw new Error('the service has no image and none was given');
  args.push(image);
  if (entrypoint) args.push(...entrypoint.slice(1));
  if (service.command !== undefined) args.push(...[service.command].flat());
  return args;
}

/** Named volumes a run of the service creates (for cleanup). */
export function namedVolumes(service: ComposeService, volumePrefix: string): string[] {
  return (service.volumes ?? [])
    .map((volume) => volume.split(':')[0] ?? '')
    .filter((source) => source && !/^[./~]/.test(source))
    .map((source) => `${volumePrefix}${source}`);
}
