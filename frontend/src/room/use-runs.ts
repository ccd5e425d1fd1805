'use client';

import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type * as Y from 'yjs';
import type { SocketYjsProvider } from '@pairpad/client';
import type { ConsoleEntries, ConsoleTranscript, JobState, RunRecord, RunUpdate, RunsHistory } from '@pairpad/protocol';
import { ConsoleStore } from './console-store';
import { useRoomRequest } from './use-room-request';
import { ROOM_DOC } from '@pairpad/protocol/wire';

/** Mirrors RUN_HISTORY_LIMIT in the protocol, kept here so the room bundle needs no zod module for it. */
const HISTORY_LIMIT = 20;

export interface RunsState {
  /** The room's recent runs, newest first (the same list for everyone in the room). */
  runs: RunRecord[];
  /** Server clock minus this browser's clock, so elapsed times tick from the server's timestamps. */
  clockOffsetMs: number;
  /** The shared "Input" (stdin), null until the provider exists. */
  stdin: Y.Text | null;
  /** A run request is on its way to the server. */
  starting: boolean;
  /** Why the last run request was refused (rate limit, …), in words. */
  error: string | null;
  run(): Promise<void>;
  dismissError(): void;
  /** Runs' console transcripts (live output, typed lines, stops). */
  consoles: ConsoleStore;
  /** Bumped when a run gets its first console entries (so the panel shows its console). */
  consoleVersion: number;
  /** Sends a line to the running program's stdin; resolves with the refusal in words, if any. */
  sendInput(jobId: string, text: string): Promise<string | null>;
  /** Ctrl+D: ends the running program's stdin. */
  endInput(jobId: string): Promise<string | null>;
  /** Ctrl+C (SIGINT) or the second press of Stop (SIGKILL). */
  stop(jobId: string, signal: 'SIGINT' | 'SIGKILL'): Promise<string | null>;
}

const STATE_RANK: Record<JobState, number> = { queued: 0, running: 1, completed: 2, failed: 2 };

/** Adds or replaces a run; an older state never overwrites a newer one (acks and broadcasts can cross). */
export function upsertRun(runs: RunRecord[], run: RunRecord): RunRecord[] {
  const index = runs.findIndex((existing) => existing.jobId === run.jobId);
  if (index < 0) return [run, ...runs].slice(0, HISTORY_LIMIT);
  if (STATE_RANK[runs[index]!.state] > STATE_RANK[run.state]) return runs;
  const next = [...runs];
  next[index] = run;
  return next;
}

/** Runs in the room: the shared history, live updates, and starting a run. Used by useRoom only. */
export function useRuns(provider: SocketYjsProvider | null): RunsState {
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [clockOffsetMs, setClockOffset] = useState(0);
  const { pending: starting, error, setError, send } = useRoomRequest(provider);
  const [consoleVersion, bumpConsole] = useReducer((version: number) => version + 1, 0);
  const [consoles] = useState(() => new ConsoleStore(bumpConsole));

  useEffect(() => {
    if (!provider) return;
    const onEntries = (entries: ConsoleEntries) => consoles.append(entries);
    const onHistory = ({ transcripts }: { transcripts: ConsoleTranscript[] }) => consoles.replace(transcripts);
    provider.socket.on('console:entries', onEntries);
    provider.socket.on('console:history', onHistory);
    return () => {
      provider.socket.off('console:entries', onEntries);
      provider.socket.off('console:history', onHistory);
      consoles.clear();
    };
  }, [provider, consoles]);

  const sendInput = useCallback(
    async (jobId: string, text: string) => {
      if (!provider) return 'Not connected.';
      const ack = await provider.request('console:input', { jobId, text });
      return ack.ok ? null : ack.error.message;
    },
    [provider],
  );
  const endInput = useCallback(
    async (jobId: string) => {
      if (!provider) return 'Not connected.';
      const ack = await provider.request('console:eof', { jobId });
      return ack.ok ? null : ack.error.message;
    },
    [provider],
  );
  const stop = useCallback(
    async (jobId: string, signal: 'SIGINT' | 'SIGKILL') => {
      if (!provider) return 'Not connected.';
      const ack = await provider.request('console:signal', { jobId, signal });
      return ack.ok ? null : ack.error.message;
    },
    [provider],
  );

  useEffect(() => {
    setRuns([]);
    if (!provider) return;
    const onHistory = (history: RunsHistory) => {
      setClockOffset(history.serverTime - Date.now());
      // Sent on every (re)join: the server's list is the truth.
      setRuns(history.runs.slice(0, HISTORY_LIMIT));
    };
    const onUpdate = (update: RunUpdate) => {
      setClockOffset(update.serverTime - Date.now());
      setRuns((current) => upsertRun(current, update.run));
    };
    provider.socket.on('runs:history', onHistory);
    provider.socket.on('run:update', onUpdate);
    return () => {
      provider.socket.off('runs:history', onHistory);
      provider.socket.off('run:update', onUpdate);
    };
  }, [provider]);

  const run = useCallback(() => send('run:start', {}, (ack) => setRuns((current) => upsertRun(current, ack.run))), [send]);

  return useMemo(
    () => ({
      runs,
      clockOffsetMs,
      stdin: provider?.doc.getText(ROOM_DOC.stdin) ?? null,
      starting,
      error,
      run,
      dismissError: () => setError(null),
      consoles,
      consoleVersion,
      sendInput,
      endInput,
      stop,
    }),
    [runs, clockOffsetMs, provider, starting, error, run, consoles, consoleVersion, sendInput, endInput, stop],
  );
}
