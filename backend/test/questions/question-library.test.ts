import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareOutput } from '../../src/runs/compare-output';
import { publicTestCase, TEST_CASE_LIMITS } from '@pairpad/protocol/questions';
import { questionSetupFiles } from '@pairpad/protocol/run-files';
import { builtInQuestionsDir, QuestionLibrary } from '../../src/questions/question-library';
import { startTestExecutor, type StageBody, type TestExecutor } from '../executor/helpers';

const GOOD = `---
title: Echo
difficulty: easy
tags: [io]
starters:
  python: "print(input())\\n"
tests:
  - name: hi
    stdin: "hi\\n"
    expected: "hi\\n"
---
Print the line you read.
`;

describe('question library', () => {
  const dirs: string[] = [];
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-questions-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      if (content === '<dir>') mkdirSync(path.join(dir, name));
      else writeFileSync(path.join(dir, name), content);
    }
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the built-in questions without a problem', async () => {
    const dir = builtInQuestionsDir();
    assert.ok(dir, 'the questions/ folder is found');
    const library = await QuestionLibrary.load(dir);
    assert.deepEqual(library.problems, []);
    assert.ok(library.size >= 4, `${library.size} questions`);
    const difficulties = new Set(library.list().map((q) => q.difficulty));
    assert.deepEqual([...difficulties].sort(), ['easy', 'hard', 'medium']);
    for (const summary of library.list()) {
      assert.ok(summary.testCount >= 3, `${summary.id} has tests`);
      assert.ok(summary.hiddenTestCount >= 1, `${summary.id} has a hidden test`);
      // SQL questions (a database) are written for SQL; the others for Python at least.
      const language = library.get(summary.id)?.database ? 'sqlite3' : 'python';
      assert.ok(summary.languages.includes(language), `${summary.id} has a ${language} starter`);
    }
  });

  it('reports a broken file by file and field and loads the others', async () => {
    const big = 'x'.repeat(TEST_CASE_LIMITS.stdinBytes + 1);
    const dir = folder({
      'good.md': GOOD,
      'README.md': 'not a question',
      'no-front-matter.md': '# Just markdown\n',
      'bad-yaml.md': '---\ntitle: [unclosed\n---\nbody',
      'missing-fields.md': '---\ntitle: X\n---\nbody',
      'unknown-language.md': GOOD.replace('starters:\n  python:', 'starters:\n  cobol:'),
      'bad-compare.md': GOOD.replace('expected: "hi\\n"', 'expected: "hi\\n"\n    compare: fuzzy'),
      'too-big.md': GOOD.replace('stdin: "hi\\n"', `stdin: "${big}"`),
      'extra-field.md': GOOD.replace('difficulty: easy', 'difficulty: easy\nowner: me'),
      'Bad_Name.md': GOOD,
      'alias-bomb.md': `---\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ntitle: Bomb\n---\nbody`,
      'folder.md': '<dir>',
      'escaping-file.md': GOOD.replace('difficulty: easy', 'difficulty: easy\nfiles:\n  python:\n    ../outside.py: "x"'),
    });
    const library = await QuestionLibrary.load(dir);
    assert.deepEqual(
      library.list().map((q) => q.id),
      ['good'],
    );
    const problems = Object.fromEntries(library.problems.map((p) => [p.file, p.problems.join('; ')]));
    assert.match(problems['no-front-matter.md'] ?? '', /no front matter/);
    assert.match(problems['bad-yaml.md'] ?? '', /not valid YAML/);
    assert.match(problems['missing-fields.md'] ?? '', /difficulty/);
    assert.match(problems['unknown-language.md'] ?? '', /starters/);
    assert.match(problems['bad-compare.md'] ?? '', /tests\[0\]\.compare: compare must be one of/);
    assert.match(problems['too-big.md'] ?? '', /tests\[0\]\.stdin: stdin is larger than 65536 bytes/);
    assert.match(problems['extra-field.md'] ?? '', /owner/);
    assert.match(problems['Bad_Name.md'] ?? '', /^id: id must be lowercase/);
    assert.match(problems['alias-bomb.md'] ?? '', /not valid YAML: Excessive alias count/);
    assert.match(problems['folder.md'] ?? '', /not a regular file/);
    assert.match(problems['escaping-file.md'] ?? '', /files\.python.*relative path inside the workspace.*"\.\." segment/);
    assert.equal(problems['README.md'], undefined, 'the README is not a question');
  });

  it('reads a rubric from the front matter; a malformed rubric leaves the question out, reported by file and field', async () => {
    const rubric = (criteria: string) => GOOD.replace('difficulty: easy', `difficulty: easy\nrubric:\n  criteria:\n${criteria}`);
    const criterion = (id: string, anchors = '      1: Lost\n      2: Helped\n      3: Alone\n      4: Alone, explained') =>
      `    - id: ${id}\n      name: Reading input\n      anchors:\n${anchors.replace(/^ {6}/gm, '        ')}\n`;
    const dir = folder({
      'with-rubric.md': rubric(criterion('reading')),
      'missing-anchor.md': rubric(criterion('reading', '      1: Lost\n      2: Helped\n      4: Alone')),
      'extra-anchor.md': rubric(criterion('reading', '      1: a\n      2: b\n      3: c\n      4: d\n      5: e')),
      'duplicate-ids.md': rubric(criterion('reading') + criterion('reading')),
      'bad-id.md': rubric(criterion('Reading Input')),
      'no-criteria.md': GOOD.replace('difficulty: easy', 'difficulty: easy\nrubric:\n  criteria: []'),
    });
    const library = await QuestionLibrary.load(dir);
    assert.deepEqual(
      library.list().map((q) => q.id),
      ['with-rubric'],
    );
    assert.deepEqual(library.get('with-rubric')?.rubric?.criteria[0], {
      id: 'reading',
      name: 'Reading input',
      description: '',
      anchors: { 1: 'Lost', 2: 'Helped', 3: 'Alone', 4: 'Alone, explained' },
    });
    const problems = Object.fromEntries(library.problems.map((p) => [p.file, p.problems.join('; ')]));
    assert.match(problems['missing-anchor.md'] ?? '', /^rubric\.criteria\[0\]\.anchors\.3: /);
    assert.match(problems['extra-anchor.md'] ?? '', /^rubric\.criteria\[0\]\.anchors: .*5/);
    assert.match(problems['duplicate-ids.md'] ?? '', /^rubric\.criteria: criterion ids must be unique/);
    assert.match(problems['bad-id.md'] ?? '', /^rubric\.criteria\[0\]\.id: id must be lowercase/);
    assert.match(problems['no-criteria.md'] ?? '', /^rubric\.criteria: a rubric needs at least one criterion/);
  });

  it('answers an unreadable folder with a problem, not a crash', async () => {
    const library = await QuestionLibrary.load('/nonexistent/questions');
    assert.equal(library.size, 0);
    assert.match(library.problems[0]?.problems[0] ?? '', /cannot read the folder/);
  });

  it('shows hidden cases only by name to participants', () => {
    const hidden = publicTestCase({
      name: 'secret',
      stdin: '42',
      args: [],
      expected: 'answer',
      compare: 'trim',
      tolerance: 1e-6,
      hidden: true,
    });
    assert.deepEqual(hidden, { name: 'secret', hidden: true, compare: 'trim' });
    assert.ok(!JSON.stringify(hidden).includes('answer'));
  });
});

