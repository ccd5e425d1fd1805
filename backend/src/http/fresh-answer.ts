import type { Response } from 'express';

/**
 * A JSON answer that no cache may keep: a member's or admin's data, a secret shown once. One home
 * for the header the member and admin routes send with every such answer.
 */
export function answerFresh(response: Response, body: unknown, status = 200): void {
  response.status(status).set('Cache-Control', 'no-store').json(body);
}
