import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as classic from '@pairpad/protocol';
import * as mini from '@pairpad/protocol/first-load-schemas';

// The room page checks with zod-free twins of a few classic schemas, so no schema library is in
// its first load (issue 21). Each twin must accept, reject and output exactly what its classic
// schema does, and say the same words where a person reads them.
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
    { ...session, participants: -(2 ** 60) },
    { ...session, participants: -1.5 },
    { ...session, participants: Number.NaN },
    { ...session, participants: Number.POSITIVE_INFINITY },
    { ...session, participants: Number.NEGATIVE_INFINITY },
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

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  '',
  ' ',
  'x'.repeat(41),
  '\u0000',
  '#30bced',
  'python',
  'idle',
  -1,
  0,
  1.5,
  2 ** 60,
  NaN,
  Infinity,
  true,
  null,
  undefined,
  [],
  {},
  ['py'],
];

/** A sample with one field (or the whole value) replaced, removed or added, at random. */
function mutate(sample: unknown, next: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  if (typeof sample !== 'object' || sample === null || next() < 0.1) return pick(ODD_VALUES);
  const copy: Record<string, unknown> = Array.isArray(sample) ? ({ ...sample } as Record<string, unknown>) : { ...sample };
  const keys = Object.keys(copy);
  const roll = next();
  if (roll < 0.5 && keys.length > 0) copy[pick(keys)] = pick(ODD_VALUES);
  else if (roll < 0.75 && keys.length > 0) delete copy[pick(keys)];
  else copy.extra = pick(ODD_VALUES);
  return Array.isArray(sample) ? Object.values(copy) : copy;
}

function sameAnswer(name: (typeof PAIRS)[number], sample: unknown, compareMessages: boolean): void {
  const a = classic[name].safeParse(sample);
  const b = mini[name].safeParse(sample);
  const what = `${name} on ${JSON.stringify(sample)}`;
  assert.equal(b.success, a.success, what);
  if (a.success && b.success) assert.deepEqual(b.data, a.data, what);
  else if (compareMessages && !a.success && !b.success) {
    assert.deepEqual(
      b.error.issues.map((issue) => issue.message),
      a.error.issues.map((issue) => issue.message),
      what,
    );
  }
}

describe('first-load schemas (zod-free twins of the classic schemas the room checks with before its editor is ready)', () => {
  for (const name of PAIRS) {
    it(`${name}: the same verdict, output and messages as the classic schema on every sample`, () => {
      for (const sample of CORPUS[name]) sameAnswer(name, sample, true);
    });

    it(`${name}: the same verdict and output on 3,000 generated inputs`, () => {
      const next = random(21);
      for (let i = 0; i < 3_000; i++) sameAnswer(name, mutate(CORPUS[name][Math.floor(next() * CORPUS[name].length)], next), false);
    });
  }

  it('ROLES and PRESENCE_STATUSES are one list each (realtime.ts re-exports the first-load ones)', () => {
    assert.equal(classic.ROLES, mini.ROLES);
    assert.equal(classic.PRESENCE_STATUSES, mini.PRESENCE_STATUSES);
  });

  it('the modules the room page imports for its first load never import zod', () => {
    const src = join(dirname(fileURLToPath(import.meta.resolve('@pairpad/protocol'))));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(join(src, `${file}.ts`), 'utf8');
      for (const [, type, specifier = ''] of source.matchAll(/^(?:import|export)(\s+type)?[^'";]*?from\s+'([^']+)'/gm)) {
        if (type) continue;
        assert.ok(!specifier.startsWith('zod'), `${file}.ts imports ${specifier}`);
        if (specifier.startsWith('./')) visit(specifier.slice(2));
      }
    };
    for (const entry of ['first-load-schemas', 'language-table', 'limits', 'wire', 'yjs-messages', 'binary-frames']) visit(entry);
    assert.ok(seen.has('language-keywords'), 'walked the imports');
  });
});
