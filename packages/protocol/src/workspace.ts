/**
 * The room's workspace: its files in the shared document. Zod-free and Yjs-free at run time (the
 * document is typed only), so the backend, the page and the tests read a room's files the same way.
 *
 * Shape (room-shape.ts): the entry file's text is `ROOM_DOC.code`, as in every single-file room;
 * its path is `meta.entry`, else the language's file name (`main.py`). Every further file has a
 * stable id: its `Y.Text` in `ROOM_DOC.fileTexts` and its path in `ROOM_DOC.filePaths`, both by
 * id. A rename or a move sets only the path record, so the text stays the same object: an edit
 * typed into the file while someone renames it is kept, and open editors keep their binding.
 * Folders are implied by the paths, and `ROOM_DOC.folders` holds folders made on their own
 * (empty ones). Rooms stored before ids (`ROOM_DOC.files`, path → Y.Text) are read too.
 * A single-file room has empty maps and looks exactly as before.
 *
 * Paths follow a run's rules (run-file-paths.ts, the executor's): relative, no `.`/`..` or empty
 * segment, no control characters, bounded; unique, and no file is another's folder. Uniqueness is
 * the readers' (readWorkspace): two renames made at once to the same path are both accepted (each
 * author saw the path free), and every reader resolves the clash the same way from the document
 * alone: the entry first, then old-shape files by path, then files by id, each keeps its path
 * when it is free, else takes the first free `name-2.py`, `name-3.py`, … (a file under a path
 * that became a file: `src-2/a.py`). Nothing is lost and every client shows the same workspace.
 */
import type * as Y from 'yjs';
import type { ErrorCode } from './errors';
import { DEFAULT_LANGUAGE, LANGUAGES, isLanguageId, sourceFileName, type LanguageId } from './language-table';
import { META_KEYS, ROOM_DOC } from './room-shape';
import { RUN_FILE_LIMITS, runFilePathProblem, utf8Bytes } from './run-file-paths';
import type { RunFile } from './run-files';

export const WORKSPACE_LIMITS = Object.freeze({
  /** Files a room holds, the entry included: what one run may send. */
  files: RUN_FILE_LIMITS.files,
  /** Text of every file together (UTF-8 bytes of what is added, checked by the server before it applies an update). */
  bytes: 524_288,
  /** Folders made on their own (`ROOM_DOC.folders`). */
  folders: RUN_FILE_LIMITS.files,
});

/** The named refusals of a workspace change (errors.ts). */
export type WorkspaceErrorCode = Extract<
  ErrorCode,
  'WORKSPACE_PATH_INVALID' | 'WORKSPACE_PATH_TAKEN' | 'WORKSPACE_TOO_MANY_FILES' | 'WORKSPACE_TOO_LARGE' | 'WORKSPACE_FILE_NOT_FOUND'
>;
export interface WorkspaceProblem {
  code: WorkspaceErrorCode;
  message: string;
}

/** A value that is a text (a client could write anything; readers skip the rest). */
export function isWorkspaceText(value: unknown): value is Y.Text {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Y.Text).toDelta === 'function' &&
    typeof (value as Y.Text).insert === 'function'
  );
}

/** The id the entry file goes by (its text is `ROOM_DOC.code`, its path `meta.entry`). */
export const ENTRY_FILE_ID = 'entry';
/** How a file of the old shape (`ROOM_DOC.files`, by path) is known to the readers: this + its path. */
export const LEGACY_FILE_ID_PREFIX = 'path:';

/** Why `id` may not name a file or a folder in the workspace's maps, or undefined when it may. */
export function fileIdProblem(id: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return 'is not 1 to 64 letters, digits, "-" or "_"';
  if (id === ENTRY_FILE_ID) return 'is the entry file’s';
  return undefined;
}

/** The old-shape files map (path → Y.Text), read for rooms stored before file ids. */
export function legacyFilesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOM_DOC.files);
}
/** File id → Y.Text. */
export function fileTextsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOM_DOC.fileTexts);
}
/** File id → path. */
export function filePathsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOM_DOC.filePaths);
}
/** Folder id → path (folders made on their own). */
export function foldersMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOM_DOC.folders);
}

/** The entry file's path: `meta.entry` when it is a valid path, else the room language's file name. */
export function entryPath(doc: Y.Doc): string {
  const meta = doc.getMap<unknown>(ROOM_DOC.meta);
  const entry = meta.get(META_KEYS.entry);
  if (typeof entry === 'string' && !runFilePathProblem(entry)) return entry;
  const language = meta.get(META_KEYS.language);
  return sourceFileName(isLanguageId(language) ? language : DEFAULT_LANGUAGE);
}

