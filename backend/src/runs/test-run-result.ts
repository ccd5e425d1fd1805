import {
  MAX_ACTUAL_OUTPUT_CHARS,
  MAX_RESULT_INPUT_CHARS,
  testRunSummary,
  type TestCase,
  type TestCaseResult,
  type TestRunRecord,
} from '@pairpad/protocol';
import { compareOutput } from './compare-output';
import type { PistonBatchResponse, PistonStage } from './piston-schemas';
import { describeStage } from './result-model';

/** A case before it ran: its facts, nothing measured yet. */
export function pendingCase(testCase: TestCase): TestCaseResult {
  const cut = testCase.stdin.length > MAX_RESULT_INPUT_CHARS || testCase.expected.length > MAX_ACTUAL_OUTPUT_CHARS;
  return {
    name: testCase.name,
    hidden: testCase.hidden,
    verdict: 'pending',
    stdin: testCase.stdin.slice(0, MAX_RESULT_INPUT_CHARS),
    args: testCase.args,
    expected: testCase.expected.slice(0, MAX_ACTUAL_OUTPUT_CHARS),
    compare: testCase.compare,
    ...(cut ? { caseTruncated: true } : {}),
  };
}

function compileFailed(stage: PistonStage | undefined): stage is PistonStage {
  return stage !== undefined && (stage.status !== null || (stage.code !== null && stage.code !== 0) || stage.signal !== null);
}

/** One case's stage → its verdict in words: the program must finish cleanly, then its stdout must match. */
export function judgeCase(testCase: TestCase, stage: PistonStage): TestCaseResult {
  const measured: TestCaseResult = {
    ...pendingCase(testCase),
    timeMs: stage.wall_time,
    memory: stage.memory,
    actual: stage.stdout.slice(0, MAX_ACTUAL_OUTPUT_CHARS),
    ...(stage.stdout.length > MAX_ACTUAL_OUTPUT_CHARS ? { actualTruncated: true } : {}),
    ...(stage.stderr ? { stderr: stage.stderr.slice(0, MAX_ACTUAL_OUTPUT_CHARS) } : {}),
  };
  const { outcome, statusText } = describeStage(stage);
  if (outcome !== 'success') return { ...measured, verdict: 'error', statusText };
  const comparison = compareOutput(stage.stdout, testCase.expected, testCase.compare, testCase.tolerance);
  return comparison.passed
    ? { ...measured, verdict: 'passed', statusText: 'Passed' }
    : { ...measured, verdict: 'failed', statusText: `Wrong answer: ${comparison.reason ?? 'the output differs'}` };
}

/** The executor's batch answer → the finished record's results, counts and summary. */
export function judgeBatch(
  tests: readonly TestCase[],
  response: PistonBatchResponse,
): Pick<TestRunRecord, 'cases' | 'passed' | 'total' | 'statusText' | 'compileOutput' | 'version' | 'language'> {
  const base = { language: response.language, version: response.version, total: tests.length };
  if (compileFailed(response.compile)) {
    const { statusText } = describeStage(response.compile);
    const words =
      response.compile.status === 'TO'
        ? 'Compile error (compile time limit exceeded)'
        : response.compile.status === null || response.compile.status === 'RE'
          ? 'Compile error'
          : `Compile error (${statusText.toLowerCase()})`;
    return {
      ...base,
      passed: 0,
      statusText: words,
      compileOutput: (response.compile.output || response.compile.stderr || response.compile.message || '').slice(
        0,
        MAX_ACTUAL_OUTPUT_CHARS,
      ),
      cases: tests.map((testCase) => ({ ...pendingCase(testCase), verdict: 'error', statusText: 'Not run: the code did not compile' })),
    };
  }
  const cases = tests.map((testCase, index) => {
    const stage = response.cases[index];
    return stage
      ? judgeCase(testCase, stage)
      : { ...pendingCase(testCase), verdict: 'error' as const, statusText: 'Not run: the executor gave no result' };
  });
  const passed = cases.filter((result) => result.verdict === 'passed').length;
  return { ...base, passed, statusText: testRunSummary({ passed, total: tests.length }), compileOutput: null, cases };
}