describe('output comparison modes', () => {
  it('exact: byte for byte', () => {
    assert.equal(compareOutput('1 2\n', '1 2\n', 'exact').passed, true);
    assert.deepEqual(compareOutput('1 2', '1 2\n', 'exact'), { passed: false, reason: 'output ends early, at character 4' });
    assert.equal(compareOutput('1 2 \n', '1 2\n', 'exact').passed, false);
  });

  it('trim: trailing whitespace and blank lines forgiven, nothing else', () => {
    assert.equal(compareOutput('a  \nb\n\n\n', 'a\nb', 'trim').passed, true);
    assert.equal(compareOutput('a\r\nb\r\n', 'a\nb\n', 'trim').passed, true);
    assert.deepEqual(compareOutput(' a\nb', 'a\nb', 'trim'), { passed: false, reason: 'line 1 differs' });
    assert.deepEqual(compareOutput('a', 'a\nb', 'trim'), { passed: false, reason: 'missing line 2' });
    assert.deepEqual(compareOutput('a\nb\nc', 'a\nb', 'trim'), { passed: false, reason: 'extra line 3' });
  });

  it('tokens: any whitespace between the same values', () => {
    assert.equal(compareOutput('1   2\n\n3', '1 2 3\n', 'tokens').passed, true);
    assert.match(compareOutput('1 2 4', '1 2 3', 'tokens').reason ?? '', /value 3 differs: expected "3", got "4"/);
    assert.match(compareOutput('1 2', '1 2 3', 'tokens').reason ?? '', /expected 3 values, got 2/);
  });

  it('float: numbers within the tolerance, words exactly', () => {
    assert.equal(compareOutput('0.3333 yes', '0.33333333 yes', 'float', 1e-3).passed, true);
    assert.equal(compareOutput('0.34', '0.33333333', 'float', 1e-3).passed, false);
    assert.equal(compareOutput('NaN', 'NaN', 'float').passed, true);
    assert.equal(compareOutput('Infinity', '1e309', 'float').passed, false);
    assert.equal(compareOutput('yes', 'no', 'float').passed, false);
  });

  it('unordered: the same lines, as many times each, in any order (rows of a result set)', () => {
    const expected = 'name|total\nann|30\nbob|120\n';
    assert.equal(compareOutput('name|total\nbob|120\nann|30\n\n', expected, 'unordered').passed, true);
    assert.equal(compareOutput('bob|120  \r\nname|total\r\nann|30', expected, 'unordered').passed, true);
    assert.deepEqual(compareOutput('name|total\nbob|120\n', expected, 'unordered'), { passed: false, reason: 'missing line "ann|30"' });
    assert.deepEqual(compareOutput('name|total\nann|30\nbob|120\nbob|120\n', expected, 'unordered'), {
      passed: false,
      reason: 'extra line "bob|120"',
    });
    // A row twice is not the same result as the row once.
    assert.equal(compareOutput('a\na\nb', 'a\nb\nb', 'unordered').passed, false);
    // Order still matters to the other modes.
    assert.equal(compareOutput('name|total\nbob|120\nann|30\n', expected, 'trim').passed, false);
  });
});

