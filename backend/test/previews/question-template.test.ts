import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { SocketYjsProvider } from '@pairpad/client';
import { META_KEYS, ROOM_DOC, workspacePaths, workspaceText, type PreviewStatus, type RoomQuestionView } from '@pairpad/protocol';
import { QuestionLibrary } from '../../src/questions/question-library';
import type { BackendHandle } from '../../src/server';
import { testSandboxUid } from '../executor/helpers';
import { connectClient, createSession, startBackendWithExecutor, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/**
 * A question that names a project template (`template: react-vite`): an unknown template is a
 * named problem of the file (left out); a session created from a good one is laid out as the
 * template's workspace with the question's own starter and files on top, its Preview offers that
 * template at join, and the started preview serves the question's files.
 */

const SANDBOX_UID = testSandboxUid();

const QUESTION = `---
title: Fix the greeting
difficulty: easy
template: react-vite
starters:
  typescript: |
    import { greeting } from './greeting';

    export function App() {
      return <h1>{greeting}</h1>;
    }
files:
  typescript:
    src/greeting.ts: |
      export const greeting = 'Hello from the question';
    src/index.css: |
      h1 { color: rebeccapurple; }
---
The greeting is wrong: fix it.
`;

const UNKNOWN_TEMPLATE = `---
title: Rails app
difficulty: easy
template: rails
---
No such template.
`;

function fetchVia(backend: BackendHandle, url: string, pathname: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: backend.port, path: pathname, headers: { host: new URL(url).host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a question that names a project template', () => {
  let dir: string;
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pairpad-template-questions-'));
    writeFileSync(path.join(dir, 'fix-the-greeting.md'), QUESTION);
    writeFileSync(path.join(dir, 'rails-app.md'), UNKNOWN_TEMPLATE);
    backend = await startBackendWithExecutor('bash', {
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      QUESTIONS_DIR: dir,
      PREVIEW_EDIT_DEBOUNCE_MS: '50',
      EXECUTION_POOL_CHECK_MS: '200',
    });
    await waitFor(() => backend.runs.executors.executors.every((executor) => executor.up === true), { what: 'the executor up' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown template leaves the question out with a named, readable problem', async () => {
    const library = await QuestionLibrary.load(dir);
    assert.equal(library.get('rails-app'), undefined);
    assert.equal(library.get('fix-the-greeting')?.template, 'react-vite');
    const problem = library.problems.find((entry) => entry.file === 'rails-app.md');
    assert.deepEqual(problem?.problems, [
      'template: PREVIEW_TEMPLATE_UNKNOWN: no preview template "rails" (known: react-vite, node-express, python-flask)',
    ]);
  });

  it("lays the room out as the template's workspace, the question's files on top; the Preview offers and serves it", async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'fix-the-greeting' });
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    open.push(ivy);
    const statuses: PreviewStatus[] = [];
    const questions: RoomQuestionView[] = [];
    ivy.socket.on('preview:status', (status) => statuses.push(status));
    ivy.socket.on('question:state', (question) => questions.push(question));
    await waitSynced(ivy);
    // The template's workspace: its entry (the question's starter in it), its files, the question's on top.
    assert.equal(ivy.doc.getMap(ROOM_DOC.meta).get(META_KEYS.entry), 'src/App.tsx');
    assert.equal(ivy.doc.getMap(ROOM_DOC.meta).get(META_KEYS.language), 'typescript');
    assert.match(ivy.doc.getText(ROOM_DOC.code).toString(), /import \{ greeting \} from '\.\/greeting'/);
    const paths = workspacePaths(ivy.doc);
    for (const file of ['index.html', 'package.json', 'vite.config.ts', 'src/main.tsx', 'src/greeting.ts', 'src/index.css'])
      assert.ok(paths.includes(file), `${file} in ${paths.join(', ')}`);
    assert.equal(workspaceText(ivy.doc, 'src/index.css')?.toString(), 'h1 { color: rebeccapurple; }\n', "the question's file wins");
    // The Preview at join: off, with the question's template (the picker preselects it).
    await waitFor(() => statuses.length > 0, { what: 'the preview status at join' });
    assert.equal(statuses[0]?.state, 'off');
    assert.equal(statuses[0]?.template, 'react-vite');
    await waitFor(() => questions.length > 0, { what: 'the question at join' });
    assert.equal(questions[0]?.template, 'react-vite');

    // Started as it is: the room's layout is kept (no second seeding), the question's files served.
    const started = await ivy.request('preview:start', { template: statuses[0]!.template! });
    assert.ok(started.ok, JSON.stringify(started));
    assert.match(ivy.doc.getText(ROOM_DOC.code).toString(), /greeting/);
    const address = await ivy.request('preview:open', {});
    assert.ok(address.ok);
    const greeting = await fetchVia(backend, address.url, '/src/greeting.ts');
    assert.equal(greeting.status, 200);
    assert.match(greeting.text, /Hello from the question/);
    assert.match((await fetchVia(backend, address.url, '/src/index.css')).text, /rebeccapurple/);
    // Vite's HMR websocket through the backend's preview origin (the executor's relay, used by both).
    const client = await fetchVia(backend, address.url, '/@vite/client');
    const token = /wsToken = "([^"]+)"/.exec(client.text)?.[1] ?? /const wsToken = ([^;]+);/.exec(client.text)?.[1]?.replace(/"/g, '');
    assert.ok(token, 'the Vite client carries its websocket token');
    const ws = new WebSocket(`ws://127.0.0.1:${backend.port}/?token=${token}`, 'vite-hmr', {
      headers: { host: new URL(address.url).host },
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data) => resolve(String(data)));
        ws.once('error', reject);
      });
      assert.match(first, /"type":"connected"/);
    } finally {
      ws.close();
    }
    assert.ok((await ivy.request('preview:stop', {})).ok);
  });
});
