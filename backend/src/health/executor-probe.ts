/**
 * One look at a remote executor: does it list runtimes (Piston API v2: `GET /api/v2/runtimes`),
 * and, where it says (PairPad's executor: `GET /health`), is it done proving them and how busy
 * is its own queue. Used by /health's executor check and by the executor pool.
 */
export interface ExecutorProbe {
  /** It lists at least one runtime and does not say it is still starting. */
  ok: boolean;
  /** The status of `GET /api/v2/runtimes`, when it answered. */
  status?: number;
  /** Its runtimes list as answered (unchecked: the caller parses it). */
  runtimes: unknown[];
  /** PairPad's executor: false while it is still proving its runtimes. */
  ready?: boolean;
  /**
   * PairPad's executor: jobs running and waiting in its own queue, and its connect sessions
   * (streamed runs and consoles, which hold no queue slot while they run), from every backend it serves.
   */
  queue?: { running: number; queued: number; sessions: number };
  /** Why it is not ok, in words for an operator. */
  reason?: string;
}

interface ExecutorHealthBody {
  ready?: unknown;
  reason?: unknown;
  queue?: { running?: unknown; queued?: unknown };
  connect?: { sessions?: unknown };
}

async function getJson(url: string, apiKey: string | undefined, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Its `/health`, read leniently: a plain Piston has none (404), which says nothing either way. */
async function executorHealth(baseUrl: string, apiKey: string | undefined, timeoutMs: number): Promise<ExecutorHealthBody | null> {
  try {
    const { body } = await getJson(`${baseUrl}/health`, apiKey, timeoutMs);
    return body && typeof body === 'object' ? (body as ExecutorHealthBody) : null;
  } catch {
    return null;
  }
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

export async function probeExecutor(baseUrl: string, apiKey: string | undefined, timeoutMs = 2_000): Promise<ExecutorProbe> {
  const [runtimes, health] = await Promise.all([
    getJson(`${baseUrl}/api/v2/runtimes`, apiKey, timeoutMs).catch((error: unknown) => error),
    executorHealth(baseUrl, apiKey, timeoutMs),
  ]);
  if (runtimes instanceof Error) return { ok: false, runtimes: [], reason: runtimes.message };
  const { status, body } = runtimes as { status: number; body: unknown };
  const list = Array.isArray(body) ? body : [];
  const ready = typeof health?.ready === 'boolean' ? health.ready : undefined;
  const queue = health?.queue
    ? { running: count(health.queue.running), queued: count(health.queue.queued), sessions: count(health.connect?.sessions) }
    : undefined;
  const reason =
    status !== 200
      ? `it answered HTTP ${status} for its runtimes${typeof health?.reason === 'string' ? `: ${health.reason}` : ''}`
      : list.length === 0
        ? 'it lists no runtimes yet'
        : ready === false
          ? 'it is still proving its runtimes'
          : undefined;
  return {
    ok: reason === undefined,
    status,
    runtimes: list,
    ...(ready !== undefined ? { ready } : {}),
    ...(queue ? { queue } : {}),
    ...(reason ? { reason } : {}),
  };
}
