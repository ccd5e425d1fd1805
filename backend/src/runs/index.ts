export {
  ExecutionService,
  type ExecutionServiceOptions,
  type ExecutionLimits,
  type RoomSnapshot,
  type RoomSource,
  type StartRunRequest,
  type RunOutput,
} from './execution-service';
export {
  openConnect,
  probeConnect,
  ConnectUnsupportedError,
  STOP_GRACE_MS,
  type ConnectRun,
  type ConnectOptions,
  type ConnectSupport,
} from './piston-connect';
export { PistonClient, ExecutorUnreachableError, toExecutorError, type PistonClientOptions } from './piston-client';
export { ExecutorPool, PoolExecutor, type ExecutorPoolOptions, type ExecutorDownListener } from './executor-pool';
export { RunQueue, type RunQueueOptions, type QueuedJob, type JobLogger } from './run-queue';
export { RunJobs, type RunJobsOptions, type JobSpec, type JobRunner, type JobListener } from './run-jobs';
export { toRunResult, describeStage } from './result-model';
export type { PistonExecuteResponse, PistonExecuteRequest, PistonRuntime, PistonStage } from './piston-schemas';
export type { RunStore } from './run-store';
export {
  TestRunService,
  type TestRunServiceOptions,
  type TestRunRequest,
  type TestRunLimits,
  type TestRunListener,
} from './test-run-service';
export { judgeBatch, judgeCase } from './test-run-result';
export { RoomRuns, type RoomRunsOptions, type FinishedJob } from './room-runs';
