import { z } from 'zod';
import { LanguageIdSchema } from './languages';
import { PREVIEW_TEMPLATES } from './preview-templates';
import { RubricSchema } from './scorecards';
import { runFilePathProblem } from './run-file-paths';
import { WORKSPACE_LIMITS } from './workspace';

/**
 * Questions and their test cases, as files in QUESTIONS_DIR (see questions/README.md) and as
 * the room receives them. Sizes are bounded here; the per-room count is configuration.
 */

/**
 * How a case's actual output is compared with the expected one. `unordered`: the same lines in
 * any order (as `trim` reads lines), for result sets whose query has no ORDER BY.
 */
export const COMPARE_MODES = ['exact', 'trim', 'tokens', 'float', 'unordered'] as const;
export const CompareModeSchema = z.enum(COMPARE_MODES, { error: () => `compare must be one of: ${COMPARE_MODES.join(', ')}` });
export type CompareMode = z.infer<typeof CompareModeSchema>;

/** Bytes of one case's stdin, of its expected output, and of one starter or description. */
export const TEST_CASE_LIMITS = Object.freeze({ stdinBytes: 65_536, expectedBytes: 65_536, argBytes: 4096, args: 32, nameLength: 120 });
export const QUESTION_LIMITS = Object.freeze({
  descriptionBytes: 65_536,
  starterBytes: 65_536,
  titleLength: 200,
  tags: 16,
  /** Of a SQL question's schema, and of its seed data. */
  databaseBytes: 262_144,
});

// TextEncoder, not Buffer: the page validates test cases with these schemas too.
const encoder = new TextEncoder();
const utf8Bytes = (value: string) => encoder.encode(value).byteLength;
const boundedText = (max: number, what: string) =>
  z.string().refine((value) => utf8Bytes(value) <= max, { message: `${what} is larger than ${max} bytes` });

export const TestCaseSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(TEST_CASE_LIMITS.nameLength),
    stdin: boundedText(TEST_CASE_LIMITS.stdinBytes, 'stdin').default(''),
    args: z.array(boundedText(TEST_CASE_LIMITS.argBytes, 'an argument')).max(TEST_CASE_LIMITS.args).default([]),
    expected: boundedText(TEST_CASE_LIMITS.expectedBytes, 'expected output'),
    compare: CompareModeSchema.default('trim'),
    /** Absolute tolerance for `float`. */
    tolerance: z.number().positive().max(1).default(1e-6),
    /** Run time limit of this case, ms (within the executor's maximum). */
    timeLimitMs: z.number().int().positive().max(60_000).optional(),
    /** Hidden cases: input and expected output reach interviewers only. */
    hidden: z.boolean().default(false),
  })
  .strict();
export type TestCase = z.infer<typeof TestCaseSchema>;

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/**
 * A SQL question's database: its schema (CREATE statements) and seed data (INSERTs), run before
 * the candidate's query in every run and test run of a SQL language, each run on a fresh
 * database. Not secret: every participant sees them (the candidate writes queries against them).
 */
export const QuestionDatabaseSchema = z
  .object({
    schema: boundedText(QUESTION_LIMITS.databaseBytes, 'database.schema'),
    seed: boundedText(QUESTION_LIMITS.databaseBytes, 'database.seed').default(''),
  })
  .strict();
export type QuestionDatabase = z.infer<typeof QuestionDatabaseSchema>;

/** One language's further files of a question: paths as a run's, at most a workspace's count beside the entry. */
export const QuestionFilesSchema = z.record(z.string(), boundedText(QUESTION_LIMITS.starterBytes, 'file')).superRefine((files, ctx) => {
  const paths = Object.keys(files);
  if (paths.length >= WORKSPACE_LIMITS.files)
    ctx.addIssue({ code: 'custom', message: `at most ${WORKSPACE_LIMITS.files - 1} files beside the starter` });
  for (const path of paths) {
    const problem = runFilePathProblem(path);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: [path],
        message: `must be a relative path inside the workspace: "${path.slice(0, 80)}" ${problem}`,
      });
  }
});

const TEMPLATE_IDS = PREVIEW_TEMPLATES.map((template) => template.id) as [string, ...string[]];

/** A question's project template: one PairPad ships (templates/<id>/), named in words when not. */
export const QuestionTemplateSchema = z.enum(TEMPLATE_IDS, {
  error: (issue) => `PREVIEW_TEMPLATE_UNKNOWN: no preview template ${JSON.stringify(issue.input)} (known: ${TEMPLATE_IDS.join(', ')})`,
});

export const QuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'id must be lowercase letters, digits and dashes (at most 64)'),
    title: z.string().trim().min(1, 'title is required').max(QUESTION_LIMITS.titleLength),
    difficulty: z.enum(DIFFICULTIES, { error: () => `difficulty must be one of: ${DIFFICULTIES.join(', ')}` }),
    tags: z.array(z.string().trim().min(1).max(40)).max(QUESTION_LIMITS.tags).default([]),
    description: boundedText(QUESTION_LIMITS.descriptionBytes, 'description'),
    /** Starter code per PairPad language id. */
    starters: z.partialRecord(LanguageIdSchema, boundedText(QUESTION_LIMITS.starterBytes, 'starter code')).default({}),
    tests: z.array(TestCaseSchema).default([]),
    /** SQL questions: the schema and seed data every run starts from (a fresh database each run). */
    database: QuestionDatabaseSchema.optional(),
    /**
     * Further files per language, by path (`src/util.py`), beside the starter (the entry): they
     * seed the room's workspace when the question is loaded. Never sent as part of the question.
     */
    files: z.partialRecord(LanguageIdSchema, QuestionFilesSchema).default({}),
    /**
     * A project template (`react-vite`, `node-express`, `python-flask`): a room created from the
     * question is laid out as the template's workspace (its own `files` on top) and its Preview
     * starts that template.
     */
    template: QuestionTemplateSchema.optional(),
    /** Reference solutions: checked by the project's own tests, never sent to a room. */
    solutions: z.partialRecord(LanguageIdSchema, boundedText(QUESTION_LIMITS.starterBytes, 'solution')).default({}),
    /** How interviewers score it; without one, the team's default rubric. Never sent to a room. */
    rubric: RubricSchema.optional(),
  })
  .strict();
export type Question = z.infer<typeof QuestionSchema>;

/** What any participant may see of a case: hidden ones keep only their name. */
export interface PublicTestCase {
  name: string;
  hidden: boolean;
  stdin?: string;
  args?: string[];
  expected?: string;
  compare: CompareMode;
}

export function publicTestCase(testCase: TestCase): PublicTestCase {
  if (testCase.hidden) return { name: testCase.name, hidden: true, compare: testCase.compare };
  return {
    name: testCase.name,
    hidden: false,
    stdin: testCase.stdin,
    args: testCase.args,
    expected: testCase.expected,
    compare: testCase.compare,
  };
}

/** A question as the picker lists it (no tests' content, no solutions). */
export interface QuestionSummary {
  id: string;
  title: string;
  difficulty: Question['difficulty'];
  tags: string[];
  languages: string[];
  testCount: number;
  hiddenTestCount: number;
}

export function questionSummary(question: Question): QuestionSummary {
  return {
    id: question.id,
    title: question.title,
    difficulty: question.difficulty,
    tags: question.tags,
    languages: Object.keys(question.starters),
    testCount: question.tests.length,
    hiddenTestCount: question.tests.filter((test) => test.hidden).length,
  };
}
