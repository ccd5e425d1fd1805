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

/**
 * One handler per event of the protocol table; it receives the socket's context (its room,
 * connection...) and the parsed payload, and returns the ack's fields.
 */
export type ClientEventHandlers<Context> = {
  [E in ClientEventName]: (context: Context, payload: ClientEventInput<E>) => ClientEventAck<E> | Promise<ClientEventAck<E>>;
};

/** What binding needs from a socket: incoming events arrive untyped (anything can be sent). */
export interface UntypedReceiver {
  on(event: string, listener: (this: object, ...args: unknown[]) => void): unknown;
}

/** Binds the handlers on one socket, with that socket's context. */
export type ClientEventBinder<Context> = (socket: UntypedReceiver, context: Context) => void;

/**
 * Makes the binder of every acked event of `CLIENT_EVENTS`: parse the payload with its schema
 * (a bad one changes nothing and is answered VALIDATION_FAILED), run the handler, answer the ack
 * with `{ ok: true, ...fields }` or a named error. Never throws.
 *
 * The listeners are made once here and shared by every socket: each finds its socket's context
 * through `this` (Node's EventEmitter calls a listener with the emitter as `this`). A closure per
 * event per socket (and a handler object per socket) cost every idle connection a few KiB
 * (issue #14: 10,000 idle connections in one process).
 */
export function clientEventBinder<Context extends object>(handlers: ClientEventHandlers<Context>): ClientEventBinder<Context> {
  const contexts = new WeakMap<object, Context>();
  const listeners = CLIENT_EVENT_NAMES.map((name) => {
    const spec = CLIENT_EVENTS[name];
    const handler = handlers[name] as (context: Context, payload: unknown) => object | Promise<object>;
    const listener = function (this: object, payload: unknown, ack?: unknown): void {
      const context = contexts.get(this);
      void answer(ack, () => {
        // Only a socket bound below emits these; anything else is a bug, answered INTERNAL.
        if (context === undefined) throw new Error(`"${name}" arrived on a socket without a context`);
        return handler(context, parseOrThrow(spec.schema, payload === undefined && spec.optional ? {} : payload, spec.what));
      });
    };
    return [name, listener] as const;
  });
  return (socket, context) => {
    contexts.set(socket, context);
    for (const [name, listener] of listeners) socket.on(name, listener);
  };
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
