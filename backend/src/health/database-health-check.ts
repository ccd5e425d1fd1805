import type { DatabaseHandle, InterviewArchive } from '../store';
import type { HealthCheck } from './health-check';

/**
 * Database health: never required. Live rooms work without the database (saving waits and
 * catches up), and restarting the backend cannot fix a database that is down or full.
 */
export function databaseHealthCheck(database: DatabaseHandle): HealthCheck {
  return async () => {
    try {
      await database.ping();
      return { ok: true, required: false, details: { engine: database.engine } };
    } catch (error) {
      return {
        ok: false,
        required: false,
        details: { engine: database.engine, reason: error instanceof Error ? error.message : String(error) },
      };
    }
  };
}

/** `delayed` while some interview's latest state waits for the database (the rooms keep working). */
export function archiveHealthCheck(archive: InterviewArchive): HealthCheck {
  return async () => {
    const health = archive.health();
    return { ok: health.status === 'saved', required: false, details: { ...health } };
  };
}
