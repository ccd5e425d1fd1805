import { z } from 'zod';
import { LANGUAGES } from './languages';
import type { QuestionDatabase } from './questions';
import { runFilePathProblem, RUN_FILE_LIMITS, utf8Bytes } from './run-file-paths';

/**
 * A run of several files (a workspace): Piston's `files[]`, the entry first, names with folders
 * (`src/util.py`). The rules are the embedded executor's (packages/executor/src/file-paths.ts),
 * checked here too so a bad name is refused before it is queued, in the same words everywhere.
 */

export { RUN_FILE_LIMITS, runFilePathProblem } from './run-file-paths';

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
