import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README_PATH, readmeConfigSection, renderConfigTables } from '../../../scripts/config-docs';

it('the README configuration tables match the settings the code parses (run `npm run docs:config` to update)', () => {
  const section = readmeConfigSection(readFileSync(README_PATH, 'utf8'));
  assert.ok(section, 'README.md has the generated configuration section');
  assert.equal(section, renderConfigTables());
});
