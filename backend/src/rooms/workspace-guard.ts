import * as Y from 'yjs';
import {
  META_KEYS,
  ROOM_DOC,
  WORKSPACE_LIMITS,
  fileIdProblem,
  filePathsMap,
  fileTextsMap,
  foldersMap,
  isWorkspaceText,
  legacyFilesMap,
  workspaceLength,
  type WorkspaceProblem,
} from '@pairpad/protocol';
import { runFilePathProblem, utf8Bytes } from '@pairpad/protocol/run-file-paths';

/** The maps of the workspace's shape, by root name. */
const SHAPE_ROOTS = [ROOM_DOC.files, ROOM_DOC.fileTexts, ROOM_DOC.filePaths, ROOM_DOC.folders] as const;
type ShapeRoot = (typeof SHAPE_ROOTS)[number];

/** What an update does to the workspace's shape: keys it writes (with the value written) and keys it deletes, per map; the entry moved. */
export interface WorkspaceChange {
  /** Per shape map: key → the value written (a Y.Text for a text, a string for a path, else what it is). */
  written: Map<ShapeRoot, Map<string, unknown>>;
  removed: Map<ShapeRoot, Set<string>>;
  /** The entry's new path, when the update sets `meta.entry`. */
  entry?: unknown;
  /** UTF-8 bytes of text the update inserts, anywhere in the document. */
  insertedBytes: number;
}

type Key = { root: string; key: string };

function rootOf(doc: Y.Doc, parent: Y.AbstractType<unknown>): string | undefined {
  for (const root of [...SHAPE_ROOTS, ROOM_DOC.meta]) if (parent === doc.getMap(root)) return root;
  return undefined;
}

/**
 * The map key an item of the update writes: a first write names its parent and key; a write over
 * an existing key names only its origin (the item it replaces), found in the update or the document.
 */
function keyOf(item: Y.Item, doc: Y.Doc, own: Map<string, Y.Item>, depth = 0): Key | undefined {
  if (typeof item.parent === 'string' && item.parentSub !== null) return { root: item.parent, key: item.parentSub };
  if (item.parent !== null || item.origin === null || depth > 8) return undefined;
  const origin = item.origin;
  const inUpdate = own.get(`${origin.client}:${origin.clock}`);
  if (inUpdate) return keyOf(inUpdate, doc, own, depth + 1);
  if (origin.clock >= Y.getState(doc.store, origin.client)) return undefined;
  const stored = Y.getItem(doc.store, origin) as Y.Item | Y.GC;
  if (!(stored instanceof Y.Item) || stored.parentSub === null || !(stored.parent instanceof Y.AbstractType)) return undefined;
  const root = rootOf(doc, stored.parent);
  return root ? { root, key: stored.parentSub } : undefined;
}

function valueOf(content: unknown): unknown {
  if (content instanceof Y.ContentType) return content.type;
  if (content instanceof Y.ContentAny) return content.arr[0];
  return content;
}

/** Reads, without applying it, what `update` would change in `doc`'s workspace. */
export function workspaceChange(doc: Y.Doc, update: Uint8Array): WorkspaceChange {
  const { structs, ds } = Y.decodeUpdate(update);
  const own = new Map<string, Y.Item>();
  for (const struct of structs) if (struct instanceof Y.Item) own.set(`${struct.id.client}:${struct.id.clock}`, struct);
  const change: WorkspaceChange = { written: new Map(), removed: new Map(), insertedBytes: 0 };
  for (const root of SHAPE_ROOTS) {
    change.written.set(root, new Map());
    change.removed.set(root, new Set());
  }
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    // Already in the document (a SyncStep2 repeats what the server has): nothing new.
    if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
    if (struct.content instanceof Y.ContentString) change.insertedBytes += utf8Bytes(struct.content.str);
    if (struct.parentSub === null && struct.origin === null) continue;
    const key = keyOf(struct, doc, own);
    if (!key) continue;
    const written = change.written.get(key.root as ShapeRoot);
    if (written) written.set(key.key, valueOf(struct.content));
    else if (key.root === ROOM_DOC.meta && key.key === META_KEYS.entry && struct.content instanceof Y.ContentAny) {
      change.entry = struct.content.arr[0];
    }
  }
  for (const root of SHAPE_ROOTS) {
    for (const [key, item] of doc.getMap(root)._map) {
      if (!item.deleted && Y.isDeleted(ds, item.id)) change.removed.get(root)!.add(key);
    }
  }
  return change;
}

/** True when the update touches the workspace's shape (a file or folder added, removed, renamed; the entry moved). */
export function changesWorkspace(change: WorkspaceChange): boolean {
  return (
    change.entry !== undefined ||
    [...change.written.values()].some((map) => map.size > 0) ||
    [...change.removed.values()].some((set) => set.size > 0)
  );
}

const invalid = (message: string): WorkspaceProblem => ({ code: 'WORKSPACE_PATH_INVALID', message });

/** Keys of `map` once the change is applied. */
function keysAfter(map: Y.Map<unknown>, written: Map<string, unknown>, removed: Set<string>): Set<string> {
  const keys = new Set([...map.keys()].filter((key) => !removed.has(key)));
  for (const key of written.keys()) keys.add(key);
  return keys;
}

