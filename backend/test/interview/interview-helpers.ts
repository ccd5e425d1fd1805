import type { SocketYjsProvider } from '@pairpad/client';
import type { Ack, ChatMessage, ClientEventName, ErrorBody, InterviewState } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { connectClient } from '../helpers/test-backend';

export type Requestable = ClientEventName;

/**
 * Sends an acked event over the real provider's socket and returns the raw ack. The payload is
 * unchecked on purpose (tests send what the server must refuse); `provider.request` is the typed way.
 */
export function ask<T = Record<string, never>>(provider: SocketYjsProvider, event: Requestable, payload: unknown): Promise<Ack<T>> {
  const emitter = provider.socket.timeout(10_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<T>> };
  return emitter.emitWithAck(event, payload);
}

/** The error code of a refused ack (or 'OK'). */
export async function codeOfAck(ack: Promise<Ack<object>>): Promise<string> {
  const result = await ack;
  return result.ok ? 'OK' : result.error.code;
}

/** Everything one participant's socket hears that matters here. */
export interface Heard {
  states: InterviewState[];
  chat: ChatMessage[];
  chatHistory: ChatMessage[][];
  errors: ErrorBody[];
  /** Every raw engine.io payload (text frames and binary attachments), in order. */
  raw: Array<string | Uint8Array>;
}

/**
 * A real provider whose every incoming engine.io frame is captured before socket.io decodes it,
 * so "never receives X" is checked on the bytes, not on what a handler chose to look at.
 */
export function capturedClient(
  backend: Pick<BackendHandle, 'url'>,
  options: Parameters<typeof connectClient>[1],
): { provider: SocketYjsProvider; heard: Heard } {
  const provider = connectClient(backend, { ...options, connect: false });
  const heard: Heard = { states: [], chat: [], chatHistory: [], errors: [], raw: [] };
  provider.socket.io.on('open', () => {
    provider.socket.io.engine.on('data', (data: unknown) => {
      if (typeof data === 'string') heard.raw.push(data);
      else if (data instanceof ArrayBuffer) heard.raw.push(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) heard.raw.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  });
  provider.socket.on('room:state', (state) => heard.states.push(state));
  provider.socket.on('chat:message', (message) => heard.chat.push(message));
  provider.socket.on('chat:history', (history) => heard.chatHistory.push(history.messages));
  provider.socket.on('room:error', (error) => heard.errors.push(error));
  provider.connect();
  return { provider, heard };
}

/** True when any captured frame contains `needle` (as UTF-8 text or bytes). */
export function heardText(heard: Heard, needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return heard.raw.some((frame) => (typeof frame === 'string' ? frame.includes(needle) : Buffer.from(frame).includes(bytes)));
}

export function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
