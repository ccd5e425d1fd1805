import type { Request, RequestHandler, Response } from 'express';
import rateLimit, { type Store } from 'express-rate-limit';
import { AppError } from '@pairpad/protocol';

/**
 * Where the per-minute counters live, by limiter name: this process's memory (none given), or a
 * store every node shares (Redis, `cluster/`), so N nodes behind a load balancer allow the
 * documented number of requests, not N times it.
 */
export type LimiterStores = (name: string) => Store;

export interface MinuteLimiterOptions {
  /** Names the counters in a shared store ('sign-in', 'api-token', …): limiters never share keys. */
  name: string;
  /** Requests allowed per minute and key. */
  limit: number;
  /** The RATE_LIMITED message a refused request gets. */
  refusal: string;
  /** The key a request counts against; the client's address (an IPv6 /56) when not given. */
  key?: (request: Request, response: Response) => string;
  stores?: LimiterStores | undefined;
  /** Answers a refusal itself (a browser redirect) instead of the JSON error contract. */
  onRefused?: (response: Response, error: AppError) => void;
}

/** A fixed one-minute window limiter: one home for the limits of the REST routes. */
export function minuteLimiter(options: MinuteLimiterOptions): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(options.key ? { keyGenerator: options.key } : {}),
    ...(options.stores ? { store: options.stores(options.name) } : {}),
    // A shared store that cannot answer (Redis restarting) lets the request through rather than
    // failing every sign-in and run: the per-account lockout and the room's own limits still hold.
    passOnStoreError: true,
    handler: (_request, response, next) => {
      const error = new AppError('RATE_LIMITED', options.refusal);
      if (options.onRefused) options.onRefused(response, error);
      else next(error);
    },
  });
}