/** One file of the workspace as the readers resolve it. */
export interface WorkspaceFile {
  /** ENTRY_FILE_ID, LEGACY_FILE_ID_PREFIX + old path, or the file's id in `filePaths`. */
  id: string;
  /** Its path, unique in the workspace (a clash resolved, see the module's comment). */
  path: string;
  /** The path its record holds, when a clash gave it another one. */
  wanted?: string;
  text: Y.Text;
}

/** A folder made on its own. */
export interface WorkspaceFolder {
  id: string;
  path: string;
}

/** The workspace as every reader sees it: the files (the entry first, then by path) and the folders. */
export interface WorkspaceView {
  entry: string;
  files: WorkspaceFile[];
  /** Folders made on their own (at valid paths no file takes), by path. */
  folders: WorkspaceFolder[];
}

/** Paths in the order the tree and a run list them: by folder segments, plain code-unit order. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function prefixes(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** The files and folders placed so far: a new path clashes with a file, a folder, or lies under a file. */
class Placed {
  readonly files = new Set<string>();
  readonly folders = new Set<string>();
  clashes(path: string): boolean {
    return this.files.has(path) || this.folders.has(path) || prefixes(path).some((folder) => this.files.has(folder));
  }
  add(path: string): void {
    this.files.add(path);
    for (const folder of prefixes(path)) this.folders.add(folder);
  }
}

/** `path` with its clashing segment (a folder that is a file, else the name) suffixed `-n`. */
function suffixed(path: string, placed: Placed, n: number): string {
  const parts = path.split('/');
  const fileFolder = prefixes(path).findIndex((folder) => placed.files.has(folder));
  if (fileFolder >= 0) {
    parts[fileFolder] = `${parts[fileFolder]}-${n}`;
    return parts.join('/');
  }
  const name = parts[parts.length - 1]!;
  const dot = name.lastIndexOf('.');
  parts[parts.length - 1] = dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
  return parts.join('/');
}

/** The path a record gets: its own when free, else the first free suffixed one; undefined if none is valid. */
function place(path: string, placed: Placed): string | undefined {
  let candidate = path;
  for (let n = 2; placed.clashes(candidate); n++) {
    if (n > WORKSPACE_LIMITS.files + 2) return undefined;
    candidate = suffixed(path, placed, n);
    if (runFilePathProblem(candidate)) return undefined;
  }
  placed.add(candidate);
  return candidate;
}

/**
 * The workspace of a room document, resolved: every file at a unique valid path (records with an
 * invalid path or a value that is not a text are skipped), folders made on their own.
 */
export function readWorkspace(doc: Y.Doc): WorkspaceView {
  const entry = entryPath(doc);
  const placed = new Placed();
  placed.add(entry);
  const files: WorkspaceFile[] = [{ id: ENTRY_FILE_ID, path: entry, text: doc.getText(ROOM_DOC.code) }];
  const records: { id: string; path: string; text: Y.Text }[] = [];
  const legacy = [...legacyFilesMap(doc).entries()].sort(([a], [b]) => comparePaths(a, b));
  for (const [path, value] of legacy) {
    if (isWorkspaceText(value) && !runFilePathProblem(path)) records.push({ id: LEGACY_FILE_ID_PREFIX + path, path, text: value });
  }
  const texts = fileTextsMap(doc);
  const byId = [...filePathsMap(doc).entries()].sort(([a], [b]) => comparePaths(a, b));
  for (const [id, path] of byId) {
    const text = texts.get(id);
    if (typeof path === 'string' && !runFilePathProblem(path) && isWorkspaceText(text) && !fileIdProblem(id))
      records.push({ id, path, text });
  }
  for (const record of records) {
    const path = place(record.path, placed);
    if (path !== undefined) files.push(path === record.path ? record : { ...record, path, wanted: record.path });
  }
  const folders: WorkspaceFolder[] = [];
  const folderPaths = new Set<string>();
  for (const [id, path] of foldersMap(doc).entries()) {
    if (typeof path !== 'string' || runFilePathProblem(path) || fileIdProblem(id) || folderPaths.has(path)) continue;
    if (placed.files.has(path) || prefixes(path).some((folder) => placed.files.has(folder))) continue;
    folderPaths.add(path);
    folders.push({ id, path });
  }
  files.sort((a, b) => (a.id === ENTRY_FILE_ID ? -1 : b.id === ENTRY_FILE_ID ? 1 : comparePaths(a.path, b.path)));
  folders.sort((a, b) => comparePaths(a.path, b.path));
  return { entry, files, folders };
}

/** Every path of the workspace, the entry first, then by path. */
export function workspacePaths(doc: Y.Doc): string[] {
  return readWorkspace(doc).files.map((file) => file.path);
}

