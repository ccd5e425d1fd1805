import { z } from 'zod';
import { LANGUAGES } from './languages';
import type { QuestionDatabase } from './questions';

/**
 * A run of several files (a workspace): Piston's `files[]`, the entry first, names with folders
 * (`src/util.py`). The rules are the embedded executor's (packages/executor/src/file-paths.ts),
 * checked here too so a bad name is refused before it is queued, in the same words everywhere.
 */

export const RUN_FILE_LIMITS = Object.freeze({
  /** Files one run sends (the executor's EXECUTOR_MAX_FILES default is 256). */
  files: 128,
  pathBytes: 1024,
  segmentBytes: 255,
  /** Folders deep. */
  depth: 16,
});

const encoder = new TextEncoder();
const utf8Bytes = (value: string) => encoder.encode(value).byteLength;

/** Why `name` is not a relative path inside the run's box, or undefined when it is. */
export function runFilePathProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('/')) return 'is an absolute path';
  if (utf8Bytes(name) > RUN_FILE_LIMITS.pathBytes) return `is longer than ${RUN_FILE_LIMITS.pathBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character';
  const segments = name.split('/');
  if (segments.length > RUN_FILE_LIMITS.depth + 1) return `is more than ${RUN_FILE_LIMITS.depth} folders deep`;
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (utf8Bytes(segment) > RUN_FILE_LIMITS.segmentBytes) return `has a segment longer than ${RUN_FILE_LIMITS.segmentBytes} bytes`;
  }
  if (segments[0] === '.tmp') return 'is in the reserved ".tmp" folder';
  return undefined;
}

export const RunFilePathSchema = z.string().superRefine((name, ctx) => {
  const problem = runFilePathProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be a relative path inside the workspace: "${name.slice(0, 80)}" ${problem}` });
});

export const RunFileSchema = z.strictObject({ name: RunFilePathSchema, content: z.string() });
export type RunFile = z.infer<typeof RunFileSchema>;

/** The files of a run, the entry first; names unique, and no file is another's folder. */
export const RunFilesSchema = z
  .array(RunFileSchema)
  .min(1, 'must hold at least the entry file')
  .max(RUN_FILE_LIMITS.files, `must hold at most ${RUN_FILE_LIMITS.files} files`)
  .superRefine((files, ctx) => {
    const names = new Set<string>();
    for (const [index, file] of files.entries()) {
      if (names.has(file.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${file.name}" appears twice` });
      names.add(file.name);
    }
    for (const [index, file] of files.entries()) {
      const parts = file.name.split('/');
      for (let depth = 1; depth < parts.length; depth++) {
        const folder = parts.slice(0, depth).join('/');
        if (names.has(folder)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${folder}" is a file and a folder` });
      }
    }
  });

/** Bytes of a run's files together, as the run-size limit counts them. */
export function runFilesBytes(files: readonly RunFile[]): number {
  return files.reduce((sum, file) => sum + utf8Bytes(file.content), 0);
}

/** Where a SQL question's database files go in a run: a folder of their own, apart from the candidate's. */
export const QUESTION_DATABASE_FILES = Object.freeze({ schema: 'question/schema.sql', seed: 'question/seed.sql' });

/**
 * The files a run in `language` sends after the entry for the room's question: a SQL language
 * gets the question's schema, then its seed data (the executor runs them, in this order, on a
 * fresh database before the entry); other languages, and questions without a database, none.
 */
export function questionSetupFiles(database: QuestionDatabase | undefined, language: string): RunFile[] {
  const record = LANGUAGES.find((entry) => entry.id === language);
  if (!database || !record || !('sql' in record && record.sql)) return [];
  return [
    { name: QUESTION_DATABASE_FILES.schema, content: database.schema },
    ...(database.seed ? [{ name: QUESTION_DATABASE_FILES.seed, content: database.seed }] : []),
  ];
}
