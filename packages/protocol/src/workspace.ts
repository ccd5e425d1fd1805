/**
 * The room's workspace: its files in the shared document. Zod-free and Yjs-free at run time (the
 * document is typed only), so the backend, the page and the tests read a room's files the same way.
 *
 * Shape (room-shape.ts): the entry file's text is `ROOM_DOC.code`, as in every single-file room;
 * its path is `meta.entry`, else the language's file name (`main.py`). Every further file is a
 * `Y.Text` in the `ROOM_DOC.files` map, by path (`src/util.py`); folders are implied by the paths.
 * A single-file room has an empty map and looks exactly as before.
 *
 * Paths follow a run's rules (run-file-paths.ts, the executor's): relative, no `.`/`..` or empty
 * segment, no control characters, bounded; unique, and no file is another's folder.
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

/** A value of the files map that is a text (a client could write anything; readers skip the rest). */
export function isWorkspaceText(value: unknown): value is Y.Text {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Y.Text).toDelta === 'function' &&
    typeof (value as Y.Text).insert === 'function'
  );
}

/** The files map of a room document (everything but the entry). */
export function workspaceMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ROOM_DOC.files);
}

/** The entry file's path: `meta.entry` when it is a valid path, else the room language's file name. */
export function entryPath(doc: Y.Doc): string {
  const meta = doc.getMap<unknown>(ROOM_DOC.meta);
  const entry = meta.get(META_KEYS.entry);
  if (typeof entry === 'string' && !runFilePathProblem(entry)) return entry;
  const language = meta.get(META_KEYS.language);
  return sourceFileName(isLanguageId(language) ? language : DEFAULT_LANGUAGE);
}

/** Paths of the further files (not the entry), valid ones only, sorted. */
function otherPaths(doc: Y.Doc, entry: string): string[] {
  const paths: string[] = [];
  for (const [path, value] of workspaceMap(doc).entries()) {
    if (path !== entry && isWorkspaceText(value) && !runFilePathProblem(path)) paths.push(path);
  }
  return paths.sort(comparePaths);
}

/** Paths in the order the tree and a run list them: by folder segments, plain code-unit order. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every path of the workspace, the entry first. */
export function workspacePaths(doc: Y.Doc): string[] {
  const entry = entryPath(doc);
  return [entry, ...otherPaths(doc, entry)];
}

/** The text of the file at `path` (the entry's is `ROOM_DOC.code`), or undefined. */
export function workspaceText(doc: Y.Doc, path: string): Y.Text | undefined {
  if (path === entryPath(doc)) return doc.getText(ROOM_DOC.code);
  const value = workspaceMap(doc).get(path);
  return isWorkspaceText(value) && !runFilePathProblem(path) ? value : undefined;
}

/** True when the room holds more than its one file (the tree shows, runs send `files[]`). */
export function isMultiFile(doc: Y.Doc): boolean {
  return workspacePaths(doc).length > 1;
}

/** The room's files as a run sends them, the entry first, then the others by path. */
export function workspaceFiles(doc: Y.Doc): RunFile[] {
  const entry = entryPath(doc);
  return [
    { name: entry, content: doc.getText(ROOM_DOC.code).toString() },
    ...otherPaths(doc, entry).map((name) => ({ name, content: workspaceText(doc, name)!.toString() })),
  ];
}

/** Text length of every file together (UTF-16 code units: O(files), cheap enough per update). */
export function workspaceLength(doc: Y.Doc): number {
  let total = doc.getText(ROOM_DOC.code).length;
  for (const value of workspaceMap(doc).values()) if (isWorkspaceText(value)) total += value.length;
  return total;
}

/** Bytes of `files` together, UTF-8. */
export function workspaceBytes(files: readonly RunFile[]): number {
  return files.reduce((sum, file) => sum + utf8Bytes(file.content), 0);
}

/**
 * Why a file may not be added at `path` beside `existing` (every current path, the entry
 * included), or undefined when it may: the path rules, a path already used, a file that would also
 * be a folder, the file count.
 */
export function newPathProblem(path: string, existing: readonly string[]): WorkspaceProblem | undefined {
  const problem = runFilePathProblem(path);
  if (problem) return { code: 'WORKSPACE_PATH_INVALID', message: `The file path "${path.slice(0, 80)}" ${problem}.` };
  for (const other of existing) {
    if (other === path) return { code: 'WORKSPACE_PATH_TAKEN', message: `There is already a file at "${path}".` };
    if (other.startsWith(`${path}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${path}" is a folder of "${other}".` };
    if (path.startsWith(`${other}/`)) return { code: 'WORKSPACE_PATH_TAKEN', message: `"${other}" is a file, not a folder.` };
  }
  if (existing.length + 1 > WORKSPACE_LIMITS.files)
    return { code: 'WORKSPACE_TOO_MANY_FILES', message: `A workspace holds at most ${WORKSPACE_LIMITS.files} files.` };
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
