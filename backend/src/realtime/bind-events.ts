import {
  CLIENT_EVENTS,
  CLIENT_EVENT_NAMES,
  parseOrThrow,
  type Ack,
  type ClientEventAck,
  type ClientEventInput,
  type ClientEventName,
} from '@pairpad/protocol';
import { toErrorBody } from './socket-errors';

/**
 * One handler per event of the protocol table; it receives the socket's context (its room,
 * connection...) and the parsed payload, and returns the ack's fields.
 */
export type ClientEventHandlers<Context> = {
  [E in ClientEventName]: (context: Context, payload: ClientEventInput<E>) => ClientEventAck<E> | Promise<ClientEventAck<E>>;
};

/** A listener shared by every socket; it is called with the emitting socket as `this`. */
export type SharedListener = (this: object, ...args: unknown[]) => void;

/**
 * The listeners of every acked event of `CLIENT_EVENTS`: parse the payload with its schema
 * (a bad one changes nothing and is answered VALIDATION_FAILED), run the handler with the
 * socket's context, answer the ack with `{ ok: true, ...fields }` or a named error. Never throws.
 *
 * Made once and used for every socket: each listener finds its socket's context through `this`
 * (Node's EventEmitter calls a listener with the emitter as `this`). A closure per event per
 * socket (and a handler object per socket) cost every idle connection a few KiB (issue #14:
 * 10,000 idle connections in one process).
 */
export function clientEventListeners<Context>(
  handlers: ClientEventHandlers<Context>,
  contextOf: (socket: object) => Context | undefined,
): ReadonlyArray<readonly [ClientEventName, SharedListener]> {
  return CLIENT_EVENT_NAMES.map((name) => {
    const spec = CLIENT_EVENTS[name];
    const handler = handlers[name] as (context: Context, payload: unknown) => object | Promise<object>;
    const listener = function (this: object, payload: unknown, ack?: unknown): void {
      const context = contextOf(this);
      void answer(ack, () => {
        // Only a socket that has its context emits these; anything else is a bug, answered INTERNAL_ERROR.
        if (context === undefined) throw new Error(`"${name}" arrived on a socket without a context`);
        return handler(context, parseOrThrow(spec.schema, payload === undefined && spec.optional ? {} : payload, spec.what));
      });
    };
    return [name, listener] as const;
  });
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
