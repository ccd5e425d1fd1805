export { ExecutionService, type ExecutionServiceOptions, type ExecutionLimits, type RoomSnapshot, type RoomSource, type StartRunRequest } from './execution-service';
export { PistonClient, toExecutorError, type PistonClientOptions } from './piston-client';
export { JobQueue, type JobQueueOptions, type JobSpec, type JobRunner, type JobLogger } from './job-queue';
export { RunHistory } from './run-history';
export { toRunResult, describeStage } from './result-model';
export type { PistonExecuteResponse, PistonExecuteRequest, PistonRuntime, PistonStage } from './piston-schemas';
export { mergeRuns, type RunStore } from './run-store';
export { RedisRunStore, type RedisRunStoreOptions } from './redis-run-store';
