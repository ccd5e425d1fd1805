import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import {
  META_KEYS,
  ROOM_DOC,
  entryPath,
  fileLanguage,
  filePathsMap,
  fileTextsMap,
  legacyFilesMap,
  newPathProblem,
  readWorkspace,
  workspaceFiles,
  workspacePaths,
  workspaceText,
} from '@pairpad/protocol';
import { createFile, createFolder, deletePath, renamePath, workspaceUndoManager } from '@pairpad/client';

function roomDoc(language = 'python', code = 'print(1)\n'): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap(ROOM_DOC.meta).set(META_KEYS.language, language);
  doc.getText(ROOM_DOC.code).insert(0, code);
  return doc;
}

describe('workspace model (packages/protocol/src/workspace.ts, packages/client/src/workspace-ops.ts)', () => {
  it('a single-file room is its code as the language file', () => {
    const doc = roomDoc('java', 'class Main {}');
    assert.deepEqual(workspaceFiles(doc), [{ name: 'Main.java', content: 'class Main {}' }]);
  });

  it('lists the entry first, then the other files by path', () => {
    const doc = roomDoc();
    assert.equal(createFile(doc, 'src/util.py', 'X = 1\n'), undefined);
    assert.equal(createFile(doc, 'a.txt', 'a'), undefined);
    assert.deepEqual(workspaceFiles(doc), [
      { name: 'main.py', content: 'print(1)\n' },
      { name: 'a.txt', content: 'a' },
      { name: 'src/util.py', content: 'X = 1\n' },
    ]);
  });

  it('refuses bad paths with named codes and changes nothing', () => {
    const doc = roomDoc();
    createFile(doc, 'src/util.py');
    const before = Y.encodeStateAsUpdate(doc);
    assert.equal(createFile(doc, '../x.py')?.code, 'WORKSPACE_PATH_INVALID');
    assert.equal(createFile(doc, '/etc/passwd')?.code, 'WORKSPACE_PATH_INVALID');
    assert.equal(createFile(doc, 'main.py')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFile(doc, 'src')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFile(doc, 'src/util.py/x')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.deepEqual(Y.encodeStateAsUpdate(doc), before);
    const many = Array.from({ length: 127 }, (_, i) => `f${i}`);
    assert.equal(newPathProblem('one-more', ['main.py', ...many])?.code, 'WORKSPACE_TOO_MANY_FILES');
  });

  it('renames files, folders and the entry; deletes; undo brings a deleted file back with its content', () => {
    const doc = roomDoc();
    const undo = workspaceUndoManager(doc);
    createFile(doc, 'src/util.py', 'X = 1\n');
    createFile(doc, 'src/more.py', 'Y = 2\n');
    assert.equal(renamePath(doc, 'src', 'lib'), undefined);
    assert.deepEqual(workspacePaths(doc), ['main.py', 'lib/more.py', 'lib/util.py']);
    assert.equal(renamePath(doc, 'main.py', 'app.py'), undefined);
    assert.equal(entryPath(doc), 'app.py');
    assert.equal(deletePath(doc, 'app.py')?.code, 'WORKSPACE_PATH_INVALID');
    assert.equal(deletePath(doc, 'lib/util.py'), undefined);
    assert.deepEqual(workspacePaths(doc), ['app.py', 'lib/more.py']);
    undo.undo();
    assert.deepEqual(
      workspaceFiles(doc).find((file) => file.name === 'lib/util.py'),
      { name: 'lib/util.py', content: 'X = 1\n' },
    );
  });

  it('knows a file language from its extension', () => {
    assert.equal(fileLanguage('src/util.py')?.id, 'python');
    assert.equal(fileLanguage('src/App.tsx')?.id, 'typescript');
    assert.equal(fileLanguage('lib/x.h')?.id, 'c');
    assert.equal(fileLanguage('README'), undefined);
  });

  it('a rename keeps the file’s Y.Text; undo of a rename gives the old path back to the same text', () => {
    const doc = roomDoc();
    const undo = workspaceUndoManager(doc);
    createFile(doc, 'src/a.py', 'A\n');
    const text = workspaceText(doc, 'src/a.py');
    renamePath(doc, 'src', 'lib');
    assert.equal(workspaceText(doc, 'lib/a.py'), text);
    undo.undo();
    assert.equal(workspaceText(doc, 'src/a.py'), text);
  });

  it('resolves clashes by id, the same on every reader: a taken path gets -2, a file under a file gets its folder suffixed', () => {
    const doc = roomDoc();
    const raw = (id: string, path: string, content: string) =>
      doc.transact(() => {
        fileTextsMap(doc).set(id, new Y.Text(content));
        filePathsMap(doc).set(id, path);
      });
    raw('b', 'x.py', 'second');
    raw('a', 'x.py', 'first');
    raw('c', 'x.py/y.py', 'under a file');
    raw('d', 'main.py', 'the entry’s path');
    assert.deepEqual(workspaceFiles(doc), [
      { name: 'main.py', content: 'print(1)\n' },
      { name: 'main-2.py', content: 'the entry’s path' },
      { name: 'x-2.py', content: 'second' },
      { name: 'x.py', content: 'first' },
      { name: 'x.py-2/y.py', content: 'under a file' },
    ]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    assert.deepEqual(workspacePaths(copy), workspacePaths(doc));
    assert.equal(readWorkspace(doc).files.find((file) => file.id === 'b')?.wanted, 'x.py');
  });

  it('reads the old shape (files by path) beside the new; a rename moves an old file into the id maps', () => {
    const doc = roomDoc();
    legacyFilesMap(doc).set('old/util.py', new Y.Text('OLD\n'));
    createFile(doc, 'new.py', 'NEW\n');
    assert.deepEqual(workspacePaths(doc), ['main.py', 'new.py', 'old/util.py']);
    assert.equal(renamePath(doc, 'old', 'kept'), undefined);
    assert.equal(legacyFilesMap(doc).size, 0);
    assert.equal(workspaceText(doc, 'kept/util.py')?.toString(), 'OLD\n');
    assert.equal(deletePath(doc, 'kept/util.py'), undefined);
    assert.deepEqual(workspacePaths(doc), ['main.py', 'new.py']);
  });

  it('folders made on their own: validated like paths, shown while empty, moved with a folder rename, deleted with it', () => {
    const doc = roomDoc();
    const undo = workspaceUndoManager(doc);
    createFile(doc, 'a.py');
    assert.equal(createFolder(doc, 'a.py')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFolder(doc, 'a.py/b')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFolder(doc, 'x/../y')?.code, 'WORKSPACE_PATH_INVALID');
    assert.equal(createFolder(doc, 'src/empty'), undefined);
    assert.equal(createFolder(doc, 'src/empty')?.code, 'WORKSPACE_PATH_TAKEN');
    assert.equal(createFile(doc, 'src/empty')?.code, 'WORKSPACE_PATH_TAKEN');
    createFile(doc, 'src/b.py');
    assert.equal(renamePath(doc, 'src', 'lib'), undefined);
    assert.deepEqual(
      readWorkspace(doc).folders.map((folder) => folder.path),
      ['lib/empty'],
    );
    assert.equal(deletePath(doc, 'lib'), undefined);
    assert.deepEqual(readWorkspace(doc).folders, []);
    undo.undo();
    assert.deepEqual(
      readWorkspace(doc).folders.map((folder) => folder.path),
      ['lib/empty'],
    );
  });
});
