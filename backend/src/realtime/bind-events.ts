import {
  CLIENT_EVENTS,
  CLIENT_EVENT_NAMES,
  parseOrThrow,
  type Ack,
  type ClientEventAck,
  type ClientEventInput,
  type ClientEventName,
} from '../protocol';
import { toErrorBody } from './socket-errors';

/** One handler per event of the protocol table; it receives the parsed payload and returns the ack's fields. */
export type ClientEventHandlers = {
  [E in ClientEventName]: (payload: ClientEventInput<E>) => ClientEventAck<E> | Promise<ClientEventAck<E>>;
};

/** What binding needs from a socket: incoming events arrive untyped (anything can be sent). */
interface UntypedReceiver {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Binds every acked event of `CLIENT_EVENTS` on one socket: parse the payload with its schema
 * (a bad one changes nothing and is answered VALIDATION_FAILED), run the handler, answer the ack
 * with `{ ok: true, ...fields }` or a named error. Never throws.
 */
export function bindClientEvents(socket: UntypedReceiver, handlers: ClientEventHandlers): void {
  for (const name of CLIENT_EVENT_NAMES) {
    const spec = CLIENT_EVENTS[name];
    const handler = handlers[name] as (payload: unknown) => object | Promise<object>;
    socket.on(name, (payload: unknown, ack?: unknown) => {
      void answer(ack, () => handler(parseOrThrow(spec.schema, payload === undefined && spec.optional ? {} : payload, spec.what)));
    });
  }
}

async function answer(ack: unknown, handler: () => object | Promise<object>): Promise<void> {
  let result: Ack<object>;
  try {
    result = { ok: true, ...(await handler()) };
  } catch (error) {
    result = { ok: false, error: toErrorBody(error) };
  }
  if (typeof ack === 'function') (ack as (result: Ack<object>) => void)(result);
}
