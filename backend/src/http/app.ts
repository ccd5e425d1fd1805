import express, { type Express, type Router } from 'express';
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
import { requestContext, type HttpLogger } from './request-context';
import type { IdentityService } from '../identity';
import { authentication } from './authentication';
import { authRoutes } from './auth-routes';
import type { LimiterStores } from './minute-limiter';
import { membersRoutes } from './members-routes';
import { InterviewCreator, type InterviewCreatorOptions } from '../rooms';
import type { InterviewRepository } from '../store';
import type { ScorecardRepository } from '../scorecards';
import type { ApiTokenService } from '../public-api/api-token-service';
import { PublicApi } from '../public-api/public-api';
import { apiTokensRoutes } from './api-tokens-routes';
import { apiV1Routes } from './api-v1-routes';

export interface AppOptions {
  clientOrigins: string[];
  publicUrl: string;
  sessions: SessionService;
  rooms: RoomManager;
  logger: { error(message: string, meta?: object): void } & HttpLogger;
  metrics: Metrics;
  version: string;
  healthChecks: Record<string, HealthCheck>;
  /** Where the REST routes' per-minute limits count (Redis across nodes); this process without. */
  limiterStores?: LimiterStores | undefined;
  sessionsCreatePerMinute?: number;
  /** Code execution routes (`/api/execute`, `/api/runtimes`, `/api/queue-stats`). */
  execution?: ExecutionService;
  runsPerMinutePerClient?: number;
  /** The question bank (QUESTIONS_DIR); `/api/questions` answers an empty list without it. */
  questions?: QuestionLibrary;
  /** Limits on a room's test cases: a session from a question over them is refused. */
  questionLimits?: RoomQuestionLimits;
  /** Project templates: a question naming one lays its new room out as the template's workspace. */
  templates?: InterviewCreatorOptions['templates'];
  /** Team accounts: sign-in cookie, CSRF, and the guards on every interviewer route. */
  identity: IdentityService;
  auth: {
    cookieSecure: boolean;
    cookieSameSite: 'lax' | 'none';
    attemptsPerMinute: number;
    dataDir: string;
    oidc: { enabled: boolean; label: string };
  };
  /** Extra routers mounted after authentication (OpenID Connect, the interview archive). */
  extraRoutes?: Router[];
  /** Called after a guest link is revoked (the realtime layer drops its sockets). */
  onGuestLinkRevoked?: (sessionId: string) => void;
  /** Called after a member is disabled (the realtime layer drops their sockets). */
  onMemberDisabled?: (memberId: string) => void;
  /** Interviews kept in the database: reports of expired sessions, and each new session's record. */
  interviews?: ArchivedInterviews & { sessionCreated(interview: NewInterview): void };
  /** The public API (`/api/v1`) and the personal API tokens that open it (`/api/tokens`). */
  publicApi?: {
    tokens: ApiTokenService;
    interviews: InterviewRepository;
    scorecards: ScorecardRepository;
    requestsPerMinutePerToken: number;
  };
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
  // One way to create an interview, whoever asks (a member's browser, an API token).
  const creator = new InterviewCreator({
    sessions: options.sessions,
    rooms: options.rooms,
    publicUrl: options.publicUrl,
    ...(options.questions ? { questions: options.questions } : {}),
    ...(options.questionLimits ? { questionLimits: options.questionLimits } : {}),
    ...(options.templates ? { templates: options.templates } : {}),
    ...(options.interviews ? { onCreated: (interview: NewInterview) => options.interviews?.sessionCreated(interview) } : {}),
  });
  // Bearer tokens, before the cookie middleware: no cookie counts and no CSRF token is asked for.
  if (options.publicApi) {
    const { tokens, interviews, scorecards, requestsPerMinutePerToken } = options.publicApi;
    const api = new PublicApi({
      publicUrl: options.publicUrl,
      sessions: options.sessions,
      rooms: options.rooms,
      interviews,
      scorecards,
      creator,
      members: options.identity.repository,
    });
    app.use(
      apiV1Routes({
        tokens,
        api,
        version: options.version,
        requestsPerMinute: requestsPerMinutePerToken,
        limiterStores: options.limiterStores,
      }),
    );
  }
  app.use('/api', authentication(options.identity, options.clientOrigins));
  app.use(authRoutes({ identity: options.identity, ...options.auth, limiterStores: options.limiterStores }));
  app.use(
    membersRoutes({
      identity: options.identity,
      publicUrl: options.publicUrl,
      ...(options.onMemberDisabled ? { onMemberDisabled: options.onMemberDisabled } : {}),
    }),
  );
  if (options.publicApi) app.use(apiTokensRoutes(options.publicApi.tokens));
  for (const router of options.extraRoutes ?? []) app.use(router);
  app.use(
    sessionsRoutes({
      sessions: options.sessions,
      rooms: options.rooms,
      createPerMinute: options.sessionsCreatePerMinute ?? 30,
      limiterStores: options.limiterStores,
      creator,
      ...(options.onGuestLinkRevoked ? { onGuestLinkRevoked: options.onGuestLinkRevoked } : {}),
    }),
  );
  app.use(
    interviewRoutes({ sessions: options.sessions, rooms: options.rooms, ...(options.interviews ? { archive: options.interviews } : {}) }),
  );
  if (options.questions) app.use(questionsRoutes(options.questions, options.sessions));
  if (options.execution) {
    app.use(
      executeRoutes({
        execution: options.execution,
        runsPerMinute: options.runsPerMinutePerClient ?? 30,
        sessions: options.sessions,
        limiterStores: options.limiterStores,
      }),
    );
  }
  app.use('/api', (_request, _response, next) => next(new AppError('NOT_FOUND', 'No such API route.')));
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
