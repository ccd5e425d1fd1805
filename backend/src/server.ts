/**
 * Composition root: builds every part from config, starts listening, and shuts down in order.
 * `main.ts` is the process entry; tests call `startBackend` directly with port 0.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { ExecutorPool, RoomRuns, type ExecutionService } from './runs';
import { PreviewClient, PreviewTokens, RoomPreviews } from './previews';
import { previewHostHandler, servePreviewHostFirst } from './http/preview-host';
import { startExecutor, type ExecutorHandle } from '@pairpad/executor';
import { createApp, interviewsRoutes, Metrics, oidcRoutes, scorecardsRoutes, webhooksRoutes } from './http';
import { archiveHealthCheck, databaseHealthCheck } from './health/database-health-check';
import { executorHealthCheck } from './health/executor-health-check';
import type { Logger } from './logging/logger';
import { attachRealtime, dropGuestSockets, dropMemberSockets, type RoomServer } from './realtime';
import { RoomManager, type Room } from './rooms';
import { MemorySessionStore, SessionService, type SessionStore } from './sessions';
import { builtInQuestionsDir, QuestionLibrary } from './questions/question-library';
import type { RedisCluster } from './cluster/redis-cluster';
import { createDatabase, InterviewArchive, InterviewRepository, InterviewRetention, migrateToLatest, type DatabaseHandle } from './store';
import { IdentityService, KyselyIdentityRepository, prepareFirstRun } from './identity';
import { OidcSignIn } from './identity/oidc';
import { RepositoryOidcMembers, sharedOidcTransactionSecret } from './identity/oidc-member-directory';
import { TeamEvents } from './events/team-events';
import { ApiTokenService } from './public-api/api-token-service';
import { ScorecardRepository, ScorecardService, TeamRubricStore } from './scorecards';
import { Webhooks } from './webhooks';

export const VERSION = '0.1.0';

export interface BackendHandle {
  url: string;
  port: number;
  httpServer: HttpServer;
  /** The Express app (REST routes; tests list them against docs/api.md). */
  app: ReturnType<typeof createApp>;
  io: RoomServer;
  sessions: SessionService;
  rooms: RoomManager;
  /** Runs and test runs in rooms: the one queue and its wiring to the rooms. */
  runs: RoomRuns;
  /** Live previews of the rooms (start, stop, addresses). */
  previews: RoomPreviews;
  execution: ExecutionService;
  /** Base URL of the (first) executor in use: PISTON_URL, PISTON_URLS's first, or the embedded executor. */
  pistonUrl: string;
  /** The embedded executor when PISTON_URL is unset. */
  executor: ExecutorHandle | null;
  /** The database (SQLite in DATA_DIR, or PostgreSQL at DATABASE_URL), migrated. */
  database: DatabaseHandle;
  /** Team accounts and auth sessions (on the database). */
  identity: IdentityService;
  /** Interviews kept in the database (the dashboard's queries). */
  interviews: InterviewRepository;
  /** Writes live rooms to `interviews` as they go. */
  archive: InterviewArchive;
  /** Interview and scorecard events for listeners such as webhooks. */
  teamEvents: TeamEvents;
  /** Scorecards and rubrics (the rules; `scorecards.repository` for queries such as the public API's). */
  scorecards: ScorecardService;
  /** Personal API tokens for `/api/v1`. */
  apiTokens: ApiTokenService;
  /** Webhook endpoints, the delivery queue and this node's dispatcher. */
  webhooks: Webhooks;
  close(): Promise<void>;
}

