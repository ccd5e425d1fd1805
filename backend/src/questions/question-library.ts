import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { QuestionSchema, questionSummary, type Question, type QuestionSummary } from '@pairpad/protocol/questions';

/**
 * The question bank: one Markdown file per question in QUESTIONS_DIR, YAML front matter for the
 * metadata, starters and tests, the body for the description (format: questions/README.md).
 * Loaded once at start; a broken file is reported by file and field and left out.
 */

export interface QuestionProblem {
  file: string;
  problems: string[];
}

/** Largest question file read, bytes: starters for every language plus tests fit well under it. */
const MAX_FILE_BYTES = 1_048_576;
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

export class QuestionLibrary {
  private constructor(
    private readonly byId: ReadonlyMap<string, Question>,
    readonly problems: readonly QuestionProblem[],
  ) {}

  static empty(): QuestionLibrary {
    return new QuestionLibrary(new Map(), []);
  }

  /** Reads every `*.md` of `dir` except README.md; never throws for a bad file. */
  static async load(dir: string): Promise<QuestionLibrary> {
    const byId = new Map<string, Question>();
    const problems: QuestionProblem[] = [];
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md').sort();
    } catch (error) {
      return new QuestionLibrary(byId, [{ file: dir, problems: [`cannot read the folder: ${(error as Error).message}`] }]);
    }
    for (const name of names) {
      const file = path.join(dir, name);
      const parsed = await parseQuestionFile(file);
      if ('problems' in parsed) {
        problems.push({ file: name, problems: parsed.problems });
      } else if (byId.has(parsed.question.id)) {
        problems.push({ file: name, problems: [`id "${parsed.question.id}" is already used by another file`] });
      } else {
        byId.set(parsed.question.id, parsed.question);
      }
    }
    return new QuestionLibrary(byId, problems);
  }

  list(): QuestionSummary[] {
    return [...this.byId.values()].map(questionSummary);
  }

  get(id: string): Question | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** One file → a valid question, or what is wrong with it (field paths included). */
export async function parseQuestionFile(file: string): Promise<{ question: Question } | { problems: string[] }> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { problems: ['not a regular file'] };
    if (stat.size > MAX_FILE_BYTES) return { problems: [`larger than ${MAX_FILE_BYTES} bytes`] };
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    return { problems: [`cannot read: ${(error as Error).message}`] };
  }
  const match = FRONT_MATTER.exec(text);
  if (!match) return { problems: ['no front matter: the file must start with a --- block of YAML'] };
  let meta: unknown;
  try {
    // Plain data only: no custom tags, no aliases blowing up (maxAliasCount).
    meta = parseYaml(match[1] ?? '', { maxAliasCount: 100, customTags: [] });
  } catch (error) {
    return { problems: [`front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return { problems: ['front matter must be a YAML mapping'] };
  const id = path.basename(file, '.md');
  const result = QuestionSchema.safeParse({ id, ...(meta as Record<string, unknown>), description: (match[2] ?? '').trim() });
  if (!result.success) return { problems: result.error.issues.map(describeIssue) };
  return { question: result.data };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** The questions/ folder shipped with PairPad, found from this module (source or bundle). */
export function builtInQuestionsDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = path.join(dir, 'questions');
    if (existsSync(path.join(candidate, 'README.md'))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}
