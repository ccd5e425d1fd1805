import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { BackendHandle } from '../../src/server';
import { createSession, memberAgent, startTestBackend } from '../helpers/test-backend';

describe('GET /api/questions', () => {
  const backends: BackendHandle[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const backend of backends) await backend.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the built-in questions and shows one without hidden cases or solutions', async () => {
    const backend = await startTestBackend();
    backends.push(backend);
    const agent = await memberAgent(backend);
    const list = (await (await agent.fetch('/api/questions')).json()) as { questions: { id: string; hiddenTestCount: number }[] };
    const twoSum = list.questions.find((q) => q.id === 'two-sum');
    assert.ok(twoSum, 'two-sum is listed');
    assert.ok(twoSum.hiddenTestCount > 0);
    const response = await agent.fetch('/api/questions/two-sum');
    assert.equal(response.status, 200);
    const text = await response.text();
    const question = JSON.parse(text) as {
      title: string;
      tests: { hidden: boolean; stdin?: string; expected?: string }[];
      starters: Record<string, string>;
    };
    assert.equal(question.title, 'Two Sum');
    assert.ok(question.starters.python?.includes('def two_sum'));
    assert.ok(
      question.tests.some((t) => !t.hidden && t.stdin && t.expected),
      'visible cases keep their data',
    );
    for (const test of question.tests.filter((t) => t.hidden)) assert.deepEqual(Object.keys(test).sort(), ['compare', 'hidden', 'name']);
    assert.ok(!text.includes('solutions'), 'no reference solution is sent');
    assert.ok(!text.includes('14999'), "a hidden case's input never leaves the server");
  });

  it('answers an unknown question with QUESTION_NOT_FOUND', async () => {
    const backend = backends[0]!;
    const response = await (await memberAgent(backend)).fetch('/api/questions/no-such-thing');
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'QUESTION_NOT_FOUND');
  });

  it('starts with a broken question file in QUESTIONS_DIR and serves the good ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-qdir-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'ok.md'), '---\ntitle: OK\ndifficulty: easy\n---\nFine.\n');
    writeFileSync(path.join(dir, 'broken.md'), '---\ntitle: [\n---\n');
    const backend = await startTestBackend({ QUESTIONS_DIR: dir });
    backends.push(backend);
    const list = (await (await (await memberAgent(backend)).fetch('/api/questions')).json()) as { questions: { id: string }[] };
    assert.deepEqual(
      list.questions.map((q) => q.id),
      ['ok'],
    );
  });

  it('is for the team: a candidate (no sign-in) is refused; a guest interviewer reads it for its room', async () => {
    const backend = backends[0]!;
    for (const path of ['/api/questions', '/api/questions/two-sum']) {
      const response = await fetch(`${backend.url}${path}`);
      assert.equal(response.status, 401, path);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'SIGN_IN_REQUIRED');
    }
    const session = await createSession(backend);
    const asGuest = await fetch(`${backend.url}/api/questions?sessionId=${session.id}`, {
      headers: { authorization: `Bearer ${session.interviewerToken}` },
    });
    assert.equal(asGuest.status, 200);
    const withoutToken = await fetch(`${backend.url}/api/questions?sessionId=${session.id}`);
    assert.equal(withoutToken.status, 401, 'a candidate knowing the session id is still refused');
  });
});
