import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Metrics } from './metrics';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface HttpLogger {
  http(message: string, meta?: object): void;
  /**
   * winston's: whether a line at `level` would be written. winston builds and formats every line
   * before its level is looked at; asked first, a request costs nothing to log when `http` is off.
   */
  isLevelEnabled?(level: string): boolean;
}

/**
 * Gives every request an id (a well-formed incoming X-Request-Id is kept, so ids follow a request
 * through a proxy), echoes it in the response, logs one line per request with it, and records
 * the duration under the route template (never the raw path, which would explode label counts).
 * Bodies are never logged: they carry candidates' code and input.
 */
export function requestContext(logger: HttpLogger, metrics: Metrics): RequestHandler {
  return (request, response, next) => {
    const incoming = request.get('x-request-id');
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    response.locals.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = (request.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${request.baseUrl}${routePath}` : 'unmatched';
      metrics.httpRequestDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
      if (logger.isLevelEnabled?.('http') === false) return;
      const sessionId = typeof request.params?.id === 'string' ? request.params.id : undefined;
      logger.http('request', {
        requestId,
        method: request.method,
        route,
        status: response.statusCode,
        ms: Math.round(seconds * 1000),
        ...(sessionId ? { sessionId } : {}),
      });
    });
    next();
  };
}
