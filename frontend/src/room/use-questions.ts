'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { replaceSharedCode, type SocketYjsProvider } from '@pairpad/client';
import type { EditQuestion, RoomQuestionView, TestRunRecord, TestRunUpdate, TestRunsHistory } from '@pairpad/protocol';
import { ROOM_DOC } from '@pairpad/protocol/wire';
import { useRoomRequest } from './use-room-request';

/** Mirrors TEST_RUN_HISTORY_LIMIT in the protocol (kept here so the room bundle needs no zod module for it). */
const HISTORY_LIMIT = 10;

const STATE_RANK: Record<TestRunRecord['state'], number> = { queued: 0, running: 1, completed: 2, failed: 2 };

export interface QuestionsState {
  /** The room's question for this participant (hidden cases' content for interviewers only); null before the server said. */
  question: RoomQuestionView | null;
  /** The room's test runs, newest first: the same pass/fail for everyone. */
  testRuns: TestRunRecord[];
  /** A test run request is on its way. */
  starting: boolean;
  /** Why the last request was refused, in words. */
  error: string | null;
  /** Interviewer: load a bank question. Resolves with the room's question, or null when refused (see `error`). */
  load(questionId: string): Promise<RoomQuestionView | null>;
  /** Interviewer: replace the description, cases, starters or title. Resolves with the reason when refused. */
  edit(edit: EditQuestion): Promise<string | null>;
  runTests(): Promise<void>;
  /** Replaces the shared code in one local transaction (the editor's Ctrl+Z undoes it). Returns the code it replaced. */
  replaceCode(code: string): string | null;
  dismissError(): void;
}

/** Adds or replaces a test run; an older state never overwrites a newer one. */
export function upsertTestRun(runs: TestRunRecord[], run: TestRunRecord): TestRunRecord[] {
  const index = runs.findIndex((existing) => existing.runId === run.runId);
  if (index < 0) return [run, ...runs].slice(0, HISTORY_LIMIT);
  if (STATE_RANK[runs[index]!.state] > STATE_RANK[run.state]) return runs;
  const next = [...runs];
  next[index] = run;
  return next;
}

/** The room's question and its test runs. Used by useRoom only, so components never see the socket. */
export function useQuestions(provider: SocketYjsProvider | null): QuestionsState {
  const [question, setQuestion] = useState<RoomQuestionView | null>(null);
  const [testRuns, setTestRuns] = useState<TestRunRecord[]>([]);
  const { pending: starting, error, setError, send } = useRoomRequest(provider);

  useEffect(() => {
    setQuestion(null);
    setTestRuns([]);
    if (!provider) return;
    const onState = (next: RoomQuestionView) => setQuestion(next);
    // Sent on every (re)join: the server's list is the truth.
    const onHistory = (history: TestRunsHistory) => setTestRuns(history.runs.slice(0, HISTORY_LIMIT));
    const onUpdate = (update: TestRunUpdate) => setTestRuns((current) => upsertTestRun(current, update.run));
    provider.socket.on('question:state', onState);
    provider.socket.on('tests:history', onHistory);
    provider.socket.on('tests:update', onUpdate);
    return () => {
      provider.socket.off('question:state', onState);
      provider.socket.off('tests:history', onHistory);
      provider.socket.off('tests:update', onUpdate);
    };
  }, [provider]);

  const load = useCallback(
    async (questionId: string) => {
      if (!provider) return null;
      setError(null);
      const ack = await provider.request('question:load', { questionId });
      if (!ack.ok) {
        setError(ack.error.message);
        return null;
      }
      setQuestion(ack.question);
      return ack.question;
    },
    [provider],
  );

  const edit = useCallback(
    async (change: EditQuestion) => {
      if (!provider) return 'Not connected.';
      const ack = await provider.request('question:edit', change);
      if (!ack.ok) return ack.error.message;
      setQuestion(ack.question);
      return null;
    },
    [provider],
  );

  const runTests = useCallback(() => send('tests:run', {}, (ack) => setTestRuns((current) => upsertTestRun(current, ack.run))), [send]);

  const replaceCode = useCallback(
    (code: string) => {
      if (!provider) return null;
      // One transaction of its own origin: the editor's undo manager makes it one step (Ctrl+Z brings the old code back).
      return replaceSharedCode(provider.doc.getText(ROOM_DOC.code), code);
    },
    [provider],
  );

  return useMemo(
    () => ({ question, testRuns, starting, error, load, edit, runTests, replaceCode, dismissError: () => setError(null) }),
    [question, testRuns, starting, error, load, edit, runTests, replaceCode],
  );
}
