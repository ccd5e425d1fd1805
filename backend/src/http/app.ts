import express, { type Express } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import { AppError } from '@pairpad/protocol';
import type { ExecutionService } from '../runs';
import type { RoomManager } from '../rooms';
import type { SessionService } from '../sessions';
import type { NewInterview } from '../store';
import { errorHandler, notFoundHandler, requireJsonBody } from './error-handler';
import { executeRoutes } from './execute-routes';
import { interviewRoutes, type ArchivedInterviews } from './interview-routes';
import { sessionsRoutes } from './sessions-routes';
import { questionsRoutes } from './questions-routes';
import type { QuestionLibrary } from '../questions/question-library';
import type { RoomQuestionLimits } from '../rooms';
import { healthRoutes, type HealthCheck } from './health-routes';
import type { Metrics } from './metrics';
import { requestContext } from './request-context';

export interface AppOptions {
  clientOrigins: string[];
  publicUrl: string;
  sessions: SessionService;
  rooms: RoomManager;
  logger: { error(message: string, meta?: object): void; http(message: string, meta?: object): void };
  metrics: Metrics;
  version: string;
  healthChecks: Record<string, HealthCheck>;
  sessionsCreatePerMinute?: number;
  /** Code execution routes (`/api/execute`, `/api/runtimes`, `/api/queue-stats`). */
  execution?: ExecutionService;
  runsPerMinutePerClient?: number;
  /** The question bank (QUESTIONS_DIR); `/api/questions` answers an empty list without it. */
  questions?: QuestionLibrary;
  /** Limits on a room's test cases: a session from a question over them is refused. */
  questionLimits?: RoomQuestionLimits;
  /** Interviews kept in the database: reports of expired sessions, and each new session's record. */
  interviews?: ArchivedInterviews & { sessionCreated(interview: NewInterview): void };
}

/** The Express app: security middleware, routes, and the JSON error contract. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(requestContext(options.logger, options.metrics));
  app.use(helmet());
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin === undefined || options.clientOrigins.includes(origin)),
      credentials: true,
    }),
  );
  app.use(requireJsonBody);
  app.use(express.json({ limit: '256kb', strict: true }));
  app.get('/metrics', async (_request, response) => {
    const { contentType, body } = await options.metrics.render();
    response.type(contentType).send(body);
  });
  app.use(healthRoutes({ version: options.version, checks: options.healthChecks }));
  app.use(
    sessionsRoutes({
      sessions: options.sessions,
      rooms: options.rooms,
      publicUrl: options.publicUrl,
      createPerMinute: options.sessionsCreatePerMinute ?? 30,
      ...(options.questions ? { questions: options.questions } : {}),
      ...(options.questionLimits ? { questionLimits: options.questionLimits } : {}),
      ...(options.interviews ? { onCreated: (interview: NewInterview) => options.interviews?.sessionCreated(interview) } : {}),
    }),
  );
  app.use(interviewRoutes({ sessions: options.sessions, rooms: options.rooms, ...(options.interviews ? { archive: options.interviews } : {}) }));
  if (options.questions) app.use(questionsRoutes(options.questions));
  if (options.execution) {
    app.use(executeRoutes({ execution: options.execution, runsPerMinute: options.runsPerMinutePerClient ?? 30, sessions: options.sessions }));
  }
  app.use('/api', (_request, _response, next) => next(new AppError('NOT_FOUND', 'No such API route.')));
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
