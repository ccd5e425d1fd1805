import { Router } from 'express';
import {
  ApiTokenIdSchema,
  CreateApiTokenBodySchema,
  ListApiTokensQuerySchema,
  parseOrThrow,
  type ApiTokensListResponse,
} from '@pairpad/protocol';
import type { ApiTokenService } from '../public-api/api-token-service';
import { answerFresh } from './fresh-answer';
import { requireMember } from './authentication';

/** `/api/tokens*`: a signed-in member's personal API tokens (cookie + CSRF, like every member route). */
export function apiTokensRoutes(tokens: ApiTokenService): Router {
  const router = Router();

  router.get('/api/tokens', async (request, response) => {
    const member = requireMember(response);
    const query = parseOrThrow(ListApiTokensQuerySchema, request.query, 'token list query');
    const body: ApiTokensListResponse = { tokens: await tokens.list(member, query.scope) };
    answerFresh(response, body);
  });

  router.post('/api/tokens', async (request, response) => {
    const member = requireMember(response);
    const body = parseOrThrow(CreateApiTokenBodySchema, request.body ?? {}, 'API token');
    answerFresh(response, await tokens.create(member, body), 201);
  });

  router.post('/api/tokens/:id/revoke', async (request, response) => {
    const member = requireMember(response);
    const id = parseOrThrow(ApiTokenIdSchema, request.params.id, 'token id');
    response.json(await tokens.revoke(member, id));
  });

  return router;
}
