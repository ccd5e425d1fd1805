/** The little the executor needs from a logger; a winston logger fits it as is. */
export interface ExecutorLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object): void;
}

type Level = 'info' | 'warn' | 'error';

/** Default logger: one JSON line per entry on stderr, so it never mixes with program output. */
export function createConsoleLogger(component = 'executor'): ExecutorLogger {
  const write = (level: Level, message: string, meta?: object) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, component, message, ...meta });
    process.stderr.write(`${line}\n`);
  };
  return {
    info: (message, meta) => write('info', message, meta),
    warn: (message, meta) => write('warn', message, meta),
    error: (message, meta) => write('error', message, meta),
  };
}

/** A logger that drops everything (tests that don't care about logs). */
export const silentLogger: ExecutorLogger = { info() {}, warn() {}, error() {} };
