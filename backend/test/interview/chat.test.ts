import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SocketYjsProvider } from '@pairpad/client';
import { CHAT_HISTORY_LIMIT, MAX_CHAT_MESSAGE_LENGTH, type ChatMessage } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { InterviewStateDoc } from '../../src/rooms/interview-state';
import { createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { ask, capturedClient, codeOfAck } from './interview-helpers';

describe('chat', () => {
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];
  before(async () => {
    backend = await startTestBackend({ SOCKET_EVENTS_PER_SECOND: '1000', SOCKET_EVENT_BURST: '2000' });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend.close();
  });

  it('messages reach everyone with the verified name and role; a late joiner gets the history', async () => {
    const session = await createSession(backend);
    const interviewer = capturedClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(interviewer.provider, candidate.provider);
    await Promise.all([waitSynced(interviewer.provider), waitSynced(candidate.provider)]);
    assert.deepEqual(candidate.heard.chatHistory, [[]], 'an empty history at join');

    const sent = await ask<{ message: ChatMessage }>(candidate.provider, 'chat:send', { text: '  Can I use a dict? <b>x</b>  ' });
    assert.ok(sent.ok);
    assert.equal(sent.message.text, 'Can I use a dict? <b>x</b>', 'trimmed, kept as plain text');
    assert.equal(await codeOfAck(ask(interviewer.provider, 'chat:send', { text: 'Sure.' })), 'OK');
    await waitFor(() => interviewer.heard.chat.length === 2 && candidate.heard.chat.length === 2, { what: 'both messages to both' });
    assert.deepEqual(
      interviewer.heard.chat.map((message) => [message.name, message.role, message.text]),
      [
        ['Cara', 'candidate', 'Can I use a dict? <b>x</b>'],
        ['Ivy', 'interviewer', 'Sure.'],
      ],
    );

    const late = capturedClient(backend, { sessionId: session.id, name: 'Lee' });
    open.push(late.provider);
    await waitSynced(late.provider);
    assert.deepEqual(
      late.heard.chatHistory[0]?.map((message) => message.text),
      ['Can I use a dict? <b>x</b>', 'Sure.'],
    );
  });

  it('empty, oversized and malformed messages are refused VALIDATION_FAILED and not kept', async () => {
    const session = await createSession(backend);
    const candidate = capturedClient(backend, { sessionId: session.id, name: 'Cara' });
    open.push(candidate.provider);
    await waitSynced(candidate.provider);
    for (const payload of [
      { text: '   ' },
      { text: 'x'.repeat(MAX_CHAT_MESSAGE_LENGTH + 1) },
      { text: 42 },
      { text: 'hi', role: 'interviewer' },
      null,
    ]) {
      assert.equal(
        await codeOfAck(ask(candidate.provider, 'chat:send', payload)),
        'VALIDATION_FAILED',
        JSON.stringify(payload)?.slice(0, 40),
      );
    }
    assert.equal(await codeOfAck(ask(candidate.provider, 'chat:send', { text: 'x'.repeat(MAX_CHAT_MESSAGE_LENGTH) })), 'OK');
    assert.equal(backend.rooms.get(session.id)!.interview.chat.list().length, 1);
  });

  it('the log keeps the newest messages up to its limit', () => {
    const state = new InterviewStateDoc();
    for (let i = 0; i < CHAT_HISTORY_LIMIT + 25; i++) {
      InterviewStateDoc.pushBounded(
        state.chat,
        { id: `id${i}`, at: i, name: 'A', role: 'candidate' as const, text: `m${i}` },
        CHAT_HISTORY_LIMIT,
      );
    }
    const messages = state.chat.toArray();
    assert.equal(messages.length, CHAT_HISTORY_LIMIT);
    assert.equal(messages[0]?.text, 'm25');
    assert.equal(messages.at(-1)?.text, `m${CHAT_HISTORY_LIMIT + 24}`);
  });
});
