import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * A node without REDIS_URL never loads ioredis: every Redis module lives in src/cluster/, and the
 * composition root reaches it only through a dynamic import when REDIS_URL is set. Checked on the
 * import graph itself (static imports that are not `import type`), from the process entry.
 */

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const REDIS_PACKAGES = ['ioredis', '@socket.io/redis-adapter'];

/** The value imports of a file (`import x from`, `import { a } from`, `export … from`), not `import type` nor `import()`. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)([^;]*?)\s+from\s+'([^']+)'/gms)) {
    const names = match[1]!;
    // `import { type A, type B } from` loads nothing at run time either.
    if (
      /^\{[^}]*\}$/s.test(names.trim()) &&
      names
        .replace(/[{}\s]/g, '')
        .split(',')
        .filter(Boolean)
        .every((name) => name.startsWith('type'))
    )
      continue;
    specifiers.push(match[2]!);
  }
  for (const match of text.matchAll(/^import\s+'([^']+)'/gm)) specifiers.push(match[1]!);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Every backend file the entry loads at start, and the packages they import. */
function reachable(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveLocal(file, specifier);
        assert.ok(target, `${path.relative(src, file)} imports ${specifier}, which does not resolve`);
        queue.push(target);
      } else {
        packages.set(specifier, path.relative(src, file));
      }
    }
  }
  return { files, packages };
}

describe('Redis stays in cluster/', () => {
  const { files, packages } = reachable(path.join(src, 'main.ts'));

  it('the backend without REDIS_URL loads no Redis client', () => {
    for (const name of REDIS_PACKAGES) assert.equal(packages.get(name), undefined, `${name} is loaded at start by ${packages.get(name)}`);
    const clusterFiles = [...files].filter((file) => file.startsWith(path.join(src, 'cluster') + path.sep));
    assert.deepEqual(clusterFiles, [], 'cluster/ is loaded only when REDIS_URL is set');
  });

  it('the composition root reaches cluster/ through a dynamic import only', () => {
    assert.match(readFileSync(path.join(src, 'server.ts'), 'utf8'), /await import\('\.\/cluster\/redis-cluster'\)/);
  });

  it('every Redis import is in cluster/', () => {
    const clusterDir = path.join(src, 'cluster');
    const all = reachable(path.join(clusterDir, 'redis-cluster.ts'));
    for (const file of all.files) {
      const imports = valueImports(file).concat(
        [...readFileSync(file, 'utf8').matchAll(/^import\s+type\s+[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]!),
      );
      if (imports.some((specifier) => REDIS_PACKAGES.includes(specifier)))
        assert.ok(file.startsWith(clusterDir + path.sep), `${path.relative(src, file)} imports Redis outside cluster/`);
      if (file.startsWith(clusterDir + path.sep)) {
        assert.ok(
          !imports.some((specifier) => /(^|\/)http(\/|$)/.test(specifier) || /(^|\/)realtime(\/|$)/.test(specifier)),
          `${path.relative(src, file)} imports an adapter`,
        );
      }
    }
  });
});
