import { Router } from 'express';
import { ExecuteBodySchema, JobIdSchema, parseOrThrow, type ExecuteAccepted } from '@pairpad/protocol';
import type { ExecutionService } from '../runs';
import type { SessionService } from '../sessions';
import { roleOfRequest } from './session-access';
import { minuteLimiter, type LimiterStores } from './minute-limiter';

export interface ExecuteRoutesOptions {
  /** Shared counters for the per-minute limit (Redis across nodes); this process's memory without. */
  limiterStores?: LimiterStores | undefined;
  execution: ExecutionService;
  /** Runs one client address may start per minute over REST (the queue also counts room runs). */
  runsPerMinute: number;
  /** Reads the caller's role (member cookie or guest bearer token): without either a run counts as a candidate's. */
  sessions?: SessionService;
}

/** Code execution over REST; runs started here join the room's queue and show in the room. */
export function executeRoutes({ execution, runsPerMinute, sessions, limiterStores }: ExecuteRoutesOptions): Router {
  const router = Router();
  const executeLimiter = minuteLimiter({
    name: 'execute',
    limit: runsPerMinute,
    refusal: `Too many runs: at most ${runsPerMinute} per minute; try again shortly.`,
    stores: limiterStores,
  });

  router.post('/api/execute', executeLimiter, async (request, response) => {
    const body = parseOrThrow(ExecuteBodySchema, request.body ?? {}, 'execute request');
    const role = sessions ? (await roleOfRequest(sessions, body.sessionId, request, response)).role : 'candidate';
    const run = await execution.start({ ...body, role, clientKey: request.ip ?? 'unknown', startedBy: { name: 'API', via: 'api' } });
    const accepted: ExecuteAccepted = { jobId: run.jobId, state: run.state };
    response.status(202).location(`/api/execute/status/${run.jobId}`).json(accepted);
  });

  router.get('/api/execute/status/:jobId', async (request, response) => {
    const jobId = parseOrThrow(JobIdSchema, request.params.jobId, 'job id');
    // findRun answers for runs started on other nodes too when runs are shared through Redis.
    response.json(await execution.findRun(jobId));
  });

  router.get('/api/runtimes', async (_request, response) => {
    response.json(await execution.runtimes());
  });

  router.get('/api/queue-stats', (_request, response) => {
    response.json(execution.stats());
  });

  return router;
}
