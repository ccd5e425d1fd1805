import type { ExecutorHandle } from '@pairpad/executor';
import type { HealthCheck } from './health-check';

/**
 * Executor health: the embedded one reports directly, and without a working sandbox it fails
 * readiness (unless EXECUTION_REQUIRED=false: collaboration-only on purpose), since restarting
 * or replacing the instance is what can fix it. A remote Piston must list its runtimes; its
 * outage never fails readiness (another service's outage; rooms keep working, runs say why).
 */
export function executorHealthCheck(
  pistonUrl: string,
  apiKey: string | undefined,
  executor: ExecutorHandle | null,
  required: boolean,
): HealthCheck {
  return async () => {
    if (executor) {
      const report = executor.health();
      return report.status === 'ok'
        ? {
            ok: true,
            required,
            details: { url: pistonUrl, embedded: true, runtimes: report.runtimes, ready: report.ready, sandbox: report.sandbox },
          }
        : { ok: false, required, details: { url: pistonUrl, embedded: true, reason: report.reason } };
    }
    try {
      const response = await fetch(`${pistonUrl}/api/v2/runtimes`, {
        signal: AbortSignal.timeout(2_000),
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      });
      const runtimes = response.ok ? ((await response.json()) as unknown[]) : [];
      return {
        ok: response.ok,
        required: false,
        details: { url: pistonUrl, embedded: false, status: response.status, runtimes: runtimes.length },
      };
    } catch (error) {
      return {
        ok: false,
        required: false,
        details: { url: pistonUrl, embedded: false, reason: error instanceof Error ? error.message : String(error) },
      };
    }
  };
}
