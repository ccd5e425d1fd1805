import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_DOC_PATH, configSection, renderConfigTables } from '../../../scripts/config-docs';

it('the configuration tables (docs/configuration.md) match the settings the code parses (run `npm run docs:config` to update)', () => {
  const section = configSection(readFileSync(CONFIG_DOC_PATH, 'utf8'));
  assert.ok(section, 'docs/configuration.md has the generated configuration section');
  assert.equal(section, renderConfigTables());
});