/** The text of the file at `path` (the entry's is `ROOM_DOC.code`), or undefined. */
export function workspaceText(doc: Y.Doc, path: string): Y.Text | undefined {
  return readWorkspace(doc).files.find((file) => file.path === path)?.text;
}

/** True when the room holds more than its one file, or a folder (the tree shows, runs send `files[]`). */
export function isMultiFile(doc: Y.Doc): boolean {
  const view = readWorkspace(doc);
  return view.files.length > 1 || view.folders.length > 0;
}

/** The room's files as a run sends them, the entry first, then the others by path. */
export function workspaceFiles(doc: Y.Doc): RunFile[] {
  return readWorkspace(doc).files.map((file) => ({ name: file.path, content: file.text.toString() }));
}

/** Text length of every file together (UTF-16 code units: O(files), cheap enough per update). */
export function workspaceLength(doc: Y.Doc): number {
  let total = doc.getText(ROOM_DOC.code).length;
  for (const map of [legacyFilesMap(doc), fileTextsMap(doc)])
    for (const value of map.values()) if (isWorkspaceText(value)) total += value.length;
  return total;
}

/** Bytes of `files` together, UTF-8. */
export function workspaceBytes(files: readonly RunFile[]): number {
  return files.reduce((sum, file) => sum + utf8Bytes(file.content), 0);
}

/**
 * Why a file may not be added at `path` beside `existing` (every current path, the entry
 * included) and the folders made on their own, or undefined when it may: the path rules, a path
 * already used, a file that would also be a folder, the file count.
 */
export function newPathProblem(path: string, existing: readonly string[], folders: readonly string[] = []): WorkspaceProblem | undefined {
  const problem = runFilePathProblem(path);
  if (problem) return { code: 'WORKSPACE_PATH_INVALID', message: `The file path "${path.slice(0, 80)}" ${problem}.` };
  for (const other of existing) {
    if (other === path) return { code: 'WORKSPACE_PATH_TAKEN', message: `There is already a file at "${path}".` };
    if (other.startsWith(`${path}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${path}" is a folder of "${other}".` };
    if (path.startsWith(`${other}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${other}" is a file, not a folder.` };
  }
  for (const folder of folders) {
    if (folder === path || folder.startsWith(`${path}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${path}" is a folder.` };
  }
  if (existing.length + 1 > WORKSPACE_LIMITS.files)
    return { code: 'WORKSPACE_TOO_MANY_FILES', message: `A workspace holds at most ${WORKSPACE_LIMITS.files} files.` };
  return undefined;
}

/** Why a folder may not be made at `path` beside the files and folders there are, or undefined when it may. */
export function newFolderProblem(path: string, files: readonly string[], folders: readonly string[]): WorkspaceProblem | undefined {
  const problem = runFilePathProblem(path);
  if (problem) return { code: 'WORKSPACE_PATH_INVALID', message: `The folder path "${path.slice(0, 80)}" ${problem}.` };
  for (const file of files) {
    if (file === path) return { code: 'WORKSPACE_PATH_TAKEN', message: `There is already a file at "${path}".` };
    if (path.startsWith(`${file}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${file}" is a file, not a folder.` };
    if (file.startsWith(`${path}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `There is already a folder "${path}".` };
  }
  if (folders.includes(path)) return { code: 'WORKSPACE_PATH_TAKEN', message: `There is already a folder "${path}".` };
  if (folders.length + 1 > WORKSPACE_LIMITS.folders)
    return {
      code: 'WORKSPACE_TOO_MANY_FILES',
      message: `A workspace holds at most ${WORKSPACE_LIMITS.folders} folders made on their own.`,
    };
  return undefined;
}

/** The folder part of a path ('' at the top). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The file name part of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Extensions beyond each language's own file name (`main.py` gives `.py`). */
const EXTRA_EXTENSIONS: Record<string, LanguageId> = {
  h: 'c',
  hpp: 'c++',
  hh: 'c++',
  cc: 'c++',
  cxx: 'c++',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  tsx: 'typescript',
  mts: 'typescript',
  bash: 'bash',
};

/**
 * The language a file is edited and highlighted as, from its extension (`util.py` → Python), or
 * undefined for a file of no known language (plain text). `.sql` is SQLite's record (same editor).
 */
export function fileLanguage(path: string): (typeof LANGUAGES)[number] | undefined {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = name.slice(dot + 1).toLowerCase();
  const byOwn = LANGUAGES.find((record) => record.fileName.slice(record.fileName.lastIndexOf('.') + 1).toLowerCase() === extension);
  if (byOwn) return byOwn;
  const extra = EXTRA_EXTENSIONS[extension];
  return extra ? LANGUAGES.find((record) => record.id === extra) : undefined;
}
