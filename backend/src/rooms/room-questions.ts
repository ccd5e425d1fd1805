import type * as Y from 'yjs';
import {
  AppError,
  EMPTY_ROOM_QUESTION,
  decide,
  INTERVIEW_DOC,
  ROOM_DOC,
  TEST_RUN_HISTORY_LIMIT,
  testRunSummary,
  viewRoomQuestion,
  viewTestRun,
  type ParsedEditQuestion,
  type InterviewState,
  type Question,
  type Role,
  type RoomQuestionView,
  type StoredRoomQuestion,
  type TestCase,
  type TestRunRecord,
} from '@pairpad/protocol';
import type { InterviewStateDoc, RecordedEvent } from './interview-state';
import type { RoomConnection } from './room-connection';

/** Configured limits on a room's test cases (TEST_CASES_PER_ROOM, TEST_CASE_*_BYTES). */
export interface RoomQuestionLimits {
  casesPerRoom: number;
  /** stdin plus arguments of one case, bytes. */
  inputBytes: number;
  expectedBytes: number;
}

export const DEFAULT_ROOM_QUESTION_LIMITS: RoomQuestionLimits = Object.freeze({
  casesPerRoom: 50,
  inputBytes: 16_384,
  expectedBytes: 16_384,
});

/** Who changes the question: a participant, or the server acting for the session's interviewer. */
export interface QuestionActor {
  name: string;
  role: Role;
}

export interface RoomQuestionsDeps {
  /** The server-only interview document (held or resting). */
  interview: InterviewStateDoc;
  limits: RoomQuestionLimits;
  now: () => number;
  state: () => InterviewState;
  /** This node's connections in the room. */
  connections: () => Iterable<RoomConnection>;
  record: (event: RecordedEvent) => void;
}

const CURRENT = 'current';
const RUN_STATE_ORDER: Record<TestRunRecord['state'], number> = { queued: 0, running: 1, completed: 2, failed: 2 };
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

function assertMayChange(role: Role, state: InterviewState): void {
  const decision = decide('question', role, state);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
}

/** Throws PAYLOAD_TOO_LARGE naming the case and the limit when `tests` exceed the room's limits. */
export function assertWithinLimits(tests: readonly TestCase[], limits: RoomQuestionLimits): void {
  if (tests.length > limits.casesPerRoom) {
    throw new AppError('PAYLOAD_TOO_LARGE', `A room holds at most ${limits.casesPerRoom} test cases; this has ${tests.length}.`);
  }
  for (const [index, testCase] of tests.entries()) {
    const input = bytes(testCase.stdin) + testCase.args.reduce((sum, arg) => sum + bytes(arg), 0);
    const label = `Test case ${index + 1} ("${testCase.name.slice(0, 40)}")`;
    if (input > limits.inputBytes)
      throw new AppError('PAYLOAD_TOO_LARGE', `${label}: its input is ${input} bytes; this server allows ${limits.inputBytes}.`);
    const expected = bytes(testCase.expected);
    if (expected > limits.expectedBytes) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `${label}: its expected output is ${expected} bytes; this server allows ${limits.expectedBytes}.`,
      );
    }
  }
}

/**
 * The room's question and its test runs, in the server-only interview document (replicated
 * between nodes, never synced to a client). Each of this node's connections hears every change
 * as the view for its role, so hidden cases reach interviewer connections only.
 */
export class RoomQuestions {
  constructor(private readonly deps: RoomQuestionsDeps) {}

  /** Observes a document the interview state is held in (the interview calls it each time one is made). */
  observe(doc: Y.Doc): void {
    questionOf(doc).observe(() => this.announceQuestion());
    testRunsOf(doc).observe((event) => this.announceRuns(event));
  }

  private get question(): Y.Map<StoredRoomQuestion> {
    return questionOf(this.deps.interview.doc);
  }

  private get runs(): Y.Map<TestRunRecord> {
    return testRunsOf(this.deps.interview.doc);
  }

  /** The full question (hidden cases included): for the server only. */
  get stored(): StoredRoomQuestion {
    return this.question.get(CURRENT) ?? EMPTY_ROOM_QUESTION;
  }

  view(role: Role): RoomQuestionView {
    return viewRoomQuestion(this.stored, role);
  }

  joined(connection: RoomConnection): void {
    connection.notify?.({ type: 'question', question: this.view(connection.role) });
    connection.notify?.({
      type: 'test-run-history',
      runs: this.runList()
        .reverse()
        .map((run) => viewTestRun(run, connection.role)),
    });
  }

