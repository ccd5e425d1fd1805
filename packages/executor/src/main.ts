import { ExecutorConfigError, startExecutor } from './index';
import { createConsoleLogger } from './logger';

/** `npm run executor`: the executor alone, configured from the environment. */
const logger = createConsoleLogger();
try {
  const handle = await startExecutor({ env: process.env, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    handle.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof ExecutorConfigError) {
    logger.error(error.message);
  } else {
    logger.error('executor failed to start', { error: (error as Error).message });
  }
  process.exit(1);
}
