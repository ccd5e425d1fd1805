import type { SocketYjsProvider } from '@pairpad/client';
import type { Ack, RunRecord, RunStarted, RunUpdate, RunsHistory } from '@pairpad/protocol';
import { waitFor } from '../helpers/wait-for';

/** Everything one provider heard about runs: each `run:update` and the latest `runs:history`. */
export interface RunLog {
  updates: RunRecord[];
  history: RunRecord[] | null;
  /** The latest record seen for a job. */
  latest(jobId: string): RunRecord | undefined;
  states(jobId: string): string[];
}

export function listenForRuns(provider: SocketYjsProvider): RunLog {
  const log: RunLog = {
    updates: [],
    history: null,
    latest: (jobId) => log.updates.filter((run) => run.jobId === jobId).at(-1),
    states: (jobId) => log.updates.filter((run) => run.jobId === jobId).map((run) => run.state),
  };
  provider.socket.on('run:update', (update: RunUpdate) => log.updates.push(update.run));
  provider.socket.on('runs:history', (history: RunsHistory) => (log.history = history.runs));
  return log;
}

/** `run:start` through the real provider; throws with the server's words when refused. */
export async function startRun(provider: SocketYjsProvider, payload: Record<string, unknown> = {}): Promise<RunRecord> {
  const ack = await provider.request('run:start', payload);
  if (!ack.ok) throw Object.assign(new Error(ack.error.message), { code: ack.error.code });
  return ack.run;
}

export function startRunAck(provider: SocketYjsProvider, payload: unknown): Promise<Ack<RunStarted>> {
  // Deliberately unchecked: tests send payloads the server must refuse.
  return provider.request('run:start', payload as Record<string, never>);
}

/** `waitFor` for checks that answer a value or undefined: resolves with the value. */
export async function waitForValue<T>(
  check: () => T | undefined | null | Promise<T | undefined | null>,
  options: Parameters<typeof waitFor>[1] = {},
): Promise<T> {
  return (await waitFor(check, options)) as T;
}

export async function waitFinished(log: RunLog, jobId: string, timeoutMs = 30_000): Promise<RunRecord> {
  return waitForValue(
    () => {
      const run = log.latest(jobId);
      return run && (run.state === 'completed' || run.state === 'failed') ? run : undefined;
    },
    { timeoutMs, what: `run ${jobId} to finish` },
  );
}

export function setStdin(provider: SocketYjsProvider, text: string): void {
  const stdin = provider.doc.getText('stdin');
  provider.doc.transact(() => {
    stdin.delete(0, stdin.length);
    stdin.insert(0, text);
  });
}

export function setCode(provider: SocketYjsProvider, text: string): void {
  const code = provider.doc.getText('code');
  provider.doc.transact(() => {
    code.delete(0, code.length);
    code.insert(0, text);
  });
}
