import * as Y from 'yjs';
import { META_KEYS, ROOM_DOC } from '@pairpad/protocol/room-shape';
import {
  ENTRY_FILE_ID,
  LEGACY_FILE_ID_PREFIX,
  filePathsMap,
  fileTextsMap,
  foldersMap,
  legacyFilesMap,
  newFolderProblem,
  newPathProblem,
  readWorkspace,
  type WorkspaceProblem,
} from '@pairpad/protocol/workspace';

/**
 * A change of the workspace's files (create, rename, move, delete): the origin of its one
 * transaction, so the tree's undo manager tracks file operations and not typing.
 */
export const WORKSPACE_CHANGE = Object.freeze({ kind: 'workspace-change' as const });

function notFound(path: string): WorkspaceProblem {
  return { code: 'WORKSPACE_FILE_NOT_FOUND', message: `There is no file or folder at "${path}".` };
}

/** A new file or folder id: this client's id and a random part (fileIdProblem's alphabet). */
export function newFileId(doc: Y.Doc): string {
  return `${doc.clientID.toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function current(doc: Y.Doc) {
  const view = readWorkspace(doc);
  return { view, paths: view.files.map((file) => file.path), folders: view.folders.map((folder) => folder.path) };
}

/** Adds a file at `path` (one transaction of origin WORKSPACE_CHANGE); the problem when it may not. */
export function createFile(doc: Y.Doc, path: string, content = ''): WorkspaceProblem | undefined {
  const { paths, folders } = current(doc);
  const problem = newPathProblem(path, paths, folders);
  if (problem) return problem;
  doc.transact(() => {
    const id = newFileId(doc);
    const text = new Y.Text();
    fileTextsMap(doc).set(id, text);
    filePathsMap(doc).set(id, path);
    if (content) text.insert(0, content);
  }, WORKSPACE_CHANGE);
  return undefined;
}

/** Makes a folder at `path` that shows before it holds a file; the problem when it may not. */
export function createFolder(doc: Y.Doc, path: string): WorkspaceProblem | undefined {
  const { paths, folders } = current(doc);
  const problem = newFolderProblem(path, paths, folders);
  if (problem) return problem;
  doc.transact(() => foldersMap(doc).set(newFileId(doc), path), WORKSPACE_CHANGE);
  return undefined;
}

const under = (path: string, from: string) => path === from || path.startsWith(`${from}/`);

/**
 * Renames or moves a file, or a folder with everything in it (`src` → `lib` moves `src/a.py` to
 * `lib/a.py`, and the folders made under it). Only path records change: every file keeps its id
 * and its Y.Text, so open editors stay bound and concurrent typing is kept. The entry's path is
 * `meta.entry`. A file of the old shape (ROOM_DOC.files) moves into the id maps (a copy of its text).
 */
export function renamePath(doc: Y.Doc, from: string, to: string): WorkspaceProblem | undefined {
  const { view, paths, folders } = current(doc);
  const moved = view.files.filter((file) => under(file.path, from));
  const movedFolders = view.folders.filter((folder) => under(folder.path, from));
  if (moved.length === 0 && movedFolders.length === 0) return notFound(from);
  if (to === from) return undefined;
  const target = (path: string) => to + path.slice(from.length);
  const staying = paths.filter((path) => !under(path, from));
  const stayingFolders = folders.filter((path) => !under(path, from));
  const targets = moved.map((file) => target(file.path));
  for (const [index, path] of targets.entries()) {
    const problem = newPathProblem(path, [...staying, ...targets.slice(0, index)], stayingFolders);
    if (problem) return problem;
  }
  for (const folder of movedFolders) {
    const problem = newFolderProblem(target(folder.path), [...staying, ...targets], stayingFolders);
    if (problem) return problem;
  }
  doc.transact(() => {
    for (const file of moved) {
      const path = target(file.path);
      if (file.id === ENTRY_FILE_ID) doc.getMap(ROOM_DOC.meta).set(META_KEYS.entry, path);
      else if (file.id.startsWith(LEGACY_FILE_ID_PREFIX)) {
        const id = newFileId(doc);
        const text = new Y.Text();
        fileTextsMap(doc).set(id, text);
        filePathsMap(doc).set(id, path);
        text.insert(0, file.text.toString());
        legacyFilesMap(doc).delete(file.id.slice(LEGACY_FILE_ID_PREFIX.length));
      } else filePathsMap(doc).set(file.id, path);
    }
    for (const folder of movedFolders) foldersMap(doc).set(folder.id, target(folder.path));
  }, WORKSPACE_CHANGE);
  return undefined;
}

/** Deletes a file or a folder with everything in it; the entry file cannot be deleted. */
export function deletePath(doc: Y.Doc, path: string): WorkspaceProblem | undefined {
  const { view } = current(doc);
  const moved = view.files.filter((file) => under(file.path, path));
  const movedFolders = view.folders.filter((folder) => under(folder.path, path));
  if (moved.length === 0 && movedFolders.length === 0) return notFound(path);
  if (moved.some((file) => file.id === ENTRY_FILE_ID))
    return { code: 'WORKSPACE_PATH_INVALID', message: `"${view.entry}" is the file a run starts from; it cannot be deleted.` };
  doc.transact(() => {
    for (const file of moved) {
      if (file.id.startsWith(LEGACY_FILE_ID_PREFIX)) legacyFilesMap(doc).delete(file.id.slice(LEGACY_FILE_ID_PREFIX.length));
      else {
        fileTextsMap(doc).delete(file.id);
        filePathsMap(doc).delete(file.id);
      }
    }
    for (const folder of movedFolders) foldersMap(doc).delete(folder.id);
  }, WORKSPACE_CHANGE);
  return undefined;
}

/**
 * The undo manager of file operations: Ctrl+Z in the tree and the "Undo delete" toast undo the last
 * create, rename, move or delete (a deleted file comes back with its content). Typing is not in it.
 */
export function workspaceUndoManager(doc: Y.Doc): Y.UndoManager {
  return new Y.UndoManager([fileTextsMap(doc), filePathsMap(doc), foldersMap(doc), legacyFilesMap(doc), doc.getMap(ROOM_DOC.meta)], {
    trackedOrigins: new Set([WORKSPACE_CHANGE]),
    captureTimeout: 0,
  });
}
