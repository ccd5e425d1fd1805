import winston from 'winston';

export type Logger = winston.Logger;

/** JSON lines in production (or LOG_FORMAT=json), short readable lines otherwise. */
export function createLogger(options: {
  level: string;
  format: 'json' | 'pretty';
  silent?: boolean;
  stream?: NodeJS.WritableStream;
}): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
      : winston.format.combine(
          winston.format.colorize(),
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          winston.format.printf(({ timestamp, level, message, service, ...meta }) => {
            const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level} ${service ? `[${String(service)}] ` : ''}${String(message)}${rest}`;
          }),
        );
  return winston.createLogger({
    level: options.level,
    format,
    defaultMeta: { service: 'backend' },
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
    silent: options.silent ?? false,
  });
}
