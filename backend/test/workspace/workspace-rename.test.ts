import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as Y from 'yjs';
import {
  EditReplay,
  createFile,
  createFolder,
  deletePath,
  renamePath,
  workspaceUndoManager,
  type SocketYjsProvider,
} from '@pairpad/client';
import {
  META_KEYS,
  ROOM_DOC,
  filePathsMap,
  legacyFilesMap,
  readWorkspace,
  workspaceFiles,
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
import { listenForRuns, setCode, startRun, waitFinished } from '../runs/run-helpers';
import { describeEvent } from '../../../frontend/src/lib/timeline-words';

/**
 * Renames and moves on the id-keyed workspace, through a real backend and two real providers.
 * "At once" is made real: one provider's transport is cut, both change the document, and the
 * transport comes back, so the server receives the two changes without either author having seen
 * the other's.
 */
describe('workspace renames keep every character (stable file ids), folders, the old shape', () => {
  let backend: BackendHandle;
  const clients = trackedClients(() => backend);

  before(async () => {
    // The executor's default time limits: a busy machine must not turn the old-shape run into a timeout.
    backend = await startBackendWithExecutor('python');
  });
  after(async () => {
    clients.destroyAll();
    await backend?.close();
  });

  async function room() {
    const session = await createSession(backend);
    const ivy = clients.connect({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cara = clients.connect({ sessionId: session.id, name: 'Cara' });
    const errors: ErrorBody[] = [];
    ivy.socket.on('room:error', (error) => errors.push(error));
    cara.socket.on('room:error', (error) => errors.push(error));
    await Promise.all([waitSynced(ivy), waitSynced(cara)]);
    const serverDoc = () => backend.rooms.get(session.id)!.doc;
    return { session, ivy, cara, errors, serverDoc };
  }

  const converged = (providers: SocketYjsProvider[], serverDoc: () => Y.Doc, what: string) =>
    waitFor(
      () => {
        const want = JSON.stringify(workspaceFiles(serverDoc()));
        return providers.every((provider) => JSON.stringify(workspaceFiles(provider.doc)) === want);
      },
      { what },
    );

  /** Cuts `provider`'s transport, runs `offline`, then `online` (the others' change), and reconnects. */
  async function atOnce(provider: SocketYjsProvider, offline: () => void, online: () => Promise<void>) {
    provider.socket.disconnect();
    offline();
    await online();
    provider.socket.connect();
    await waitSynced(provider);
  }

  it('Cara types into src/a.py while Ivy renames it to lib/a.py: the text is kept, in the same Y.Text', async () => {
    const { ivy, cara, errors, serverDoc } = await room();
    createFile(ivy.doc, 'src/a.py', 'A = 1\n');
    await waitFor(() => workspaceText(cara.doc, 'src/a.py')?.toString() === 'A = 1\n', { what: 'src/a.py at Cara' });
    const caraText = workspaceText(cara.doc, 'src/a.py')!;
    const caraId = readWorkspace(cara.doc).files.find((file) => file.path === 'src/a.py')!.id;
    await atOnce(
      cara,
      () => caraText.insert(caraText.length, 'B = 2\n'),
      async () => {
        assert.equal(renamePath(ivy.doc, 'src/a.py', 'lib/a.py'), undefined);
        await waitFor(() => workspacePaths(serverDoc()).includes('lib/a.py'), { what: 'the rename on the server' });
      },
    );
    await converged([ivy, cara], serverDoc, 'both sides and the server agree');
    assert.deepEqual(workspacePaths(cara.doc), ['main.py', 'lib/a.py']);
    assert.equal(workspaceText(serverDoc(), 'lib/a.py')!.toString(), 'A = 1\nB = 2\n');
    // The file is the same object at Cara (her editor's binding and tab follow it by id).
    assert.equal(workspaceText(cara.doc, 'lib/a.py'), caraText);
    assert.equal(readWorkspace(cara.doc).files.find((file) => file.path === 'lib/a.py')!.id, caraId);
    assert.deepEqual(errors, []);
  });

  it('Cara types into two files of src while Ivy renames the folder src to lib: both edits are kept', async () => {
    const { ivy, cara, errors, serverDoc } = await room();
    createFile(ivy.doc, 'src/a.py', 'a\n');
    createFile(ivy.doc, 'src/deep/b.py', 'b\n');
    await waitFor(() => workspacePaths(cara.doc).length === 3, { what: 'the files at Cara' });
    await atOnce(
      cara,
      () => {
        workspaceText(cara.doc, 'src/a.py')!.insert(0, '# Cara\n');
        workspaceText(cara.doc, 'src/deep/b.py')!.insert(2, 'more b\n');
      },
      async () => {
        assert.equal(renamePath(ivy.doc, 'src', 'lib'), undefined);
        await waitFor(() => workspacePaths(serverDoc()).includes('lib/a.py'), { what: 'the folder rename on the server' });
      },
    );
    await converged([ivy, cara], serverDoc, 'both sides and the server agree');
    assert.deepEqual(workspaceFiles(ivy.doc).slice(1), [
      { name: 'lib/a.py', content: '# Cara\na\n' },
      { name: 'lib/deep/b.py', content: 'b\nmore b\n' },
    ]);
    assert.deepEqual(errors, []);
  });

  it('two renames at once to the same path resolve to the same valid workspace everywhere, nothing lost', async () => {
    const { ivy, cara, errors, serverDoc } = await room();
    createFile(ivy.doc, 'x.py', 'X\n');
    createFile(ivy.doc, 'y.py', 'Y\n');
    await waitFor(() => workspacePaths(cara.doc).length === 3, { what: 'the files at Cara' });
    await atOnce(
      cara,
      () => assert.equal(renamePath(cara.doc, 'x.py', 'same.py'), undefined),
      async () => {
        assert.equal(renamePath(ivy.doc, 'y.py', 'same.py'), undefined);
        await waitFor(() => workspacePaths(serverDoc()).includes('same.py'), { what: 'Ivy’s rename on the server' });
      },
    );
    await converged([ivy, cara], serverDoc, 'both sides and the server agree');
    const paths = workspacePaths(serverDoc());
    assert.deepEqual(paths, ['main.py', 'same-2.py', 'same.py']);
    // Both records say same.py; the file with the smaller id keeps it, the other shows as same-2.py.
    const view = readWorkspace(serverDoc());
    const [first, second] = view.files.slice(1).sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.equal(first!.path, 'same.py');
    assert.equal(second!.path, 'same-2.py');
    assert.equal(second!.wanted, 'same.py');
    assert.deepEqual(
      view.files
        .slice(1)
        .map((file) => file.text.toString())
        .sort(),
      ['X\n', 'Y\n'],
    );
    assert.deepEqual(errors, []);
  });

  it('undo of a rename and of a delete reaches the other side; the locked room refuses a candidate’s rename, the ended room everyone’s', async () => {
    const { ivy, cara, errors, serverDoc, session } = await room();
    const undo = workspaceUndoManager(ivy.doc);
    createFile(ivy.doc, 'a.py', 'keep me\n');
    renamePath(ivy.doc, 'a.py', 'pkg/b.py');
    await waitFor(() => workspacePaths(cara.doc).includes('pkg/b.py'), { what: 'the rename at Cara' });
    const text = workspaceText(cara.doc, 'pkg/b.py');
    undo.undo();
    await waitFor(() => workspacePaths(cara.doc).includes('a.py'), { what: 'the undone rename at Cara' });
    assert.equal(workspaceText(cara.doc, 'a.py'), text, 'the undone rename keeps the same text');
    deletePath(ivy.doc, 'a.py');
    await waitFor(() => !workspacePaths(cara.doc).includes('a.py'), { what: 'the delete at Cara' });
    undo.undo();
    await waitFor(() => workspaceText(cara.doc, 'a.py')?.toString() === 'keep me\n', { what: 'the undone delete at Cara' });
    undo.destroy();

    assert.ok((await ask(ivy, 'room:lock', { locked: true })).ok);
    await waitFor(() => cara.socket.connected, { what: 'cara connected' });
    renamePath(cara.doc, 'a.py', 'c.py');
    await waitFor(() => errors.some((error) => error.code === 'EDITING_LOCKED'), { what: 'EDITING_LOCKED' });
    assert.ok(workspacePaths(serverDoc()).includes('a.py'));
    assert.ok((await ask(ivy, 'room:end', {})).ok);
    renamePath(ivy.doc, 'a.py', 'd.py');
    await waitFor(() => errors.some((error) => error.code === 'SESSION_ENDED'), { what: 'SESSION_ENDED' });
    assert.deepEqual(workspacePaths(serverDoc()), ['main.py', 'a.py']);
    assert.ok(session.id);
  });

  it('an empty folder is shared, renamed, deleted and validated; creating it where a file is fails', async () => {
    const { ivy, cara, serverDoc } = await room();
    createFile(ivy.doc, 'a.py', '');
    assert.equal(createFolder(ivy.doc, 'empty/inner'), undefined);
    await waitFor(() => readWorkspace(cara.doc).folders.some((folder) => folder.path === 'empty/inner'), { what: 'the folder at Cara' });
    assert.equal(createFolder(cara.doc, 'a.py')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFolder(cara.doc, 'a.py/x')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFolder(cara.doc, '../up')?.code, 'WORKSPACE_PATH_INVALID');
    assert.equal(createFile(cara.doc, 'empty/inner')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(renamePath(cara.doc, 'empty', 'full'), undefined);
    await waitFor(
      () =>
        readWorkspace(serverDoc())
          .folders.map((folder) => folder.path)
          .join() === 'full/inner',
      { what: 'the renamed folder' },
    );
    assert.equal(deletePath(cara.doc, 'full'), undefined);
    await waitFor(() => readWorkspace(ivy.doc).folders.length === 0, { what: 'the deleted folder at Ivy' });
  });

  it('a room stored in the old shape (files by path) loads, runs, reports, replays, and its file moves into the new shape on rename', async () => {
    const { session, ivy, cara, errors, serverDoc } = await room();
    // The old shape, as rooms and archived snapshots stored it: files map path → Y.Text.
    const old = new Y.Doc();
    Y.applyUpdate(old, Y.encodeStateAsUpdate(serverDoc()));
    const before = Y.encodeStateVector(old);
    old.transact(() => {
      const code = old.getText(ROOM_DOC.code);
      code.delete(0, code.length);
      code.insert(0, 'from src.util import greet\nprint(greet("old"))\n');
      legacyFilesMap(old).set('src/util.py', new Y.Text('def greet(name):\n    return "hi " + name\n'));
    });
    // Loaded as a stored room is (an update that comes from no connection).
    Y.applyUpdate(serverDoc(), Y.encodeStateAsUpdate(old, before));
    await waitFor(() => workspacePaths(cara.doc).includes('src/util.py'), { what: 'the old-shape file at Cara' });
    assert.deepEqual(workspacePaths(ivy.doc), ['main.py', 'src/util.py']);

    const runs = listenForRuns(ivy);
    const queued = await startRun(ivy);
    const done = await waitFinished(runs, queued.jobId);
    assert.equal(done.result?.run?.stdout, 'hi old\n', JSON.stringify(done.error ?? done.result));

    const headers = authHeaders(session.interviewerToken);
    const report = (await (await fetch(`${backend.url}/api/sessions/${session.id}/report`, { headers })).json()) as InterviewReport;
    assert.deepEqual(
      report.files?.map((file) => file.name),
      ['main.py', 'src/util.py'],
    );
    const timeline = (await (await fetch(`${backend.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
    const replay = new EditReplay(timeline.edits, timeline.startedAt);
    const last = replay.frame(replay.edits.length - 1, 'src/util.py');
    assert.deepEqual(last.paths, ['main.py', 'src/util.py']);
    assert.equal(last.text, 'def greet(name):\n    return "hi " + name\n');
    replay.destroy();

    // A rename moves it into the id maps; the guard accepts that (a delete in the old map).
    assert.equal(renamePath(cara.doc, 'src/util.py', 'src/helpers.py'), undefined);
    await waitFor(() => workspacePaths(serverDoc()).includes('src/helpers.py'), { what: 'the moved file on the server' });
    assert.equal(legacyFilesMap(serverDoc()).size, 0);
    assert.equal(filePathsMap(serverDoc()).size, 1);
    assert.equal(workspaceText(ivy.doc, 'src/helpers.py')?.toString(), 'def greet(name):\n    return "hi " + name\n');
    assert.equal(ivy.doc.getMap(ROOM_DOC.meta).get(META_KEYS.entry), undefined);
    assert.deepEqual(errors, []);
  });

  it('a paste into any file is recorded with its path (the interviewer’s paste record) and described with it', async () => {
    const { session, ivy, cara, serverDoc } = await room();
    const pasted = `# pasted\n${'x = 1\n'.repeat(60)}`;
    // A single-file room's paste is recorded as before, without a path.
    setCode(cara, pasted);
    createFile(ivy.doc, 'src/a.py', '');
    await waitFor(() => workspaceText(cara.doc, 'src/a.py') !== undefined, { what: 'src/a.py at Cara' });
    workspaceText(cara.doc, 'src/a.py')!.insert(0, pasted);
    await waitFor(() => workspaceText(serverDoc(), 'src/a.py')?.toString() === pasted, { what: 'the paste on the server' });
    const code = cara.doc.getText(ROOM_DOC.code);
    code.insert(code.length, pasted);
    await waitFor(() => serverDoc().getText(ROOM_DOC.code).length === pasted.length * 2, { what: 'the entry paste on the server' });
    const headers = authHeaders(session.interviewerToken);
    const timeline = (await (await fetch(`${backend.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
    const pastes = timeline.events.filter((event) => event.kind === 'paste');
    assert.deepEqual(
      pastes.map((event) => ({ name: event.name, chars: event.chars, path: event.path })),
      [
        { name: 'Cara', chars: pasted.length, path: undefined },
        { name: 'Cara', chars: pasted.length, path: 'src/a.py' },
        { name: 'Cara', chars: pasted.length, path: 'main.py' },
      ],
    );
    assert.equal(describeEvent(pastes[1]!), `Cara pasted ${pasted.length} characters into src/a.py`);
    assert.equal(describeEvent(pastes[0]!), `Cara pasted ${pasted.length} characters`);
    // The candidate never receives the timeline.
    const refused = await fetch(`${backend.url}/api/sessions/${session.id}/timeline`);
    assert.notEqual(refused.status, 200);
  });
});
