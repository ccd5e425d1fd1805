import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { RunLifecycle } from './execution';
import type { LanguageId } from './languages';
import {
  QUESTION_LIMITS,
  QuestionSchema,
  TestCaseSchema,
  publicTestCase,
  type CompareMode,
  type QuestionDatabase,
  type TestCase,
} from './questions';
import type { Role } from './realtime';

/**
 * The question of a room (its description, starters and test cases) and its test runs, as they
 * travel over the socket. The full cases, hidden ones included, live in the server-only
 * interview document; every participant receives the view for their role, made on the server
 * per connection: a candidate never receives a hidden case's input, expected or actual output.
 */

/**
 * Test runs a room keeps in full (the timeline keeps every run's summary). With the caps below a
 * room's kept results stay bounded (they live in the replicated interview state).
 */
export const TEST_RUN_HISTORY_LIMIT = 10;
/** Characters of a case's actual output (and stderr, and expected output) kept in its result; the comparison sees all of it. */
export const MAX_ACTUAL_OUTPUT_CHARS = 8192;
/** Characters of a case's input repeated in its result. */
export const MAX_RESULT_INPUT_CHARS = 4096;

export const QuestionIdSchema = QuestionSchema.shape.id;

/** `question:load` (interviewer only): the bank question to load into the room. */
export const LoadQuestionSchema = z.strictObject({ questionId: QuestionIdSchema });

/**
 * `question:edit` (interviewer only): the room's own title, description and cases, written in
 * the room. Each field given replaces the room's; the ones left out stay.
 */
export const EditQuestionSchema = z
  .strictObject({
    title: z.string().trim().max(QUESTION_LIMITS.titleLength).nullable().optional(),
    description: QuestionSchema.shape.description.optional(),
    tests: z.array(TestCaseSchema).optional(),
    starters: QuestionSchema.shape.starters.unwrap().optional(),
  })
  .refine((edit) => Object.values(edit).some((value) => value !== undefined), {
    message: 'give at least one of title, description, tests, starters',
  });
/** What a client sends. */
export type EditQuestion = z.input<typeof EditQuestionSchema>;
/** What the server's handler receives (defaults applied to each case). */
export type ParsedEditQuestion = z.output<typeof EditQuestionSchema>;

/** `tests:run`: no fields; the room's code, language and cases are used. */
export const RunTestsSchema = z.strictObject({});

/** A case as one participant sees it: a candidate gets a hidden case's name only. */
export interface TestCaseView {
  name: string;
  hidden: boolean;
  compare: CompareMode;
  stdin?: string;
  args?: string[];
  expected?: string;
  tolerance?: number;
  timeLimitMs?: number;
}

/** `question:state`: the room's question, sent at join and on every change. */
export interface RoomQuestionView {
  /** The bank question it came from, if any. */
  questionId: string | null;
  title: string | null;
  /** Markdown; rendered as text-safe HTML by the page (no raw HTML). */
  description: string;
  starters: Partial<Record<LanguageId, string>>;
  tests: TestCaseView[];
  /** A SQL question's schema and seed data (every run starts from them); absent otherwise. */
  database?: QuestionDatabase;
  /** The question's project template (its Preview starts it); absent otherwise. */
  template?: string;
  /** Hidden cases in the room (a candidate sees their names, never their content). */
  hiddenCount: number;
  /** Who changed it last, and when (server clock); null before anything was set. */
  updatedBy: string | null;
  updatedAt: number | null;
}

/** The room's question as stored in the interview document (full cases). */
export interface StoredRoomQuestion {
  questionId: string | null;
  title: string | null;
  description: string;
  starters: Partial<Record<LanguageId, string>>;
  tests: TestCase[];
  /** A SQL question's schema and seed data; absent for the others. */
  database?: QuestionDatabase;
  /** The question's project template; absent for the others. */
  template?: string;
  updatedBy: string | null;
  updatedAt: number | null;
}

export const EMPTY_ROOM_QUESTION: StoredRoomQuestion = Object.freeze({
  questionId: null,
  title: null,
  description: '',
  starters: {},
  tests: [],
  updatedBy: null,
  updatedAt: null,
});

/**
 * What a candidate is told of a hidden case: its place in the list ("hidden case 3"), never its
 * name, which can give the edge case away ("empty input", "negative numbers").
 */
export function hiddenCaseLabel(index: number): string {
  return `hidden case ${index + 1}`;
}

