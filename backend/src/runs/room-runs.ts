import {
  AppError,
  ROOM_DOC,
  workspaceFiles,
  type Role,
  type RunControl,
  type RunFile,
  type RunRecord,
  type TestRunRecord,
} from '@pairpad/protocol';
import type { Room, RoomManager } from '../rooms';
import type { SessionService, SessionStore } from '../sessions';
import { ExecutionService, type ExecutionServiceOptions, type RoomSource, type StartRunRequest } from './execution-service';
import type { ExecutorPool } from './executor-pool';
import { RunQueue, type JobLogger } from './run-queue';
import type { RunStore } from './run-store';
import { TestRunService } from './test-run-service';

/** A job that reached its end, for whoever counts them (metrics). */
export type FinishedJob = { kind: 'run'; run: RunRecord } | { kind: 'test-run'; run: TestRunRecord };

export interface RoomRunsOptions {
  sessions: SessionService;
  rooms: RoomManager;
  /** A session that goes takes its queued and running jobs with it. */
  store: Pick<SessionStore, 'onRemoved'>;
  /** The executors jobs go to (one, or PISTON_URLS's pool). */
  executors: ExecutorPool;
  limits: {
    /** EXECUTION_MAX_CONCURRENT_JOBS: every kind of job together. */
    maxConcurrentJobs: number;
    maxQueuedPerRoom: number;
    /** EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: runs and test runs together. */
    runsPerMinutePerClient: number;
    maxCodeBytes: number;
    maxStdinBytes: number;
  };
  connect?: ExecutionServiceOptions['connect'];
  /** Runs shared with other nodes (Redis), so a run's status answers on any node. */
  sharedRuns?: RunStore;
  logger?: { child(meta: Record<string, unknown>): JobLogger };
  onFinished?: (job: FinishedJob) => void;
}

const isFinished = (run: { state: string }): boolean => run.state === 'completed' || run.state === 'failed';

/** What a run defaults to: the live room's code, language and shared input, else the session's starting point. */
export function roomSource(sessions: SessionService, rooms: RoomManager): RoomSource {
  return {
    async snapshot(sessionId, role) {
      const record = await sessions.require(sessionId);
      if (record.ended) throw new AppError('SESSION_ENDED', 'This interview has ended; code can no longer be run.');
      // Loads the room when this node does not hold it yet (a REST run, or another node's room
      // under Redis), so the run uses the live document rather than the starter code.
      const room = await rooms.open(record);
      room.interview.assertCanRun(role);
      const { database } = room.interview.questions.stored;
      return {
        language: room.currentLanguage,
        code: room.code,
        stdin: room.doc.getText(ROOM_DOC.stdin).toString(),
        // A room with several files runs them all, the entry first; a single-file room its code, as always.
        ...roomFiles(room),
        ...(database ? { database } : {}),
      };
    },
  };
}

/** The room's files when it holds several (the entry first), for a run that sends them all. */
function roomFiles(room: Room): { files?: RunFile[] } {
  const files = workspaceFiles(room.doc);
  return files.length > 1 ? { files } : {};
}

/**
 * A run in a room, in one place: the one queue every kind of job shares, runs and test runs,
 * and the wiring between them and the rooms (output into the room's console, every record into
 * the room's replicated state, console controls to the job, a session's jobs stopped when it
 * goes). The composition root builds one; the socket and REST adapters call it.
 */
export class RoomRuns {
  readonly queue: RunQueue;
  readonly execution: ExecutionService;
  readonly testRuns: TestRunService;
  /** The executors (routing, health, sticky choices for long-lived things such as a preview). */
  readonly executors: ExecutorPool;
  private readonly stops: Array<() => void>;

  constructor(options: RoomRunsOptions) {
    const { rooms, limits } = options;
    this.executors = options.executors;
    this.queue = new RunQueue({ maxConcurrent: limits.maxConcurrentJobs, runsPerMinutePerClient: limits.runsPerMinutePerClient });
    this.execution = new ExecutionService({
      executors: options.executors,
      rooms: roomSource(options.sessions, rooms),
      queue: this.queue,
      limits: { maxQueuedPerRoom: limits.maxQueuedPerRoom, maxCodeBytes: limits.maxCodeBytes, maxStdinBytes: limits.maxStdinBytes },
      ...(options.logger ? { logger: { child: (meta) => options.logger!.child({ service: 'execution', ...meta }) } } : {}),
      ...(options.sharedRuns ? { sharedRuns: options.sharedRuns } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
    });
    this.testRuns = new TestRunService({
      executors: options.executors,
      queue: this.queue,
      limits: { maxCodeBytes: limits.maxCodeBytes },
      ...(options.logger ? { logger: { child: (meta) => options.logger!.child({ service: 'test-runs', ...meta }) } } : {}),
    });
    const onFinished = options.onFinished;
    this.stops = [
      // Output as the program prints it, into its room's console (merged and bounded there).
      this.execution.onOutput(({ sessionId, jobId, stream, data }) => rooms.get(sessionId)?.interview.console.output(jobId, stream, data)),
      // Every record goes into its room's replicated state: the timeline, the report and every
      // participant (on every node) hear it from there.
      this.execution.onUpdate((run) => rooms.get(run.sessionId)?.interview.recordRun(run)),
      this.testRuns.onUpdate((run) => rooms.get(run.sessionId)?.interview.questions.recordTestRun(run)),
      ...(onFinished
        ? [
            this.execution.onUpdate((run) => isFinished(run) && onFinished({ kind: 'run', run })),
            this.testRuns.onUpdate((run) => isFinished(run) && onFinished({ kind: 'test-run', run })),
          ]
        : []),
      options.store.onRemoved((sessionId) =>
        this.queue.cancelRoom(sessionId, new AppError('SESSION_NOT_FOUND', 'The interview session ended; the run was stopped.')),
      ),
    ];
  }

  /** `run:start` and `POST /api/execute`: a run of the room's code (or the given one). */
  start(request: StartRunRequest): Promise<RunRecord> {
    return this.execution.start(request);
  }

  /** `tests:run`: the room's current code against its question's test cases. */
  runTests(room: Room, actor: { name: string; role: Role }, clientKey: string): TestRunRecord {
    room.interview.assertCanRun(actor.role);
    return this.testRuns.start({
      sessionId: room.sessionId,
      clientKey,
      startedBy: { name: actor.name, via: 'room' },
      language: room.currentLanguage,
      code: room.code,
      ...roomFiles(room),
      tests: room.interview.questions.stored.tests,
      ...(room.interview.questions.stored.database ? { database: room.interview.questions.stored.database } : {}),
    });
  }

  /** Console input, end of input or a stop typed on any node: acted on where the job runs. */
  control(jobId: string, control: RunControl): boolean {
    return this.execution.control(jobId, control);
  }

  /** Shutdown: running jobs of every kind get `graceMs` (their results still reach the rooms), then stop. */
  async drain(graceMs: number): Promise<void> {
    await this.queue.drain(graceMs);
    for (const stop of this.stops) stop();
    this.execution.dispose();
    this.testRuns.clearListeners();
  }
}