/** The executors runs go to: PISTON_URLS's pool, PISTON_URL's one, else the embedded executor, started here. */
async function startExecution(config: Readonly<Config>, logger: Logger): Promise<{ pool: ExecutorPool; executor: ExecutorHandle | null }> {
  const poolOptions = { executeTimeoutMs: config.EXECUTION_TIMEOUT_MS, checkIntervalMs: config.EXECUTION_POOL_CHECK_MS };
  const poolLogger = logger.child({ service: 'executors' });
  if (config.executorUrls.length > 0) {
    if (config.executorUrls.length === 1) logger.info(`running code through the Piston API at ${config.executorUrls[0]}`);
    else logger.info(`running code on a pool of ${config.executorUrls.length} executors`, { executors: config.executorUrls });
    const pool = new ExecutorPool({
      ...poolOptions,
      urls: config.executorUrls,
      logger: poolLogger,
      ...(config.PISTON_API_KEY ? { apiKey: config.PISTON_API_KEY } : {}),
    });
    return { pool, executor: null };
  }
  const executor = await startExecutor({ env: config.executorEnv, logger: logger.child({ service: 'executor' }) });
  logger.info(`embedded executor listening on ${executor.url}`);
  // An embedded executor told to listen beyond loopback asks for its token: we are a client too.
  const apiKey = config.executorEnv.EXECUTOR_TOKEN || undefined;
  const pool = new ExecutorPool({
    ...poolOptions,
    urls: [executor.url],
    names: ['embedded'],
    logger: poolLogger,
    ...(apiKey ? { apiKey } : {}),
  });
  return { pool, executor };
}

/** The question bank: every broken file is logged by file and field and left out, never fatal. */
async function loadQuestions(config: Readonly<Config>, logger: Logger): Promise<QuestionLibrary> {
  const dir = config.QUESTIONS_DIR ?? builtInQuestionsDir();
  if (!dir) {
    logger.warn('no questions folder found (set QUESTIONS_DIR); the question pickers stay empty');
    return QuestionLibrary.empty();
  }
  const library = await QuestionLibrary.load(dir);
  for (const problem of library.problems) logger.warn(`question ${problem.file} left out: ${problem.problems.join('; ')}`, { dir });
  logger.info(`loaded ${library.size} questions`, { dir });
  return library;
}

export interface BackendDependencies {
  /** Overrides the session store (tests, Redis). */
  store?: SessionStore;
  /** Room relay compaction threshold with REDIS_URL (tests lower it to exercise compaction). */
  redisCompactAfterUpdates?: number;
}

/** With REDIS_URL: sessions, rooms, runs and Socket.IO shared through Redis. Loaded only then. */
async function connectCluster(config: Readonly<Config>, logger: Logger, dependencies: BackendDependencies): Promise<RedisCluster | null> {
  if (!config.REDIS_URL) return null;
  const { connectRedisCluster } = await import('./cluster/redis-cluster');
  const cluster = await connectRedisCluster({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    ttlSeconds: config.SESSION_TTL_SECONDS,
    logger: logger.child({ service: 'redis' }),
    ...(dependencies.redisCompactAfterUpdates ? { compactAfterUpdates: dependencies.redisCompactAfterUpdates } : {}),
  });
  logger.info('sharing sessions, rooms and runs through Redis', { keyPrefix: config.REDIS_KEY_PREFIX });
  return cluster;
}