describe('built-in questions: the reference solutions pass every case in the real sandbox', () => {
  let ex: TestExecutor;
  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python,sqlite3' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('each python (SQL questions: sqlite3) solution passes its own tests, and each starter fails at least one', async (t) => {
    const library = await QuestionLibrary.load(builtInQuestionsDir() ?? '');
    const runtimes = ((await ex.get('/api/v2/runtimes')).body as { language: string }[]).map((runtime) => runtime.language);
    for (const summary of library.list()) {
      const question = library.get(summary.id);
      assert.ok(question);
      const language = question.database ? 'sqlite3' : 'python';
      if (!runtimes.includes(language)) {
        t.diagnostic(`${question.id} not checked: ${language} is not installed on this machine`);
        continue;
      }
      for (const [kind, code] of [
        ['solution', question.solutions[language]],
        ['starter', question.starters[language]],
      ] as const) {
        assert.ok(code, `${question.id} has a ${language} ${kind}`);
        const response = await ex.post('/api/v2/pairpad/batch', {
          language,
          version: '*',
          files: [
            { name: language === 'python' ? 'main.py' : 'main.sql', content: code },
            ...questionSetupFiles(question.database, language),
          ],
          cases: question.tests.map((test) => ({ stdin: test.stdin, args: test.args })),
        });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        const results: boolean[] = (response.body.cases as StageBody[]).map((stage, i): boolean => {
          const test = question.tests[i];
          if (!test) return false;
          return compareOutput(stage.stdout, test.expected, test.compare, test.tolerance).passed;
        });
        if (kind === 'solution')
          assert.deepEqual(
            results,
            question.tests.map(() => true),
            `${question.id} solution`,
          );
        else assert.ok(results.includes(false), `${question.id}: the starter must not already pass every case`);
      }
    }
  });
});
