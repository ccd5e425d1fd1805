import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as Y from 'yjs';
import { EditReplay, createFile, deletePath, renamePath, type SocketYjsProvider } from '@pairpad/client';
import {
  ROOM_DOC,
  WORKSPACE_LIMITS,
  workspaceFiles,
  workspaceMap,
  workspacePaths,
  workspaceText,
  type ErrorBody,
  type InterviewReport,
  type Timeline,
} from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { createSession, startBackendWithExecutor, trackedClients, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask, authHeaders } from '../interview/interview-helpers';
import { listenForRuns, setCode, startRun, waitFinished, waitForValue } from '../runs/run-helpers';

/**
 * The room's workspace end to end: two real providers on a real backend with the embedded
 * executor (real sandbox). Files are Y.Texts in the room's shared document; the server refuses
 * updates that break the workspace's rules with a named code and applies nothing of them.
 */

const UTIL = 'def greet(name):\n    return "hello " + name\n';
const MAIN = 'from src.util import greet\nprint(greet("workspace"))\n';

const TWO_FILE_QUESTION = `---
title: Greeter
difficulty: easy
starters:
  python: |
    from helpers.greet import greet
    print(greet("bank"))
files:
  python:
    helpers/greet.py: |
      def greet(name):
          return "hi " + name
    helpers/__init__.py: ""
tests:
  - name: greets
    expected: "hi bank"
---
Fix the greeting.
`;

