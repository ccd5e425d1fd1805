export { Room, type RoomOptions } from './room';
export { RoomManager, type RoomManagerOptions } from './room-manager';
export type { RoomConnection, RoomNotice } from './room-connection';
export { REMOTE_ORIGIN, type RoomExtension } from './room-extension';
export { assertAllowed } from './room-interview';
export {
  RoomQuestions,
  replaceCode,
  assertWithinLimits,
  DEFAULT_ROOM_QUESTION_LIMITS,
  type RoomQuestionLimits,
  type QuestionActor,
} from './room-questions';
export { DEFAULT_CONSOLE_LIMITS, type RunConsoleLimits } from './run-console';
export { InterviewCreator, type CreatedInterview, type InterviewCreatorOptions } from './interview-creator';
export { seedWorkspace } from './workspace-seed';
