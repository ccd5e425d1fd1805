import { Router, type RequestHandler } from 'express';

import type { HealthCheck, HealthCheckResult } from '../health/health-check';

export type { HealthCheck, HealthCheckResult };

const startedAt = Date.now();

export function healthRoutes(options: { version: string; checks: Record<string, HealthCheck> }): Router {
  const router = Router();

  async function run(name: string, check: HealthCheck): Promise<HealthCheckResult> {
    try {
      return await check();
    } catch (error) {
      return { ok: false, required: true, details: { error: error instanceof Error ? error.message : String(error), check: name } };
    }
  }

  // Liveness: the process runs and its event loop answers. Never depends on Redis or the
  // executor, so that their outage does not get every backend restarted.
  router.get('/health/live', (_request, response) => {
    response.json({ status: 'ok', version: options.version, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  // Readiness (= /health): 503 while a required check fails.
  const readiness: RequestHandler = async (_request, response) => {
    const entries = await Promise.all(Object.entries(options.checks).map(async ([name, check]) => [name, await run(name, check)] as const));
    const checks = Object.fromEntries(entries);
    const failingRequired = entries.some(([, result]) => result.required && !result.ok);
    const degraded = entries.some(([, result]) => !result.ok);
    response.status(failingRequired ? 503 : 200).json({
      status: failingRequired ? 'unavailable' : degraded ? 'degraded' : 'ok',
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      checks,
    });
  };
  router.get('/health', readiness);
  router.get('/health/ready', readiness);

  router.get('/health/:check', async (request, response) => {
    const check = options.checks[request.params.check];
    if (!check) {
      response.status(404).json({ error: { code: 'NOT_FOUND', message: `No health check named "${request.params.check}".` } });
      return;
    }
    const result = await run(request.params.check, check);
    response.status(result.ok ? 200 : 503).json({ status: result.ok ? 'ok' : 'unavailable', ...result });
  });

  return router;
}