/**
 * Why `update` may not be applied to `doc`'s workspace, or undefined when it may: every text it
 * writes is a Y.Text under a valid id; every path (a file's, a folder's, the entry's) is a valid
 * path string under a valid id; nothing is added to the old-shape map; the files and the folders
 * stay within their counts; the text stays within WORKSPACE_LIMITS.bytes once the room has
 * several files (a single-file room keeps only the document's own limit, as before).
 *
 * Two files at the same path (or one under the other) are not refused here: a rename made at once
 * with another one to the same path is legitimate (each author saw it free), and the readers
 * resolve every clash the same way (workspace.ts, readWorkspace); the client's operations refuse
 * a path they can see taken (WORKSPACE_PATH_TAKEN).
 */
export function workspaceProblem(doc: Y.Doc, change: WorkspaceChange): WorkspaceProblem | undefined {
  if (change.entry !== undefined && (typeof change.entry !== 'string' || runFilePathProblem(change.entry)))
    return invalid(`The entry file's path "${String(change.entry).slice(0, 80)}" is not a valid path.`);
  const legacyAdded = change.written.get(ROOM_DOC.files)!;
  if (legacyAdded.size > 0)
    return invalid(`Files are added by id (fileTexts/filePaths), not by path: "${[...legacyAdded.keys()][0]!.slice(0, 80)}".`);
  for (const [id, value] of change.written.get(ROOM_DOC.fileTexts)!) {
    const idProblem = fileIdProblem(id);
    if (idProblem) return invalid(`The file id "${id.slice(0, 80)}" ${idProblem}.`);
    if (!isWorkspaceText(value)) return invalid(`The workspace file "${id}" must be a text.`);
  }
  for (const root of [ROOM_DOC.filePaths, ROOM_DOC.folders] as const) {
    for (const [id, value] of change.written.get(root)!) {
      const idProblem = fileIdProblem(id);
      if (idProblem) return invalid(`The id "${id.slice(0, 80)}" ${idProblem}.`);
      if (typeof value !== 'string') return invalid(`The path of "${id}" must be a string.`);
      const problem = runFilePathProblem(value);
      if (problem) return invalid(`The ${root === ROOM_DOC.folders ? 'folder' : 'file'} path "${value.slice(0, 80)}" ${problem}.`);
    }
  }
  const fileCount =
    1 +
    keysAfter(legacyFilesMap(doc), new Map(), change.removed.get(ROOM_DOC.files)!).size +
    keysAfter(filePathsMap(doc), change.written.get(ROOM_DOC.filePaths)!, change.removed.get(ROOM_DOC.filePaths)!).size;
  if (fileCount > WORKSPACE_LIMITS.files && change.written.get(ROOM_DOC.filePaths)!.size > 0)
    return { code: 'WORKSPACE_TOO_MANY_FILES', message: `A workspace holds at most ${WORKSPACE_LIMITS.files} files.` };
  const texts = keysAfter(fileTextsMap(doc), change.written.get(ROOM_DOC.fileTexts)!, change.removed.get(ROOM_DOC.fileTexts)!).size;
  if (texts + 1 > WORKSPACE_LIMITS.files && change.written.get(ROOM_DOC.fileTexts)!.size > 0)
    return { code: 'WORKSPACE_TOO_MANY_FILES', message: `A workspace holds at most ${WORKSPACE_LIMITS.files} files.` };
  const folders = keysAfter(foldersMap(doc), change.written.get(ROOM_DOC.folders)!, change.removed.get(ROOM_DOC.folders)!).size;
  if (folders > WORKSPACE_LIMITS.folders && change.written.get(ROOM_DOC.folders)!.size > 0)
    return {
      code: 'WORKSPACE_TOO_MANY_FILES',
      message: `A workspace holds at most ${WORKSPACE_LIMITS.folders} folders made on their own.`,
    };
  const multiFile = SHAPE_ROOTS.some((root) => doc.getMap(root).size > 0 || change.written.get(root)!.size > 0);
  if (multiFile && change.insertedBytes > 0 && workspaceLength(doc) + change.insertedBytes > WORKSPACE_LIMITS.bytes)
    return { code: 'WORKSPACE_TOO_LARGE', message: `A workspace holds at most ${WORKSPACE_LIMITS.bytes} bytes of text.` };
  return undefined;
}

/**
 * After any update, whoever wrote it (another node, the server): entries no reader may meet are
 * removed (a text that is not one, a path that is not a valid path string, a bad id). Returns the
 * keys it removed, `root/key`.
 */
export function removeInvalidFiles(doc: Y.Doc): string[] {
  const removed: string[] = [];
  const sweep = (map: Y.Map<unknown>, root: string, bad: (key: string, value: unknown) => boolean) => {
    for (const [key, value] of [...map.entries()]) {
      if (!bad(key, value)) continue;
      map.delete(key);
      removed.push(`${root}/${key}`);
    }
  };
  const badPath = (id: string, value: unknown) =>
    Boolean(fileIdProblem(id)) || typeof value !== 'string' || Boolean(runFilePathProblem(value));
  sweep(legacyFilesMap(doc), ROOM_DOC.files, (path, value) => !isWorkspaceText(value) || Boolean(runFilePathProblem(path)));
  sweep(fileTextsMap(doc), ROOM_DOC.fileTexts, (id, value) => Boolean(fileIdProblem(id)) || !isWorkspaceText(value));
  sweep(filePathsMap(doc), ROOM_DOC.filePaths, badPath);
  sweep(foldersMap(doc), ROOM_DOC.folders, badPath);
  return removed;
}