/** Opens the database and brings its schema up to date; a failure stops the start (nothing else is running yet). */
async function openDatabase(config: Readonly<Config>, logger: Logger): Promise<DatabaseHandle> {
  const log = logger.child({ service: 'database' });
  const database = await createDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.DATABASE_URL,
    onPoolError: (error) => log.warn('idle database connection failed', { error: error.message }),
  });
  try {
    const applied = await migrateToLatest(database);
    log.info(`database ready: ${database.engine} at ${database.location}`, applied.length > 0 ? { migrationsApplied: applied } : {});
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * OpenID Connect sign-in when OIDC_ISSUER and OIDC_CLIENT_ID are set. Discovery starts in the
 * background: a provider that is down delays nothing here, sign-ins retry it. The transaction
 * cookie's key is shared through the database, so the callback may land on any node.
 */
async function createOidcSignIn(
  config: Readonly<Config>,
  identity: IdentityService,
  database: DatabaseHandle,
  logger: Logger,
): Promise<OidcSignIn | null> {
  if (!config.oidc) return null;
  const oidc = new OidcSignIn({
    settings: config.oidc,
    members: new RepositoryOidcMembers(identity.repository, database.db),
    transactionSecret: await sharedOidcTransactionSecret(database.db),
    logger: logger.child({ service: 'oidc' }),
  });
  oidc.warmUp();
  logger.info(`OpenID Connect sign-in with ${config.oidc.issuer}`, { label: config.oidc.label });
  return oidc;
}

export async function startBackend(
  config: Readonly<Config>,
  logger: Logger,
  dependencies: BackendDependencies = {},
): Promise<BackendHandle> {
  const database = await openDatabase(config, logger);
  const identity = new IdentityService({
    repository: new KyselyIdentityRepository(database.db),
    limits: {
      sessionTtlMs: config.AUTH_SESSION_TTL_HOURS * 3_600_000,
      maxFailedSignIns: config.SIGN_IN_MAX_FAILURES,
      lockMs: config.SIGN_IN_LOCK_MINUTES * 60_000,
      inviteTtlMs: config.INVITE_TTL_HOURS * 3_600_000,
      resetTtlMs: config.RESET_LINK_TTL_HOURS * 3_600_000,
    },
  });
  // No admin yet: ADMIN_EMAIL/ADMIN_PASSWORD, or a one-time setup link printed in the log.
  await prepareFirstRun(identity, {
    dataDir: config.dataDir,
    adminEmail: config.ADMIN_EMAIL,
    adminPassword: config.ADMIN_PASSWORD,
    frontendUrl: config.publicUrl,
    logger: logger.child({ service: 'identity' }),
  });
  // Expired auth sessions are refused anyway; this only keeps the table small.
  const sweepAuthSessions = setInterval(() => void identity.sweepExpiredSessions().catch(() => {}), 3_600_000);
  sweepAuthSessions.unref();
  const { pool: executors, executor } = await startExecution(config, logger);
  executors.start();
  // The embedded executor joins the pool as soon as its runtimes are proven (when /health turns
  // ready), not at the next periodic check: a preview started in between found no executor.
  if (executor) void executor.ready.then(() => executors.checkAll()).catch(() => undefined);
  const pistonUrl = executors.executors[0]!.url;
  const cluster = dependencies.store ? null : await connectCluster(config, logger, dependencies);
  const store = dependencies.store ?? cluster?.store ?? new MemorySessionStore({ ttlSeconds: config.SESSION_TTL_SECONDS });
  const sessions = new SessionService(store);
  const teamEvents = new TeamEvents((error, event) => logger.warn(`a ${event.type} listener failed`, { error: String(error) }));
  const interviews = new InterviewRepository(database.db, database.engine);
  // The archive publishes interview.created / started / ended (once each, across nodes), retention
  // the ends of abandoned ones; webhooks queue a delivery per subscribed endpoint.
  const archive = new InterviewArchive({
    interviews,
    sessions: store,
    checkpointIntervalMs: config.CHECKPOINT_INTERVAL_MS,
    logger: logger.child({ service: 'archive' }),
    events: teamEvents,
  });
  const retention = new InterviewRetention({
    interviews,
    retentionDays: config.RETENTION_DAYS,
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    logger: logger.child({ service: 'retention' }),
    events: teamEvents,
  });
  const webhooks = new Webhooks({
    db: database.db,
    engine: database.engine,
    interviews,
    // scorecard.submitted payloads carry the submitted card's recommendation (as an API token sees it: submitted only).
    scorecard: async (scorecardId, interviewId) => {
      const { scorecards: cards } = await scorecards.repository.listForInterview(interviewId, { kind: 'api' });
      const card = cards.find((entry) => entry.id === scorecardId);
      if (!card) return null;
      return {
        recommendation: card.recommendation,
        version: card.version,
        submittedAt: card.submittedAt === null ? null : new Date(card.submittedAt).toISOString(),
      };
    },
    publicUrl: config.publicUrl,
    logger: logger.child({ service: 'webhooks' }),
    userAgent: `PairPad-Webhooks/${VERSION}`,
    settings: {
      timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
      maxResponseBytes: config.WEBHOOKS_RESPONSE_MAX_BYTES,
      retryBaseMs: config.WEBHOOKS_RETRY_BASE_MS,
      retryMaxMs: config.WEBHOOKS_RETRY_MAX_MS,
      retryForMs: config.WEBHOOKS_RETRY_FOR_MS,
      concurrency: config.WEBHOOKS_CONCURRENCY,
      pollIntervalMs: config.WEBHOOKS_POLL_MS,
      leaseMs: config.WEBHOOKS_LEASE_MS,
      allowPrivateUrls: config.WEBHOOKS_ALLOW_PRIVATE_URLS,
      keepMs: config.WEBHOOKS_KEEP_DAYS * 86_400_000,
    },
  });
  webhooks.listen(teamEvents);
  // Sources are read at scrape time, after everything below exists.
  const metrics = new Metrics({
    websocketConnections: () => rooms.connectionCount,
    activeRooms: () => rooms.roomCount,
    executionQueueDepth: () => runs.queue.stats().queuedTasks,
    executors: () => executors.stats(),
  });
  const questionLimits = {
    casesPerRoom: config.TEST_CASES_PER_ROOM,
    inputBytes: config.TEST_CASE_INPUT_BYTES,
    expectedBytes: config.TEST_CASE_EXPECTED_BYTES,
  };
  // Live previews: a room's web app served by its dev server on an executor of the pool, the same
  // one for as long as it runs (previews/).
  const previewClients = new Map<string, PreviewClient>();
  const previews: RoomPreviews = new RoomPreviews({
    client: {
      for: (sessionId) => {
        const chosen = executors.stick(sessionId);
        let client = previewClients.get(chosen.url);
        if (!client) previewClients.set(chosen.url, (client = new PreviewClient(chosen.url, chosen.client.apiKey)));
        return client;
      },
      release: (sessionId) => executors.unstick(sessionId),
    },
    rooms: { get: (sessionId): Room | undefined => rooms.get(sessionId) },
    tokens: new PreviewTokens(config.PREVIEW_SECRET, config.PREVIEW_TOKEN_TTL_SECONDS),
    origin: () => config.PREVIEW_ORIGIN ?? `http://preview.localhost:${(httpServer.address() as AddressInfo | null)?.port ?? config.PORT}`,
    debounceMs: config.PREVIEW_EDIT_DEBOUNCE_MS,
    logger: logger.child({ service: 'previews' }),
  });
  // The executor of a preview went down: the preview went with it.
  executors.onDown((_executor, sessionIds) => {
    for (const sessionId of sessionIds) void previews.stop(sessionId, 'The executor running the preview stopped answering.');
  });
  const rooms = new RoomManager({
    store,
    interview: {
      questions: questionLimits,
      console: {
        maxLineBytes: config.CONSOLE_MAX_LINE_BYTES,
        maxInputBytes: config.CONSOLE_MAX_INPUT_BYTES,
        maxOutputBytes: config.CONSOLE_MAX_OUTPUT_BYTES,
        transcriptsKept: config.CONSOLE_TRANSCRIPTS_KEPT,
      },
    },
    // Side concerns as room extensions: metrics, with REDIS_URL the relay between nodes, and the
    // archive that writes each interview to the database as it goes.
    extensions: [
      { name: 'metrics', onLoad: (): void => void metrics.roomsCreated.inc() },
      // Console input and stops typed on any node reach the job on the node that runs it.
      { name: 'console', onConsoleControl: (_room, jobId, control): void => void runs.control(jobId, control) },
      ...(cluster ? [cluster.roomSync] : []),
      archive,
      previews.extension,
    ],
    maxParticipantsPerRoom: config.MAX_PARTICIPANTS_PER_ROOM,
    maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
    onError: (error, context) => logger.warn(`room ${context} failed`, { error: String(error) }),
  });
  // Redis came back, maybe empty (no persistence): the sessions this node serves are written back.
  cluster?.onReconnect(async () => {
    const written = await rooms.reassertSessions();
    if (written > 0) logger.info('wrote back session records that Redis had lost', { sessions: written });
  });
  // Runs, interactive runs and test runs: one queue, wired to the rooms in one place (runs/room-runs.ts).
  const runs = new RoomRuns({
    sessions,
    rooms,
    store,
    executors,
    limits: {
      maxConcurrentJobs: config.EXECUTION_MAX_CONCURRENT_JOBS,
      maxQueuedPerRoom: config.EXECUTION_MAX_QUEUED_PER_ROOM,
      runsPerMinutePerClient: config.EXECUTION_RUNS_PER_MINUTE_PER_CLIENT,
      maxCodeBytes: config.MAX_CODE_BYTES,
      maxStdinBytes: config.MAX_STDIN_BYTES,
    },
    logger,
    ...(cluster ? { sharedRuns: cluster.runStore } : {}),
    connect: {
      enabled: config.EXECUTION_CONSOLE,
      outputMaxBytes: config.CONSOLE_MAX_OUTPUT_BYTES,
      timeoutMs: config.EXECUTION_CONSOLE_TIMEOUT_MS,
    },
    onFinished: (job) => {
      metrics.recordJob(job);
      // A finished run or test run (output and result) is written at once, not at the next checkpoint.
      archive.saveNow(job.run.sessionId);
    },
  });
  const execution = runs.execution;
  const questions = await loadQuestions(config, logger);
  const oidc = await createOidcSignIn(config, identity, database, logger);
  const teamRubric = new TeamRubricStore(database.db);
  const scorecards = new ScorecardService({
    repository: new ScorecardRepository(database.db),
    teamRubric,
    questionRubric: (questionId) => questions.get(questionId)?.rubric,
    liveQuestionId: (interviewId) => rooms.get(interviewId)?.interview.questions.view('interviewer').questionId,
    events: teamEvents,
  });
  const apiTokens = new ApiTokenService(database.db);
  // The REST limits count across nodes when they share Redis.
  const limiterStores = cluster ? (name: string) => cluster.minuteStore(name) : undefined;
  const app = createApp({
    limiterStores,
    questions,
    questionLimits,
    clientOrigins: config.clientOrigins,
    publicUrl: config.publicUrl,
    sessions,
    rooms,
    logger,
    metrics,
    version: VERSION,
    sessionsCreatePerMinute: config.SESSIONS_PER_MINUTE_PER_IP,
    execution,
    runsPerMinutePerClient: config.EXECUTION_RUNS_PER_MINUTE_PER_CLIENT,
    identity,
    auth: {
      cookieSecure: config.authCookieSecure,
      cookieSameSite: config.AUTH_COOKIE_SAMESITE,
      attemptsPerMinute: config.SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP,
      dataDir: config.dataDir,
      oidc: { enabled: oidc !== null, label: config.OIDC_LABEL },
    },
    extraRoutes: [
      interviewsRoutes({ interviews, sessions, scorecards: scorecards.repository }),
      scorecardsRoutes({ scorecards, teamRubric }),
      webhooksRoutes(webhooks),
      oidcRoutes({
        oidc,
        identity,
        publicUrl: config.publicUrl,
        cookieSecure: config.authCookieSecure,
        cookieSameSite: config.AUTH_COOKIE_SAMESITE,
        attemptsPerMinute: config.SIGN_IN_ATTEMPTS_PER_MINUTE_PER_IP,
        limiterStores,
        logger: logger.child({ service: 'oidc' }),
      }),
    ],
    onMemberDisabled: (memberId) => dropMemberSockets(io, memberId),
    onGuestLinkRevoked: (sessionId) => {
      dropGuestSockets(io, sessionId);
      // The archive keeps the revocation too: the report served from it refuses the link as well.
      void interviews
        .setGuestLinkRevoked(sessionId, true)
        .catch((error: unknown) => logger.warn('could not record a guest link revocation', { sessionId, error: String(error) }));
    },
    interviews: { get: (id) => interviews.get(id), sessionCreated: (interview) => archive.sessionCreated(interview) },
    publicApi: {
      tokens: apiTokens,
      interviews,
      scorecards: scorecards.repository,
      requestsPerMinutePerToken: config.API_REQUESTS_PER_MINUTE_PER_TOKEN,
    },
    healthChecks: {
      sessions: async () => ({ ok: true, required: true, details: { sessions: await store.count(), rooms: rooms.roomCount } }),
      executor: executorHealthCheck(executors, executor, config.EXECUTION_REQUIRED),
      ...(cluster ? { redis: cluster.healthCheck } : {}),
      database: databaseHealthCheck(database),
      archive: archiveHealthCheck(archive),
      webhooks: async () => {
        const { ok, ...details } = await webhooks.health();
        return { ok, required: false, details };
      },
    },
  });
  const httpServer = createServer(app);
  const io = attachRealtime({
    httpServer,
    clientOrigins: config.clientOrigins,
    sessions,
    rooms,
    runs,
    previews,
    questions,
    identity,
    onMemberJoined: (sessionId, memberId) =>
      void scorecards.repository
        .recordInterviewer(sessionId, memberId)
        .catch((error: unknown) => logger.warn('could not record an interviewer of an interview', { sessionId, error: String(error) })),
    logger,
    eventsPerSecond: config.SOCKET_EVENTS_PER_SECOND,
    eventBurst: config.SOCKET_EVENT_BURST,
    pingIntervalMs: config.SOCKET_PING_INTERVAL_MS,
    pingTimeoutMs: config.SOCKET_PING_TIMEOUT_MS,
  });
  cluster?.attachAdapter(io);
  // A preview's address (`<token>.<PREVIEW_ORIGIN host>`) is answered before Express and Socket.IO
  // (even on /socket.io/: that path of the preview origin is the candidate's app's).
  servePreviewHostFirst(httpServer, previewHostHandler(previews));
  retention.start();
  webhooks.start();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  logger.info(`backend listening on http://${config.HOST}:${port}`, { clientOrigins: config.clientOrigins });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // 1. Stop accepting connections; sockets already in rooms keep working while runs finish.
      httpServer.close();
      clearInterval(sweepAuthSessions);
      // 2. Running jobs get part of the shutdown window; their results still reach the rooms.
      const grace = Math.max(0, Math.min(5_000, config.SHUTDOWN_TIMEOUT_MS - 4_000));
      await runs.drain(grace);
      await previews.close();
      executors.close();
      // 3. Tell every client to reconnect (to this node once it is back, or to another one).
      rooms.closeAll({ reason: 'shutdown', message: 'The server is restarting; reconnecting…' });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
      rooms.dispose();
      // 4. Unloading the rooms above took their last state: write it, then close the database.
      await retention.stop();
      const saved = await archive.flush(Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 4_000 - grace));
      if (!saved) logger.warn('shutting down with interview changes the database did not take; the last checkpoint is kept');
      archive.close();
      // 5. The events of those last writes are queued; deliveries in flight are handed back to the other nodes.
      await webhooks.close();
      await store.close();
      await database.close();
      await cluster?.close();
      await executor?.close();
    })();
    return closing;
  };

  return {
    url: `http://${host}:${port}`,
    port,
    httpServer,
    app,
    io,
    sessions,
    rooms,
    runs,
    previews,
    execution,
    pistonUrl,
    executor,
    database,
    identity,
    interviews,
    archive,
    teamEvents,
    scorecards,
    apiTokens,
    webhooks,
    close,
  };
}
