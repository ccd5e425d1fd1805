import type { ExecutorHandle } from '@pairpad/executor';
import type { ExecutorPool } from '../runs/executor-pool';
import type { HealthCheck } from './health-check';

/**
 * Executor health: the embedded one reports directly, and without a working sandbox it fails
 * readiness (unless EXECUTION_REQUIRED=false: collaboration-only on purpose), since restarting
 * or replacing the instance is what can fix it. Remote executors (PISTON_URL, PISTON_URLS) are
 * checked now (which also updates the pool): ok while at least one is up; their outage never
 * fails readiness (another service's outage; rooms keep working, runs say why).
 */
export function executorHealthCheck(pool: ExecutorPool, executor: ExecutorHandle | null, required: boolean): HealthCheck {
  return async () => {
    if (executor) {
      const report = executor.health();
      return report.status === 'ok'
        ? {
            ok: true,
            required,
            details: { url: executor.url, embedded: true, runtimes: report.runtimes, ready: report.ready, sandbox: report.sandbox },
          }
        : { ok: false, required, details: { url: executor.url, embedded: true, reason: report.reason } };
    }
    await pool.checkAll();
    const executors = pool.executors.map((member) => ({
      name: member.name,
      url: member.url,
      up: member.up === true,
      inFlight: member.inFlight,
      ...member.lastCheck,
      ...(member.reported ? { queue: member.reported } : {}),
      ...(member.reason ? { reason: member.reason } : {}),
    }));
    const up = executors.filter((member) => member.up).length;
    if (executors.length === 1) {
      const [only] = executors as [(typeof executors)[number]];
      return { ok: only.up, required: false, details: { ...only, embedded: false } };
    }
    return { ok: up > 0, required: false, details: { embedded: false, up, of: executors.length, executors } };
  };
}
