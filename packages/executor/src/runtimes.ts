import semver from 'semver';
import type { Env } from './config';
import type { ExecutorLogger } from './logger';
import { runtimeCatalog, type RuntimeDefinition, type RuntimeHost, type Toolchain } from './runtime-catalog';

/** A runtime found on this machine; it is offered only after it has proven itself. */
export interface Runtime {
  language: string;
  version: string;
  aliases: string[];
  runtime?: string;
  definition: RuntimeDefinition;
  toolchain: Toolchain;
}

/** The `GET /api/v2/runtimes` entry. */
export interface RuntimeInfo {
  language: string;
  version: string;
  aliases: string[];
  runtime?: string;
}

export interface RuntimeFailure {
  language: string;
  reason: string;
}

export class RuntimeRegistry {
  private runtimes: Runtime[] = [];
  readonly failures: RuntimeFailure[] = [];

  add(runtime: Runtime): void {
    this.runtimes.push(runtime);
    // Catalog order, so the list is stable whatever order the self-tests finished in.
    const order = (rt: Runtime) => runtimeCatalog.indexOf(rt.definition);
    this.runtimes.sort((a, b) => order(a) - order(b));
  }

  list(): RuntimeInfo[] {
    return this.runtimes.map((rt) => ({
      language: rt.language,
      version: rt.version,
      aliases: rt.aliases,
      ...(rt.runtime ? { runtime: rt.runtime } : {}),
    }));
  }

  get size(): number {
    return this.runtimes.length;
  }

  /** Piston's rule: exact language or alias, semver range, highest matching version wins. */
  resolve(language: string, range: string): Runtime | undefined {
    let best: Runtime | undefined;
    for (const rt of this.runtimes) {
      if (rt.language !== language && !rt.aliases.includes(language)) continue;
      let matches = false;
      try {
        matches = semver.satisfies(rt.version, range);
      } catch {
        matches = false;
      }
      if (matches && (!best || semver.gt(rt.version, best.version))) best = rt;
    }
    return best;
  }
}

/** Finds every catalog toolchain present on the host (not yet proven). */
export async function detectRuntimes(
  env: Env,
  logger: ExecutorLogger,
  only?: ReadonlySet<string>,
  host: RuntimeHost = {},
): Promise<{ found: Runtime[]; failures: RuntimeFailure[] }> {
  const found: Runtime[] = [];
  const failures: RuntimeFailure[] = [];
  await Promise.all(
    runtimeCatalog
      .filter((def) => !only || only.has(def.language))
      .map(async (definition) => {
        try {
          const toolchain = await definition.detect(env, host);
          if (!toolchain) return;
          found.push({
            language: definition.language,
            version: toolchain.version,
            aliases: toolchain.aliases,
            runtime: definition.runtime,
            definition,
            toolchain,
          });
        } catch (error) {
          const reason = (error as Error).message;
          failures.push({ language: definition.language, reason });
          logger.warn('runtime detection failed', { language: definition.language, reason });
        }
      }),
  );
  // Catalog order, so the runtimes list is stable from one start to the next.
  const order = (rt: { language: string }) => runtimeCatalog.findIndex((def) => def.language === rt.language);
  found.sort((a, b) => order(a) - order(b));
  return { found, failures };
}
