import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The room page's first load (issue 21: ≤ 300 kB of JavaScript until the editor is ready, measured
 * by bench/room-page-js.mjs) leaves what the editor needs only to be typed into for the first focus
 * (frontend/src/lib/editing-aids.ts, held keys meanwhile) and shows Python with its grammar alone
 * (frontend/src/lib/language-support.ts). A static import of one of these packages anywhere the
 * editor reaches without `import()` puts it back in the first load (~31 kB); this walks those
 * imports from the editor component.
 */
const frontendSrc = join(dirname(fileURLToPath(import.meta.url)), '../../../frontend/src');
const EDITOR = 'components/code-editor.tsx';
const DEFERRED = ['@codemirror/autocomplete', '@codemirror/commands', '@codemirror/search', '@codemirror/lang-python'];

function resolveModule(from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/') ? join(frontendSrc, specifier.slice(2)) : join(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  }
  return null;
}

/** Every module the file imports statically (not `import type`, not `import()`), with the file that imports it. */
function staticImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, type, specifier = ''] of source.matchAll(/^(?:import|export)(\s+type)?[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      if (type || !specifier) continue;
      found.set(specifier, relative(frontendSrc, file));
      if (specifier.startsWith('@/') || specifier.startsWith('.')) {
        const next = resolveModule(file, specifier);
        if (next) visit(next);
      }
    }
  };
  visit(join(frontendSrc, entry));
  return found;
}

describe("the room page's first load", () => {
  it('the editor reaches the editing aids and lang-python only through import()', () => {
    const imports = staticImports(EDITOR);
    assert.ok(imports.has('@codemirror/view') && imports.has('@/lib/editor-theme'), 'walked the imports');
    for (const name of DEFERRED) {
      assert.ok(!imports.has(name), `${name} is imported statically by ${imports.get(name)}: it joins the room's first load`);
    }
  });

  it('the editing aids module does hold the deferred packages (the walk would see them if imported)', () => {
    const imports = staticImports('lib/editing-aids.ts');
    for (const name of ['@codemirror/autocomplete', '@codemirror/commands', '@codemirror/search']) assert.ok(imports.has(name), name);
  });
});
