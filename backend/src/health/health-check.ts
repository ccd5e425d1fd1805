/**
 * One named check behind /health (sessions, the executor, Redis): a neutral type, so the parts
 * that provide a check (cluster/, the composition root) need not import the HTTP layer.
 */
export interface HealthCheckResult {
  ok: boolean;
  /** Required checks failing make /health answer 503; optional ones only show as degraded. */
  required: boolean;
  details?: Record<string, unknown>;
}

export type HealthCheck = () => Promise<HealthCheckResult>;
