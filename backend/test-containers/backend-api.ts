import assert from 'node:assert/strict';
import type { CreateSessionResponse, ExecuteAccepted, ExecuteBody, RunRecord, RuntimeView } from '@pairpad/protocol';
import { pollUntil } from './docker';
import { http } from './fixture';

/** The backend's REST API as a deployer's client uses it: sessions, runtimes, runs. */

/** The first admin a test's backend container creates from ADMIN_EMAIL / ADMIN_PASSWORD (compose passes them through). */
export const CONTAINER_ADMIN = { email: 'admin@pairpad.test', password: 'container-admin-password' } as const;
export const CONTAINER_ADMIN_ENV: Record<string, string> = { ADMIN_EMAIL: CONTAINER_ADMIN.email, ADMIN_PASSWORD: CONTAINER_ADMIN.password };

/** Signs in as the container's admin: the cookie and the CSRF token a member's writes carry. */
async function signIn(base: string): Promise<Record<string, string>> {
  const response = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CONTAINER_ADMIN),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { csrfToken?: string };
  assert.equal(response.status, 200, `POST /api/auth/sign-in answered ${response.status}: ${JSON.stringify(body)}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  return { cookie, 'x-csrf-token': body.csrfToken ?? '' };
}

/** Creates a session as a signed-in member (sessions are for the team: anonymous callers get 401). */
export async function createSession(base: string): Promise<CreateSessionResponse> {
  const answer = await http<CreateSessionResponse>(`${base}/api/sessions`, {
    body: { name: 'Container test' },
    headers: await signIn(base),
  });
  assert.equal(answer.status, 201, `POST /api/sessions answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function runtimes(base: string): Promise<RuntimeView[]> {
  const answer = await http<RuntimeView[]>(`${base}/api/runtimes`);
  assert.equal(answer.status, 200, `GET /api/runtimes answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** POST /api/execute, then GET /api/execute/status/:jobId until the job has finished. */
export function runCode(base: string, sessionId: string, language: string, code: string, timeoutMs = 180_000): Promise<RunRecord> {
  return execute(base, { sessionId, language, code }, timeoutMs);
}

/** The same with several files (the entry first; a SQL pad's other `.sql` files run before it, in order). */
export function runFiles(
  base: string,
  sessionId: string,
  language: string,
  files: { name: string; content: string }[],
  timeoutMs = 180_000,
): Promise<RunRecord> {
  return execute(base, { sessionId, language, files }, timeoutMs);
}

async function execute(base: string, body: ExecuteBody & { language: string }, timeoutMs: number): Promise<RunRecord> {
  const { language } = body;
  const accepted = await http<ExecuteAccepted>(`${base}/api/execute`, { body });
  assert.equal(accepted.status, 202, `POST /api/execute (${language}) answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  return pollUntil(
    `${language} job ${accepted.body.jobId}`,
    timeoutMs,
    async () => {
      const status = await http<RunRecord>(`${base}/api/execute/status/${accepted.body.jobId}`);
      assert.equal(status.status, 200, `status answered ${status.status}`);
      return status.body.state === 'completed' || status.body.state === 'failed' ? status.body : undefined;
    },
    300,
  );
}

/** What a run printed (compile output included), for assertions and failure messages. */
export function printed(run: RunRecord): string {
  return [run.result?.compile?.output, run.result?.run?.output].filter(Boolean).join('');
}

export function describeRun(run: RunRecord): string {
  return JSON.stringify({
    state: run.state,
    outcome: run.result?.outcome,
    statusText: run.result?.statusText,
    error: run.error,
    output: printed(run).slice(0, 800),
  });
}

/** GET /health answers within `timeoutMs` (the server is still responsive). */
export async function healthWithin(
  base: string,
  timeoutMs: number,
): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; details?: Record<string, unknown> }> } }> {
  const started = Date.now();
  const answer = await http<{ status: string; checks: Record<string, { ok: boolean; details?: Record<string, unknown> }> }>(
    `${base}/health`,
    { timeoutMs },
  );
  assert.ok(Date.now() - started <= timeoutMs, 'health answered in time');
  return answer;
}
