import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '@pairpad/protocol';
import { StoreUnavailableError } from '../store';

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * Express's router decodes each path parameter with decodeURIComponent and passes its URIError on
 * (with status 400) when a `%` escape is not valid UTF-8: `/api/sessions/%ff` reaches us that way.
 */
function isUndecodablePath(error: unknown): boolean {
  return error instanceof URIError;
}

/** Maps anything thrown in a route to `{ error: { code, message } }`; internals never leak. */
export function errorHandler(logger: { error(message: string, meta?: object): void }): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (error instanceof StoreUnavailableError) {
      appError = new AppError(
        'DATABASE_UNAVAILABLE',
        'The database is not answering right now; try again shortly. Live interviews keep working.',
      );
    } else if (isUndecodablePath(error)) {
      appError = new AppError('MALFORMED_URL', 'The address holds a malformed percent-escape (such as %ff); check the link.');
    } else {
      const parserError = error as BodyParserError;
      if (parserError.type === 'entity.too.large') appError = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
      else if (parserError.type === 'entity.parse.failed')
        appError = new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.');
      else if (parserError.status === 415 || parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported')
        appError = new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json (UTF-8).');
      else {
        logger.error('unhandled route error', {
          method: request.method,
          path: request.path,
          error: error instanceof Error ? error.stack : String(error),
        });
        appError = new AppError('INTERNAL_ERROR', 'Something went wrong on the server.');
      }
    }
    response.status(appError.status).json({ error: appError.toBody() });
  };
}

export const notFoundHandler: RequestHandler = (request, response) => {
  const error = new AppError('NOT_FOUND', `No route for ${request.method} ${request.path}.`);
  response.status(error.status).json({ error: error.toBody() });
};

/** A request with a body must say it is JSON; anything else is refused before parsing. */
export const requireJsonBody: RequestHandler = (request, _response, next) => {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is('application/json')) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'));
    return;
  }
  next();
};