export function viewTestCase(testCase: TestCase, role: Role, index: number): TestCaseView {
  if (role !== 'interviewer')
    return testCase.hidden ? { name: hiddenCaseLabel(index), hidden: true, compare: testCase.compare } : publicTestCase(testCase);
  return {
    name: testCase.name,
    hidden: testCase.hidden,
    compare: testCase.compare,
    stdin: testCase.stdin,
    args: testCase.args,
    expected: testCase.expected,
    tolerance: testCase.tolerance,
    ...(testCase.timeLimitMs !== undefined ? { timeLimitMs: testCase.timeLimitMs } : {}),
  };
}

export function viewRoomQuestion(question: StoredRoomQuestion, role: Role): RoomQuestionView {
  return {
    questionId: question.questionId,
    title: question.title,
    description: question.description,
    starters: { ...question.starters },
    tests: question.tests.map((testCase, index) => viewTestCase(testCase, role, index)),
    hiddenCount: question.tests.filter((testCase) => testCase.hidden).length,
    ...(question.database ? { database: { ...question.database } } : {}),
    ...(question.template ? { template: question.template } : {}),
    updatedBy: question.updatedBy,
    updatedAt: question.updatedAt,
  };
}

/** A view made for `role` again (idempotent): the transport's defence in depth. */
export function redactQuestionView(view: RoomQuestionView, role: Role): RoomQuestionView {
  if (role === 'interviewer') return view;
  return {
    ...view,
    tests: view.tests.map((testCase, index) =>
      testCase.hidden ? { name: hiddenCaseLabel(index), hidden: true, compare: testCase.compare } : testCase,
    ),
  };
}

/** What happened to one case. `error`: it did not run to an answer (compile error, time limit, crash). */
export const CASE_VERDICTS = ['pending', 'passed', 'failed', 'error'] as const;
export type CaseVerdict = (typeof CASE_VERDICTS)[number];

/** One case of a test run. A candidate's view of a hidden case keeps `hidden`, `verdict` and a `name` that is only its place ("hidden case 3"). */
export interface TestCaseResult {
  name: string;
  hidden: boolean;
  verdict: CaseVerdict;
  /** In words: "Passed", "Wrong answer: line 2 differs", "Time limit exceeded", "Runtime error (exit code 1)". */
  statusText?: string;
  /** Wall time of the run, ms. */
  timeMs?: number | null;
  /** Peak memory, bytes. */
  memory?: number | null;
  stdin?: string;
  args?: string[];
  expected?: string;
  compare?: CompareMode;
  /** The program's stdout (cut at MAX_ACTUAL_OUTPUT_CHARS; `actualTruncated` says so). */
  actual?: string;
  actualTruncated?: boolean;
  /** The input or expected output shown here was cut (the case itself is whole). */
  caseTruncated?: boolean;
  stderr?: string;
}

/** A test run as the room sees it: one compile, then every case. */
export interface TestRunRecord extends RunLifecycle {
  runId: string;
  /** Cases that passed, of `total`. */
  passed: number;
  total: number;
  /** "7 / 9 passed", "Compile error", "Running 9 tests…", "Could not run the tests". */
  statusText: string;
  /** The compiler's output when the compile failed (the candidate's own code: visible to all). */
  compileOutput: string | null;
  cases: TestCaseResult[];
  /** Why a failed run produced no results. */
  error: ErrorBody | null;
}

/** The record for `role`: for a candidate, hidden cases keep only their place ("hidden case 3") and pass/fail. */
export function viewTestRun(run: TestRunRecord, role: Role): TestRunRecord {
  if (role === 'interviewer') return run;
  return {
    ...run,
    cases: run.cases.map((result, index) =>
      result.hidden
        ? { name: hiddenCaseLabel(index), hidden: true, verdict: result.verdict === 'error' ? 'failed' : result.verdict }
        : result,
    ),
  };
}

/** `tests:update` and `tests:history` (newest first, at join). */
export interface TestRunUpdate {
  run: TestRunRecord;
  serverTime: number;
}
export interface TestRunsHistory {
  runs: TestRunRecord[];
  serverTime: number;
}

/** The summary a finished run leaves on the timeline and in the report. */
export function testRunSummary(run: Pick<TestRunRecord, 'passed' | 'total'>): string {
  return `${run.passed} / ${run.total} passed`;
}
