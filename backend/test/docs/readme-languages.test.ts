import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LANGUAGES, TOOLCHAINS, selectLanguages } from '../../../scripts/toolchains.mjs';
import { runtimeCatalog } from '@pairpad/executor/runtime-catalog';
import { LANGUAGES } from '@pairpad/protocol/languages';

/** The README's languages table says what setup installs, and setup covers what the executor knows. */

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');

interface Row {
  label: string;
  packages: string[];
  byDefault: boolean;
  withAll: boolean;
  inImage: boolean;
}

function languageRows(): Row[] {
  const section = readme.split('\n## Languages\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| language') && !line.startsWith('|---'))
    .map((line) => {
      const [label = '', packages = '', byDefault, withAll, inImage] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        label: label.replace(/\s*[¹²]$/, ''),
        packages: packages.startsWith('none') ? [] : [...packages.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''),
        byDefault: byDefault === 'yes',
        withAll: withAll === 'yes',
        inImage: inImage === 'yes',
      };
    });
}

describe('README: languages', () => {
  it('has one row per toolchain setup knows, with its packages and the paths that install it', () => {
    const rows = languageRows();
    assert.deepEqual(
      rows.map((row) => row.label),
      TOOLCHAINS.map((entry) => entry.label),
    );
    for (const entry of TOOLCHAINS) {
      const row = rows.find((candidate) => candidate.label === entry.label)!;
      assert.deepEqual(row.packages, entry.packages, `${entry.label}'s packages`);
      assert.equal(row.byDefault, DEFAULT_LANGUAGES.includes(entry.language), `${entry.label} in the npm start column`);
      assert.ok(row.withAll && row.inImage, `${entry.label} comes with PAIRPAD_LANGUAGES=all and in the image`);
    }
  });

  it('setup knows every language the executor and the room know', () => {
    const all = selectLanguages('all').languages;
    for (const definition of runtimeCatalog) assert.ok(all.includes(definition.language), `setup installs ${definition.language}`);
    for (const language of LANGUAGES) assert.ok(all.includes(language.id), `setup installs ${language.id}`);
  });

  it('the default set holds at least Python, C, C++, Java, JavaScript, TypeScript, Bash and SQL (SQLite)', () => {
    assert.deepEqual(selectLanguages(undefined).languages, ['python', 'javascript', 'typescript', 'c', 'c++', 'java', 'bash', 'sqlite3']);
  });

  it('PAIRPAD_LANGUAGES takes lists, aliases, default, none and says what it does not know', () => {
    assert.deepEqual(selectLanguages('python,golang'), { languages: ['python', 'go'], unknown: [] });
    // In the table's order: Go's row comes before SQL's.
    assert.deepEqual(selectLanguages('default, go').languages, [...DEFAULT_LANGUAGES.filter((l) => l !== 'sqlite3'), 'go', 'sqlite3']);
    assert.deepEqual(selectLanguages('sql').languages, ['sqlite3']);
    assert.deepEqual(selectLanguages('none'), { languages: [], unknown: [] });
    assert.deepEqual(selectLanguages('cobol,cpp'), { languages: ['c++'], unknown: ['cobol'] });
  });
});
