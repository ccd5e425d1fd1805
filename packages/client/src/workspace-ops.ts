import * as Y from 'yjs';
import { META_KEYS, ROOM_DOC } from '@pairpad/protocol/room-shape';
import { entryPath, newPathProblem, workspaceMap, workspacePaths, workspaceText, type WorkspaceProblem } from '@pairpad/protocol/workspace';

/**
 * A change of the workspace's files (create, rename, move, delete): the origin of its one
 * transaction, so the tree's undo manager tracks file operations and not typing.
 */
export const WORKSPACE_CHANGE = Object.freeze({ kind: 'workspace-change' as const });

function notFound(path: string): WorkspaceProblem {
  return { code: 'WORKSPACE_FILE_NOT_FOUND', message: `There is no file at "${path}".` };
}

/** Adds a file at `path` (one transaction of origin WORKSPACE_CHANGE); the problem when it may not. */
export function createFile(doc: Y.Doc, path: string, content = ''): WorkspaceProblem | undefined {
  const problem = newPathProblem(path, workspacePaths(doc));
  if (problem) return problem;
  doc.transact(() => {
    const text = new Y.Text();
    workspaceMap(doc).set(path, text);
    if (content) text.insert(0, content);
  }, WORKSPACE_CHANGE);
  return undefined;
}

/** The paths a rename of `from` moves: the file itself, or every file under the folder `from`. */
function movedPaths(paths: readonly string[], from: string): string[] {
  return paths.filter((path) => path === from || path.startsWith(`${from}/`));
}

/**
 * Renames or moves a file, or a folder with everything in it (`src` → `lib` moves `src/a.py` to
 * `lib/a.py`). A Y.Text cannot change its key, so a moved file is a new text with the old one's
 * content; the entry stays `ROOM_DOC.code` and only its path (`meta.entry`) changes.
 */
export function renamePath(doc: Y.Doc, from: string, to: string): WorkspaceProblem | undefined {
  const paths = workspacePaths(doc);
  const moved = movedPaths(paths, from);
  if (moved.length === 0) return notFound(from);
  if (to === from) return undefined;
  const staying = paths.filter((path) => !moved.includes(path));
  const targets = moved.map((path) => to + path.slice(from.length));
  for (const [index, target] of targets.entries()) {
    const problem = newPathProblem(target, [...staying, ...targets.slice(0, index)]);
    if (problem) return problem;
  }
  const entry = entryPath(doc);
  doc.transact(() => {
    const files = workspaceMap(doc);
    for (const [index, path] of moved.entries()) {
      const target = targets[index]!;
      if (path === entry) {
        doc.getMap(ROOM_DOC.meta).set(META_KEYS.entry, target);
        continue;
      }
      const content = workspaceText(doc, path)!.toString();
      files.delete(path);
      const text = new Y.Text();
      files.set(target, text);
      text.insert(0, content);
    }
  }, WORKSPACE_CHANGE);
  return undefined;
}

/** Deletes a file or a folder with everything in it; the entry file cannot be deleted. */
export function deletePath(doc: Y.Doc, path: string): WorkspaceProblem | undefined {
  const entry = entryPath(doc);
  const moved = movedPaths(workspacePaths(doc), path);
  if (moved.length === 0) return notFound(path);
  if (moved.includes(entry))
    return { code: 'WORKSPACE_PATH_INVALID', message: `"${entry}" is the file a run starts from; it cannot be deleted.` };
  doc.transact(() => {
    for (const target of moved) workspaceMap(doc).delete(target);
  }, WORKSPACE_CHANGE);
  return undefined;
}

/**
 * The undo manager of file operations: Ctrl+Z in the tree and the "Undo delete" toast undo the last
 * create, rename, move or delete (a deleted file comes back with its content). Typing is not in it.
 */
export function workspaceUndoManager(doc: Y.Doc): Y.UndoManager {
  return new Y.UndoManager([workspaceMap(doc), doc.getMap(ROOM_DOC.meta)], {
    trackedOrigins: new Set([WORKSPACE_CHANGE]),
    captureTimeout: 0,
  });
}