describe('the room workspace: files in the shared document, runs, limits, playback and report', () => {
  let backend: BackendHandle;
  let questionsDir: string;
  const clients = trackedClients(() => backend);

  before(async () => {
    questionsDir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-workspace-questions-'));
    writeFileSync(path.join(questionsDir, 'greeter.md'), TWO_FILE_QUESTION);
    backend = await startBackendWithExecutor('python', { QUESTIONS_DIR: questionsDir, PISTON_RUN_TIMEOUT: '5000' });
  });
  after(async () => {
    clients.destroyAll();
    await backend?.close();
    rmSync(questionsDir, { recursive: true, force: true });
  });

  async function room() {
    const session = await createSession(backend);
    const ivy = clients.connect({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cara = clients.connect({ sessionId: session.id, name: 'Cara' });
    const caraErrors: ErrorBody[] = [];
    cara.socket.on('room:error', (error) => caraErrors.push(error));
    await Promise.all([waitSynced(ivy), waitSynced(cara)]);
    const serverDoc = () => backend.rooms.get(session.id)!.doc;
    return { session, ivy, cara, caraErrors, serverDoc };
  }

  const sees = (provider: SocketYjsProvider, path: string, content: string) =>
    waitFor(() => workspaceText(provider.doc, path)?.toString() === content, { what: `${path} on the other side` });

  it('one adds src/util.py and imports it from main.py, the other sees it and runs the import through the real executor', async () => {
    const { ivy, cara, serverDoc } = await room();
    assert.equal(createFile(cara.doc, 'src/util.py', UTIL), undefined);
    setCode(cara, MAIN);
    await sees(ivy, 'src/util.py', UTIL);
    await sees(ivy, 'main.py', MAIN);
    assert.deepEqual(workspacePaths(ivy.doc), ['main.py', 'src/util.py']);
    assert.deepEqual(workspaceFiles(serverDoc()), [
      { name: 'main.py', content: MAIN },
      { name: 'src/util.py', content: UTIL },
    ]);

    const runs = listenForRuns(ivy);
    const queued = await startRun(ivy);
    const done = await waitFinished(runs, queued.jobId);
    assert.equal(done.state, 'completed', JSON.stringify(done.error ?? done.result));
    assert.equal(done.result?.run?.stdout, 'hello workspace\n');

    // Renamed (moved to another folder) by the other participant: the run follows the new path.
    assert.equal(renamePath(ivy.doc, 'src', 'lib'), undefined);
    setCode(ivy, MAIN.replace('src.util', 'lib.util'));
    await sees(cara, 'lib/util.py', UTIL);
    const again = await startRun(cara);
    const second = await waitFinished(listenForRuns(cara), again.jobId);
    assert.equal(second.result?.run?.stdout, 'hello workspace\n');
  });

  it('a single-file room runs its code as before (no files[] sent)', async () => {
    const { ivy, session } = await room();
    setCode(ivy, 'print("one file")\n');
    await waitFor(() => backend.rooms.get(session.id)?.code === 'print("one file")\n', { what: 'code on the server' });
    const runs = listenForRuns(ivy);
    const queued = await startRun(ivy);
    assert.equal((await waitFinished(runs, queued.jobId)).result?.run?.stdout, 'one file\n');
    assert.deepEqual(workspacePaths(backend.rooms.get(session.id)!.doc), ['main.py']);
  });

  it('a "../x" path or a non-text file written straight into the map is refused WORKSPACE_PATH_INVALID and changes nothing', async () => {
    const { ivy, cara, caraErrors, serverDoc } = await room();
    createFile(cara.doc, 'ok.py', 'A = 1\n');
    await sees(ivy, 'ok.py', 'A = 1\n');
    const before = Y.encodeStateVector(serverDoc());
    // Bypasses createFile's own check, as a hostile client would.
    workspaceMap(cara.doc).set('../x.py', new Y.Text('import os'));
    await waitFor(() => caraErrors.some((error) => error.code === 'WORKSPACE_PATH_INVALID'), { what: 'room:error to the sender' });
    workspaceMap(cara.doc).set('src/y.py', 'not a text');
    await waitFor(() => caraErrors.filter((error) => error.code === 'WORKSPACE_PATH_INVALID').length >= 2, { what: 'second room:error' });
    assert.deepEqual(Y.encodeStateVector(serverDoc()), before, 'the server document is untouched');
    assert.deepEqual(workspacePaths(serverDoc()), ['main.py', 'ok.py']);
    assert.deepEqual(workspacePaths(ivy.doc), ['main.py', 'ok.py']);
  });

  it('more files than WORKSPACE_LIMITS.files, a taken path, or too many bytes: refused with their codes, nothing applied', async () => {
    const { cara, caraErrors, serverDoc } = await room();
    cara.doc.transact(() => {
      for (let i = 0; i < WORKSPACE_LIMITS.files; i++) workspaceMap(cara.doc).set(`f${i}.py`, new Y.Text(''));
    });
    await waitFor(() => caraErrors.some((error) => error.code === 'WORKSPACE_TOO_MANY_FILES'), { what: 'WORKSPACE_TOO_MANY_FILES' });
    assert.equal(workspaceMap(serverDoc()).size, 0);

    const { cara: other, caraErrors: otherErrors, serverDoc: otherDoc } = await room();
    createFile(other.doc, 'src/a.py', 'x');
    await waitFor(() => workspaceMap(otherDoc()).size === 1, { what: 'src/a.py on the server' });
    workspaceMap(other.doc).set('src', new Y.Text('a file where a folder is'));
    await waitFor(() => otherErrors.some((error) => error.code === 'WORKSPACE_PATH_TAKEN'), { what: 'WORKSPACE_PATH_TAKEN' });
    assert.deepEqual(workspacePaths(otherDoc()), ['main.py', 'src/a.py']);

    const { cara: third, caraErrors: thirdErrors, serverDoc: thirdDoc } = await room();
    createFile(third.doc, 'a.py', 'x');
    await waitFor(() => workspaceMap(thirdDoc()).size === 1, { what: 'a.py on the server' });
    workspaceText(third.doc, 'a.py')!.insert(1, 'y'.repeat(WORKSPACE_LIMITS.bytes));
    await waitFor(() => thirdErrors.some((error) => error.code === 'WORKSPACE_TOO_LARGE'), { what: 'WORKSPACE_TOO_LARGE' });
    assert.equal(workspaceText(thirdDoc(), 'a.py')!.toString(), 'x');
  });

  it('a locked room refuses a candidate’s file operations (the interviewer’s still go); an ended room refuses everyone’s', async () => {
    const { ivy, cara, caraErrors, serverDoc, session } = await room();
    const locked = await ask(ivy, 'room:lock', { locked: true });
    assert.ok(locked.ok);
    await waitFor(() => cara.socket.connected, { what: 'cara connected' });
    createFile(cara.doc, 'cara.py', '');
    await waitFor(() => caraErrors.some((error) => error.code === 'EDITING_LOCKED'), { what: 'EDITING_LOCKED' });
    assert.deepEqual(workspacePaths(serverDoc()), ['main.py']);
    createFile(ivy.doc, 'ivy.py', '');
    await waitFor(() => workspacePaths(serverDoc()).includes('ivy.py'), { what: 'the interviewer’s file' });
    // A candidate who joins the locked room (and one who reconnects) syncs the files without a refusal.
    const late = clients.connect({ sessionId: session.id, name: 'Lee' });
    const lateErrors: ErrorBody[] = [];
    late.socket.on('room:error', (error) => lateErrors.push(error));
    await waitSynced(late);
    await waitFor(() => workspacePaths(late.doc).includes('ivy.py'), { what: 'the files at the late joiner' });
    late.socket.disconnect().connect();
    await waitSynced(late);
    assert.deepEqual(lateErrors, []);
    const ended = await ask(ivy, 'room:end', {});
    assert.ok(ended.ok, JSON.stringify(ended));
    const ivyErrors: ErrorBody[] = [];
    ivy.socket.on('room:error', (error) => ivyErrors.push(error));
    deletePath(ivy.doc, 'ivy.py');
    await waitFor(() => ivyErrors.some((error) => error.code === 'SESSION_ENDED'), { what: 'SESSION_ENDED' });
    assert.deepEqual(workspacePaths(serverDoc()), ['main.py', 'ivy.py']);
    assert.ok(session.id);
  });

  it('the report lists every file’s final content and the playback replays the second file', async () => {
    const { session, ivy, cara, serverDoc } = await room();
    createFile(cara.doc, 'src/util.py', '');
    workspaceText(cara.doc, 'src/util.py')!.insert(0, UTIL);
    setCode(cara, MAIN);
    await waitFor(() => workspaceFiles(serverDoc()).length === 2 && workspaceText(serverDoc(), 'src/util.py')!.toString() === UTIL, {
      what: 'both files on the server',
    });
    const headers = authHeaders(session.interviewerToken);
    const report = (await (await fetch(`${backend.url}/api/sessions/${session.id}/report`, { headers })).json()) as InterviewReport;
    assert.equal(report.code, MAIN);
    assert.deepEqual(report.files, [
      { name: 'main.py', content: MAIN },
      { name: 'src/util.py', content: UTIL },
    ]);
    const timeline = (await (await fetch(`${backend.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    const last = replay.frame(replay.edits.length - 1, 'src/util.py');
    assert.deepEqual(last.paths, ['main.py', 'src/util.py']);
    assert.equal(last.text, UTIL);
    assert.equal(last.last?.author?.name, 'Cara');
    assert.equal(replay.frame(replay.edits.length - 1).text, MAIN);
    // Before the file was added, the playback shows one file.
    assert.deepEqual(replay.frame(-1).paths, ['main.py']);
    replay.destroy();
    assert.equal(ivy.doc.getText(ROOM_DOC.code).toString(), MAIN);
  });

  it('a question that ships several files seeds the workspace; its test run sends them all', async () => {
    const session = await createSession(backend, { name: 'Ivy', language: 'python', questionId: 'greeter' });
    const ivy = clients.connect({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    await waitSynced(ivy);
    assert.deepEqual(workspacePaths(ivy.doc), ['main.py', 'helpers/__init__.py', 'helpers/greet.py']);
    assert.equal(workspaceText(ivy.doc, 'helpers/greet.py')!.toString(), 'def greet(name):\n    return "hi " + name\n');
    const ack = await ask<{ run: { runId: string } }>(ivy, 'tests:run', {});
    assert.ok(ack.ok, JSON.stringify(ack));
    const room = backend.rooms.get(session.id)!;
    const finished = await waitForValue(
      () => {
        const run = room.interview.questions.runList().find((entry) => entry.runId === ack.run.runId);
        return run && run.state !== 'queued' && run.state !== 'running' ? run : undefined;
      },
      { what: 'test run finished', timeoutMs: 30_000 },
    );
    assert.equal(finished.passed, 1, JSON.stringify(finished));
  });
});