  /** Loads a bank question: description, starters and cases replace the room's. */
  load(actor: QuestionActor, question: Question): RoomQuestionView {
    assertMayChange(actor.role, this.deps.state());
    assertWithinLimits(question.tests, this.deps.limits);
    this.write(
      {
        questionId: question.id,
        title: question.title,
        description: question.description,
        starters: { ...question.starters },
        tests: question.tests,
        ...(question.database ? { database: { ...question.database } } : {}),
        ...(question.template ? { template: question.template } : {}),
      },
      actor,
      false,
    );
    return this.view(actor.role);
  }

  /** The interviewer's own edit: each given field replaces the room's. */
  edit(actor: QuestionActor, edit: ParsedEditQuestion): RoomQuestionView {
    assertMayChange(actor.role, this.deps.state());
    if (edit.tests) assertWithinLimits(edit.tests, this.deps.limits);
    const current = this.stored;
    this.write(
      {
        questionId: current.questionId,
        title: edit.title !== undefined ? edit.title || null : current.title,
        description: edit.description ?? current.description,
        starters: edit.starters ? { ...edit.starters } : current.starters,
        tests: edit.tests ?? current.tests,
        ...(current.database ? { database: current.database } : {}),
        ...(current.template ? { template: current.template } : {}),
      },
      actor,
      true,
    );
    return this.view(actor.role);
  }

  /** Keeps each test run's latest state; a finished run leaves its summary on the timeline once. */
  recordTestRun(run: TestRunRecord): void {
    const known = this.runs.get(run.runId);
    if (!known && run.state !== 'queued') return;
    // A run never goes back, and a finished one never changes (acks and updates can cross).
    if (known && (RUN_STATE_ORDER[run.state] < RUN_STATE_ORDER[known.state] || known.state === 'completed' || known.state === 'failed'))
      return;
    const finished = run.state === 'completed' || run.state === 'failed';
    this.deps.interview.doc.transact(() => {
      this.runs.set(run.runId, run);
      if (this.runs.size > TEST_RUN_HISTORY_LIMIT) {
        const oldest = [...this.runs.values()].sort((a, b) => a.queuedAt - b.queuedAt).slice(0, this.runs.size - TEST_RUN_HISTORY_LIMIT);
        for (const entry of oldest) this.runs.delete(entry.runId);
      }
      if (finished) {
        const summary =
          run.state === 'failed'
            ? `${run.statusText}${run.error ? `: ${run.error.message}` : ''}`
            : run.compileOutput === null
              ? testRunSummary(run)
              : run.statusText;
        this.deps.record({
          at: run.finishedAt ?? this.deps.now(),
          kind: 'tests',
          name: run.startedBy.name,
          runId: run.runId,
          passed: run.passed,
          total: run.total,
          summary,
        });
      }
    });
  }

  /** Every kept test run, oldest first, in full. */
  runList(): TestRunRecord[] {
    return [...this.runs.values()].sort((a, b) => a.queuedAt - b.queuedAt || (a.runId < b.runId ? -1 : 1));
  }

  private write(next: Omit<StoredRoomQuestion, 'updatedBy' | 'updatedAt'>, actor: QuestionActor, edited: boolean): void {
    const at = this.deps.now();
    this.deps.interview.doc.transact(() => {
      this.question.set(CURRENT, { ...next, updatedBy: actor.name, updatedAt: at });
      this.deps.record({ at, kind: 'question', name: actor.name, title: next.title, tests: next.tests.length, edited });
    });
  }

  /** Changed here or on another node: each connection hears the view for its role. */
  private announceQuestion(): void {
    const byRole = new Map<Role, RoomQuestionView>();
    for (const connection of this.deps.connections()) {
      let view = byRole.get(connection.role);
      if (!view) byRole.set(connection.role, (view = this.view(connection.role)));
      connection.notify?.({ type: 'question', question: view });
    }
  }

  private announceRuns(event: Y.YMapEvent<TestRunRecord>): void {
    for (const runId of event.keysChanged) {
      const run = this.runs.get(runId);
      if (!run) continue;
      for (const connection of this.deps.connections()) connection.notify?.({ type: 'test-run', run: viewTestRun(run, connection.role) });
    }
  }
}

function questionOf(doc: Y.Doc): Y.Map<StoredRoomQuestion> {
  return doc.getMap<StoredRoomQuestion>(INTERVIEW_DOC.question);
}

function testRunsOf(doc: Y.Doc): Y.Map<TestRunRecord> {
  return doc.getMap<TestRunRecord>(INTERVIEW_DOC.testRuns);
}

/** Replaces the room's code in one transaction (a session created from a question starts from its starter). */
export function replaceCode(doc: Y.Doc, text: string, origin: unknown): void {
  const code = doc.getText(ROOM_DOC.code);
  doc.transact(() => {
    code.delete(0, code.length);
    code.insert(0, text);
  }, origin);
}
