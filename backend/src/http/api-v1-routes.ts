import { Router, type Request, type RequestHandler, type Response } from 'express';
import { API_V1_ROUTES, parseOrThrow, type ApiCreateInterviewBody, type ApiListInterviewsQuery, type ApiV1Route } from '@pairpad/protocol';
import { requireScope, type ApiCaller, type ApiTokenService } from '../public-api/api-token-service';
import type { PublicApi } from '../public-api/public-api';
import { openApiDocument } from '../public-api/openapi-document';
import { minuteLimiter, type LimiterStores } from './minute-limiter';

export interface ApiV1RoutesOptions {
  /** Shared counters for the per-minute limit (Redis across nodes); this process's memory without. */
  limiterStores?: LimiterStores | undefined;
  tokens: ApiTokenService;
  api: PublicApi;
  version: string;
  /** Requests one token may make per minute (API_REQUESTS_PER_MINUTE_PER_TOKEN). */
  requestsPerMinute: number;
}

/**
 * The input of a route once its row's schemas parsed it: `query` and `body` are typed by the
 * handler (the casts below name the schema's inferred type; the parse happened just before).
 */
interface Input {
  params: { id?: string };
  query: unknown;
  body: unknown;
  caller: ApiCaller;
  request: Request;
}

type Handler = (input: Input) => Promise<unknown> | unknown;

const callerOf = (response: Response): ApiCaller => response.locals.apiCaller as ApiCaller;

/**
 * `/api/v1/*`: the public API, one Express route per row of API_V1_ROUTES. Bearer tokens only —
 * mounted before the cookie middleware, so a cookie neither authenticates nor demands CSRF here.
 * Each route: token (API_TOKEN_INVALID), scope (API_TOKEN_SCOPE_MISSING), rate limit per token,
 * the row's schemas, then the logic in `public-api/`.
 */
export function apiV1Routes(options: ApiV1RoutesOptions): Router {
  const { tokens, api } = options;
  const handlers: Record<string, Handler> = {
    getOpenApi: ({ request }) => openApiDocument({ version: options.version, serverUrl: `${request.protocol}://${request.get('host')}` }),
    createInterview: ({ caller, body }) => api.createInterview(caller, body as ApiCreateInterviewBody),
    listInterviews: ({ query }) => api.listInterviews(query as ApiListInterviewsQuery),
    getInterview: ({ params }) => api.getInterview(params.id!),
    getInterviewReport: ({ params }) => api.report(params.id!),
    listInterviewScorecards: ({ params }) => api.scorecards(params.id!),
    getInterviewPlayback: ({ params, request }) => api.playback(params.id!, `${request.protocol}://${request.get('host')}`),
  };
  const authenticate =
    (route: ApiV1Route): RequestHandler =>
    async (request, response, next) => {
      const caller = await tokens.authenticate(request.get('authorization'));
      requireScope(caller, route.scope!);
      response.locals.apiCaller = caller;
      next();
    };
  const limiter = minuteLimiter({
    name: 'api-token',
    limit: options.requestsPerMinute,
    refusal: 'Too many requests with this API token; try again in a minute.',
    key: (_request, response) => callerOf(response).tokenId,
    stores: options.limiterStores,
  });

  const router = Router();
  for (const route of API_V1_ROUTES) {
    const handler = handlers[route.operationId];
    if (!handler) throw new Error(`no handler for ${route.operationId}`);
    const guards = route.scope === null ? [] : [authenticate(route), limiter];
    const method = route.method === 'GET' ? router.get.bind(router) : router.post.bind(router);
    method(route.path, ...guards, async (request: Request, response: Response) => {
      const input: Input = {
        params: route.params ? (parseOrThrow(route.params, request.params, 'path') as Input['params']) : {},
        query: route.query ? parseOrThrow(route.query, request.query, 'query') : {},
        body: route.body ? parseOrThrow(route.body, request.body ?? {}, 'body') : {},
        caller: response.locals.apiCaller as ApiCaller,
        request,
      };
      const result = await handler(input);
      response.status(route.status).set('Cache-Control', 'no-store').json(result);
    });
  }
  return router;
}
