import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import * as classic from '@pairpad/protocol';
import * as mini from '@pairpad/protocol/first-load-schemas';

// The room page validates with zod/mini twins of a few classic schemas, so classic zod stays out
// of its first load (issue 21). Each twin must accept, reject and output exactly what its classic
// schema does.
const PAIRS = [
  'LanguageIdSchema',
  'DisplayNameSchema',
  'SessionPublicViewSchema',
  'RuntimeEntrySchema',
  'RuntimeListSchema',
  'AwarenessUserSchema',
] as const;

const session = {
  id: '6f1c1f3e-8d4b-4b7a-9c1e-2a3b4c5d6e7f',
  title: 'Warm-up',
  language: 'python',
  createdAt: '2026-12-07T16:00:00.000Z',
  expiresAt: '2026-12-08T16:00:00.000Z',
  ended: false,
  participants: 2,
};
const user = { name: 'Ada', color: '#30bced', colorLight: '#30bced33', role: 'candidate', personId: 'abcdefgh12' };

const CORPUS: Record<(typeof PAIRS)[number], unknown[]> = {
  LanguageIdSchema: ['python', 'ruby', 'Python', 'cobol', '', 3, null, undefined],
  DisplayNameSchema: ['Ada', '  Ada  ', '', '   ', 'x'.repeat(40), 'x'.repeat(41), 'tab\there', 'bell\u0007', 'ünïcödé 名前', 7, null],
  SessionPublicViewSchema: [
    session,
    { ...session, title: null },
    { ...session, extra: 'dropped' },
    { ...session, title: undefined },
    { ...session, language: 'cobol' },
    { ...session, participants: -1 },
    { ...session, participants: 1.5 },
    { ...session, participants: Number.MAX_SAFE_INTEGER + 2 },
    { ...session, ended: 'no' },
    {},
    null,
  ],
  RuntimeEntrySchema: [
    { language: 'python', version: '3.12.0' },
    { language: 'python', version: '3.12.0', aliases: ['py'], runtime: 'cpython' },
    { language: 'python', version: 3 },
    { language: 'python', version: '3', aliases: 'py' },
    [],
  ],
  RuntimeListSchema: [[], [{ language: 'go', version: '1.22.0' }], [{ language: 'go' }], {}, 'runtimes'],
  AwarenessUserSchema: [
    user,
    { ...user, status: 'idle' },
    { ...user, status: 'asleep' },
    { ...user, role: 'admin' },
    { ...user, color: 'red' },
    { ...user, colorLight: '#30bced3' },
    { ...user, personId: 'short' },
    { ...user, name: ' \u0000 ' },
    { ...user, personId: undefined },
    null,
  ],
};

describe('first-load schemas (zod/mini twins of the classic schemas the room validates with)', () => {
  for (const name of PAIRS) {
    it(`${name}: the same JSON Schema (input and output) as the classic schema`, () => {
      for (const io of ['input', 'output'] as const) {
        assert.deepEqual(z.toJSONSchema(mini[name], { io }), z.toJSONSchema(classic[name], { io }), `${name} (${io})`);
      }
    });

    it(`${name}: the same verdict, data and messages on every sample`, () => {
      for (const sample of CORPUS[name]) {
        const a = classic[name].safeParse(sample);
        const b = mini[name].safeParse(sample);
        assert.equal(b.success, a.success, `${name} on ${JSON.stringify(sample)}`);
        if (a.success && b.success) assert.deepEqual(b.data, a.data);
        else
          assert.deepEqual(
            b.error?.issues.map((issue) => issue.message),
            a.error?.issues.map((issue) => issue.message),
          );
      }
    });
  }

  it('ROLES and PRESENCE_STATUSES are one list each (realtime.ts re-exports the first-load ones)', () => {
    assert.equal(classic.ROLES, mini.ROLES);
    assert.equal(classic.PRESENCE_STATUSES, mini.PRESENCE_STATUSES);
  });

  it('the modules the room page imports for its first load never import classic zod', () => {
    const src = join(dirname(fileURLToPath(import.meta.resolve('@pairpad/protocol'))));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(join(src, `${file}.ts`), 'utf8');
      for (const [, type, specifier] of source.matchAll(/^(?:import|export)(\s+type)?[^'";]*?from\s+'([^']+)'/gm)) {
        if (type) continue;
        assert.notEqual(specifier, 'zod', `${file}.ts imports classic zod`);
        if (specifier.startsWith('./')) visit(specifier.slice(2));
      }
    };
    for (const entry of ['first-load-schemas', 'language-table', 'limits', 'wire', 'yjs-messages', 'binary-frames']) visit(entry);
    assert.ok(seen.has('language-keywords'), 'walked the imports');
  });
});
