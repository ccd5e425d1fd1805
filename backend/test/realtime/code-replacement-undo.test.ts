import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { CODE_REPLACEMENT, keepReplacementsApart, replaceSharedCode } from '@pairpad/client';
import { ROOM_DOC } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { codeOf, createSession, startTestBackend, trackedClients, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/** What the editor's yCollab binding is to the undo manager: the origin of this person's typing. */
const TYPING = { kind: 'typing' };

describe('a starter loaded over typed code is one undo step of its own (the questions.spec Ctrl+Z flake)', () => {
  let backend: BackendHandle;
  const client = trackedClients(() => backend).connect;

  before(async () => {
    backend = await startTestBackend();
  });
  after(() => backend.close());

  async function room() {
    const session = await createSession(backend);
    const interviewer = client({ sessionId: session.id, token: session.interviewerToken, name: 'Ivy' });
    const candidate = client({ sessionId: session.id, name: 'Cara' });
    await Promise.all([waitSynced(interviewer), waitSynced(candidate)]);
    return { interviewer, candidate, text: interviewer.doc.getText(ROOM_DOC.code) };
  }

  /** Types `typed` over the whole text as one keystroke-like change, then at once loads `starter`. */
  function typeThenReplace(text: Y.Text, typed: string, starter: string): void {
    text.doc!.transact(() => {
      text.delete(0, text.length);
      text.insert(0, typed);
    }, TYPING);
    replaceSharedCode(text, starter);
  }

  it('Ctrl+Z right after the load brings the typed code back, on both sides, however soon it came after the typing', async () => {
    const { interviewer, candidate, text } = await room();
    const undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([TYPING]) });
    const detach = keepReplacementsApart(undoManager);
    const typed = 'print("my own work")\n';
    typeThenReplace(text, typed, 'def fizzbuzz(n):\n    pass\n');
    assert.equal(undoManager.undoStack.length, 2, 'the typing and the load are two steps');
    undoManager.undo();
    assert.equal(codeOf(interviewer), typed);
    await waitFor(() => codeOf(candidate) === typed, { what: 'the candidate sees the typed code again' });
    // Typing right after a load is not merged into the load either.
    replaceSharedCode(text, 'starter\n');
    text.doc!.transact(() => text.insert(text.length, 'x'), TYPING);
    undoManager.undo();
    assert.equal(codeOf(interviewer), 'starter\n');
    detach();
    undoManager.destroy();
  });

  it('without it, Y.UndoManager merges a load within 500 ms of typing into one step (what the flake was)', async () => {
    const { text } = await room();
    const undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([TYPING]) });
    undoManager.addTrackedOrigin(CODE_REPLACEMENT);
    const original = text.toString();
    typeThenReplace(text, 'typed\n', 'starter\n');
    undoManager.undo();
    assert.equal(text.toString(), original, 'one undo reverted the typing too');
    undoManager.destroy();
  });
});
