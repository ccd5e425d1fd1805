import { AppError, type ErrorBody } from '@pairpad/protocol';

/** Socket.IO turns an Error passed to `next()` into `connect_error`; `data` carries our code. */
export function toConnectError(error: unknown): Error & { data: ErrorBody } {
  const body: ErrorBody =
    error instanceof AppError ? error.toBody() : { code: 'INTERNAL_ERROR', message: 'The server could not accept this connection.' };
  const connectError = new Error(body.message) as Error & { data: ErrorBody };
  connectError.data = body;
  return connectError;
}

export function toErrorBody(error: unknown): ErrorBody {
  return error instanceof AppError ? error.toBody() : { code: 'INTERNAL_ERROR', message: 'Something went wrong on the server.' };
}
