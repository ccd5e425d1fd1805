import * as Y from 'yjs';
import {
  META_KEYS,
  ROOM_DOC,
  WORKSPACE_LIMITS,
  entryPath,
  isWorkspaceText,
  newPathProblem,
  workspaceLength,
  workspaceMap,
  workspacePaths,
  type WorkspaceProblem,
} from '@pairpad/protocol';
import { runFilePathProblem, utf8Bytes } from '@pairpad/protocol/run-file-paths';

/** What an update does to the workspace's shape: files added (with whether each is a text), removed, the entry moved. */
export interface WorkspaceChange {
  added: Map<string, boolean>;
  removed: Set<string>;
  /** The entry's new path, when the update sets `meta.entry`. */
  entry?: unknown;
  /** UTF-8 bytes of text the update inserts, anywhere in the document. */
  insertedBytes: number;
}

type Key = { root: string; key: string };

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
  if (stored.parent === workspaceMap(doc)) return { root: ROOM_DOC.files, key: stored.parentSub };
  if (stored.parent === doc.getMap(ROOM_DOC.meta)) return { root: ROOM_DOC.meta, key: stored.parentSub };
  return undefined;
}

/** Reads, without applying it, what `update` would change in `doc`'s workspace. */
export function workspaceChange(doc: Y.Doc, update: Uint8Array): WorkspaceChange {
  const { structs, ds } = Y.decodeUpdate(update);
  const own = new Map<string, Y.Item>();
  for (const struct of structs) if (struct instanceof Y.Item) own.set(`${struct.id.client}:${struct.id.clock}`, struct);
  const change: WorkspaceChange = { added: new Map(), removed: new Set(), insertedBytes: 0 };
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    // Already in the document (a SyncStep2 repeats what the server has): nothing new.
    if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
    if (struct.content instanceof Y.ContentString) change.insertedBytes += utf8Bytes(struct.content.str);
    if (struct.parentSub === null && struct.origin === null) continue;
    const key = keyOf(struct, doc, own);
    if (!key) continue;
    if (key.root === ROOM_DOC.files) {
      const isText = struct.content instanceof Y.ContentType && isWorkspaceText(struct.content.type);
      change.added.set(key.key, (change.added.get(key.key) ?? true) && isText);
    } else if (key.root === ROOM_DOC.meta && key.key === META_KEYS.entry && struct.content instanceof Y.ContentAny) {
      change.entry = struct.content.arr[0];
    }
  }
  const files = workspaceMap(doc);
  for (const [path, item] of files._map) {
    if (!item.deleted && Y.isDeleted(ds, item.id)) change.removed.add(path);
  }
  return change;
}

/** True when the update touches the workspace's shape (a file added, removed or renamed, the entry moved). */
export function changesWorkspace(change: WorkspaceChange): boolean {
  return change.added.size > 0 || change.removed.size > 0 || change.entry !== undefined;
}

/**
 * Why `update` may not be applied to `doc`'s workspace, or undefined when it may: every file it
 * adds is a text at a valid, free path, within the file count; the entry's new path too; the text
 * stays within WORKSPACE_LIMITS.bytes once the room has several files (a single-file room keeps
 * only the document's own limit, as before).
 */
export function workspaceProblem(doc: Y.Doc, change: WorkspaceChange): WorkspaceProblem | undefined {
  const files = workspaceMap(doc);
  const oldEntry = entryPath(doc);
  let paths = workspacePaths(doc).filter((path) => !change.removed.has(path) && !change.added.has(path));
  if (change.entry !== undefined) {
    if (typeof change.entry !== 'string' || runFilePathProblem(change.entry))
      return {
        code: 'WORKSPACE_PATH_INVALID',
        message: `The entry file's path "${String(change.entry).slice(0, 80)}" is not a valid path.`,
      };
    const others = paths.filter((path) => path !== oldEntry);
    const problem = newPathProblem(change.entry, others);
    if (problem) return problem;
    paths = [change.entry, ...others];
  }
  for (const [path, isText] of change.added) {
    if (!isText) return { code: 'WORKSPACE_PATH_INVALID', message: `The workspace entry "${path.slice(0, 80)}" must be a text file.` };
    const problem = newPathProblem(path, paths);
    if (problem) return problem;
    paths.push(path);
  }
  const multiFile = files.size > 0 || change.added.size > 0;
  if (multiFile && change.insertedBytes > 0 && workspaceLength(doc) + change.insertedBytes > WORKSPACE_LIMITS.bytes)
    return { code: 'WORKSPACE_TOO_LARGE', message: `A workspace holds at most ${WORKSPACE_LIMITS.bytes} bytes of text.` };
  return undefined;
}

/**
 * After any update, whoever wrote it (another node, the server): entries that are not texts at
 * valid paths are removed, so no reader meets them. Returns the paths it removed.
 */
export function removeInvalidFiles(doc: Y.Doc): string[] {
  const files = workspaceMap(doc);
  const bad = [...files.entries()].filter(([path, value]) => !isWorkspaceText(value) || runFilePathProblem(path)).map(([path]) => path);
  for (const path of bad) files.delete(path);
  return bad;
}
