import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SETTINGS, type SettingName } from './settings';
import { oidcConfigOf, type OidcConfig } from './oidc-settings';

export { SETTINGS } from './settings';
export type { OidcConfig } from './oidc-settings';

type SettingsShape = { [K in SettingName]: (typeof SETTINGS)[K]['schema'] };

const EnvSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([name, setting]) => [name, setting.schema])) as SettingsShape);

type ParsedEnv = z.infer<typeof EnvSchema>;

export interface Config extends ParsedEnv {
  /** CLIENT_URL split into origins. */
  clientOrigins: string[];
  /** Base URL for links handed out to users. */
  publicUrl: string;
  logFormat: 'json' | 'pretty';
  /** The sign-in cookie's Secure flag: AUTH_COOKIE_SECURE, or auto (an https public URL). */
  authCookieSecure: boolean;
  /** DATA_DIR, or `.pairpad/data` in the PairPad folder (absolute). */
  dataDir: string;
  /** OpenID Connect sign-in, checked; null when OIDC_ISSUER / OIDC_CLIENT_ID are unset. */
  oidc: OidcConfig | null;
  /**
   * The executors runs go to: PISTON_URLS, or PISTON_URL alone, without a trailing slash; empty
   * when neither is set (the embedded executor is started).
   */
  executorUrls: readonly string[];
  /** The raw environment, handed to the embedded executor (which parses its own settings). */
  executorEnv: Readonly<Record<string, string | undefined>>;
}

/**
 * `.pairpad/data` in the PairPad folder (the root package.json named "pairpad", found by walking
 * up from this file in src/ or in the bundle's dist/), else in the working directory.
 */
export function defaultDataDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && /"name"\s*:\s*"pairpad"/.test(readFileSync(manifest, 'utf8'))) return path.join(dir, '.pairpad', 'data');
    dir = path.dirname(dir);
  }
  return path.resolve('.pairpad', 'data');
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  // Empty strings mean "unset" (docker-compose and .env files produce them).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  const clientOrigins = values.CLIENT_URL.split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter(Boolean);
  for (const origin of clientOrigins) {
    if (origin === '*' || !z.string().url().safeParse(origin).success) {
      throw new ConfigError(
        `Invalid configuration:\n  CLIENT_URL: "${origin}" is not an origin URL (a wildcard is not allowed on a stateful server)`,
      );
    }
  }
  if (values.PISTON_URL && values.PISTON_URLS) {
    throw new ConfigError(
      'Invalid configuration:\n  PISTON_URL and PISTON_URLS are both set: set PISTON_URLS alone for several executors (a pool), or PISTON_URL alone for one',
    );
  }
  const executorUrls = (values.PISTON_URLS ?? (values.PISTON_URL ? [values.PISTON_URL] : [])).map((entry) => entry.replace(/\/$/, ''));
  const oidc = oidcConfigOf(values);
  if (oidc.problems.length > 0)
    throw new ConfigError(`Invalid configuration:\n${oidc.problems.map((problem) => `  ${problem}`).join('\n')}`);
  const firstOrigin = clientOrigins[0] ?? 'http://localhost:3000';
  const publicUrl = (values.PUBLIC_URL ?? firstOrigin).replace(/\/$/, '');
  return Object.freeze({
    ...values,
    clientOrigins,
    publicUrl,
    // SameSite=None is refused by browsers without Secure.
    authCookieSecure:
      values.AUTH_COOKIE_SAMESITE === 'none' ||
      (values.AUTH_COOKIE_SECURE === 'auto' ? publicUrl.startsWith('https:') : values.AUTH_COOKIE_SECURE === 'true'),
    dataDir: path.resolve(values.DATA_DIR ?? defaultDataDir()),
    oidc: oidc.config,
    logFormat: values.LOG_FORMAT ?? (values.NODE_ENV === 'production' ? 'json' : 'pretty'),
    executorUrls: Object.freeze(executorUrls),
    executorEnv: Object.freeze({ ...env }),
  });
}
