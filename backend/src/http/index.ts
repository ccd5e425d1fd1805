export { createApp, type AppOptions } from './app';
export type { HealthCheck, HealthCheckResult } from './health-routes';
export { Metrics, type MetricSources } from './metrics';
export { interviewsRoutes } from './interviews-routes';
export { oidcRoutes, type OidcRoutesOptions } from './oidc-routes';
export { scorecardsRoutes, type ScorecardsRoutesOptions } from './scorecards-routes';
export { webhooksRoutes } from './webhooks-routes';
