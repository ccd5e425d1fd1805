export { createApp, type AppOptions } from './app';
export type { HealthCheck, HealthCheckResult } from './health-routes';
